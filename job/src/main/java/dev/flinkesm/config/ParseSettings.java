package dev.flinkesm.config;

import dev.flinkesm.filter.FilterQuota;

import java.util.Objects;
import java.util.Set;

/**
 * What a parse checks a mapping against besides AWS's rules: the fields not supported yet, and the filter quota.
 *
 * @param notYetSupported field names (and {@code SourceAccessConfigurations.<Type>}) refused after validation
 * @param filterQuota the most filters a mapping may have
 */
record ParseSettings(Set<String> notYetSupported, FilterQuota filterQuota) {
    ParseSettings {
        notYetSupported = Set.copyOf(notYetSupported);
        Objects.requireNonNull(filterQuota, "filterQuota");
    }
}
