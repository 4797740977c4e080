package dev.flinkesm.filter;

import java.io.Serializable;

/**
 * How many filters one mapping may have. AWS's default quota is {@value FilterCriteria#DEFAULT_MAX_FILTERS} filters
 * per event source mapping, and a quota increase raises it to at most {@value FilterCriteria#QUOTA_MAX_FILTERS}.
 * Here the increase is the job option {@value #OPTION} (given once where the job's settings live: {@code flink run}
 * arguments, or after {@code --} of {@code esm create} and {@code esm serve}), so a mapping that needs it cannot run
 * on a deployment that has not raised it, as on AWS.
 */
public record FilterQuota(int maxFilters) implements Serializable {

    /** The job option that raises the quota. */
    public static final String OPTION = "--max-filters";

    public static final FilterQuota AWS_DEFAULT = new FilterQuota(FilterCriteria.DEFAULT_MAX_FILTERS);

    /** @throws IllegalArgumentException naming the option and its range, for a quota AWS could not grant */
    public FilterQuota {
        if (maxFilters < FilterCriteria.DEFAULT_MAX_FILTERS || maxFilters > FilterCriteria.QUOTA_MAX_FILTERS) {
            throw new IllegalArgumentException(OPTION + " " + maxFilters + " is out of range "
                    + FilterCriteria.DEFAULT_MAX_FILTERS + ".." + FilterCriteria.QUOTA_MAX_FILTERS
                    + " (AWS's default quota of filters per mapping, up to what a quota increase grants)");
        }
    }

    /** {@code --max-filters}'s value; IllegalArgumentException for text that is not a whole number in range. */
    public static FilterQuota parse(String text) {
        try {
            return new FilterQuota(Integer.parseInt(text.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(OPTION + " \"" + text + "\" is not a whole number "
                    + FilterCriteria.DEFAULT_MAX_FILTERS + ".." + FilterCriteria.QUOTA_MAX_FILTERS);
        }
    }

    /** The violation for a mapping with {@code filters} filters, or null when they fit. */
    public String violation(String path, int filters) {
        if (filters <= maxFilters) {
            return null;
        }
        String quota = maxFilters == FilterCriteria.DEFAULT_MAX_FILTERS
                ? "AWS's default quota"
                : "the quota set by " + OPTION + " " + maxFilters;
        String raise = maxFilters < FilterCriteria.QUOTA_MAX_FILTERS
                ? "; the job option " + OPTION + " raises it up to " + FilterCriteria.QUOTA_MAX_FILTERS
                        + ", as an AWS quota increase does"
                : "; " + FilterCriteria.QUOTA_MAX_FILTERS + " is the most AWS grants";
        return path + " has " + filters + " filters; at most " + maxFilters + " are allowed (" + quota + ")" + raise;
    }
}
