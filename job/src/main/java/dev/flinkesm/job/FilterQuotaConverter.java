package dev.flinkesm.job;

import dev.flinkesm.filter.FilterQuota;
import picocli.CommandLine;

/** {@code --max-filters N}, checked while the command line is parsed: out of 5..10 is a usage error. */
final class FilterQuotaConverter implements CommandLine.ITypeConverter<FilterQuota> {
    @Override
    public FilterQuota convert(String value) {
        try {
            return FilterQuota.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
