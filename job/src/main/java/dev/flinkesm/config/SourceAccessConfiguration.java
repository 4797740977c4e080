package dev.flinkesm.config;

import java.io.Serializable;
import java.util.Objects;

/**
 * One {@code SourceAccessConfigurations} entry. The {@code uri} is where the secret lives (a Secrets Manager ARN on
 * AWS, or a local secret source), never the secret itself, so it is safe to print.
 */
public record SourceAccessConfiguration(SourceAccessType type, String uri) implements Serializable {

    private static final long serialVersionUID = 1L;

    public SourceAccessConfiguration {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(uri, "uri");
    }
}
