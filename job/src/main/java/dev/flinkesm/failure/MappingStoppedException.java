package dev.flinkesm.failure;

import org.apache.flink.runtime.execution.SuppressRestartsException;

/**
 * A failure no retry can mend (a missing function, refused credentials, an invalid mapping). Its message reads like
 * AWS's {@code StateTransitionReason} plus {@code LastProcessingResult}: {@code FUNCTION_CONFIG_NOT_VALID: PROBLEM: ...}.
 *
 * <p>Thrown through {@link #suppressingRestarts()}, so Flink fails the job once instead of restarting into the same
 * error: a crash loop would hide the reason and hammer the function or the cluster.
 */
public class MappingStoppedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ReasonCode reason;

    public MappingStoppedException(ReasonCode reason, String problem) {
        this(reason, problem, null);
    }

    public MappingStoppedException(ReasonCode reason, String problem, Throwable cause) {
        super(reason.name() + ": PROBLEM: " + problem, cause);
        this.reason = reason;
    }

    public ReasonCode reason() {
        return reason;
    }

    /** Wraps this so that Flink's restart strategy does not restart the job. */
    public SuppressRestartsException suppressingRestarts() {
        return new SuppressRestartsException(this);
    }
}
