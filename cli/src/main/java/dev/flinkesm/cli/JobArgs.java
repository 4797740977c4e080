package dev.flinkesm.cli;

import dev.flinkesm.filter.FilterQuota;
import java.util.List;

/**
 * What the CLI reads from the job arguments it passes on (after {@code --}): settings the job applies that the CLI
 * must apply the same way before it submits anything.
 */
final class JobArgs {
    private JobArgs() {}

    /** The value of a job option written {@code --name value} or {@code --name=value}; null if absent. */
    static String value(List<String> jobArgs, String name) {
        if (jobArgs == null) {
            return null; // a record stored before job arguments were kept
        }
        for (int i = 0; i < jobArgs.size(); i++) {
            String arg = jobArgs.get(i);
            if (arg.equals(name) && i + 1 < jobArgs.size()) {
                return jobArgs.get(i + 1);
            }
            if (arg.startsWith(name + "=")) {
                return arg.substring(name.length() + 1);
            }
        }
        return null;
    }

    /**
     * The job's {@code --max-filters} (AWS's default quota when absent), so a mapping is checked against the quota
     * the job will check it against; a value the job would refuse is refused here, as a parameter error.
     */
    static FilterQuota filterQuota(List<String> jobArgs) {
        String value = value(jobArgs, FilterQuota.OPTION);
        if (value == null) {
            return FilterQuota.AWS_DEFAULT;
        }
        try {
            return FilterQuota.parse(value);
        } catch (IllegalArgumentException e) {
            throw new EsmError("ParamValidation", "Parameter validation failed:\nInvalid job argument: "
                    + e.getMessage(), EsmError.PARAMETERS);
        }
    }
}
