package dev.flinkesm.config;

import java.util.List;

/**
 * An event source mapping that cannot run, with every reason at once. The message starts with AWS's state transition
 * reason {@code ESM_CONFIG_NOT_VALID} so it reads like the managed service's error.
 */
public final class MappingValidationException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** AWS's {@code StateTransitionReason} for a mapping that is not valid. */
    public static final String REASON = "ESM_CONFIG_NOT_VALID";

    private final List<String> violations;

    MappingValidationException(List<String> violations) {
        super(REASON + ": " + String.join("; ", violations));
        this.violations = List.copyOf(violations);
    }

    /** One message per violation, each naming the field, its value and the rule, in field order. */
    public List<String> violations() {
        return violations;
    }
}
