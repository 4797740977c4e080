package dev.flinkesm.failure;

/**
 * What one invocation's outcome means for its batch, before the mapping's failure controls are applied. Decided
 * only by {@link OutcomeClassifier#classify}.
 */
public enum Verdict {
    /** The function took the batch: its records are delivered and may be committed. */
    DELIVERED,
    /**
     * The function ran and failed (it threw, timed out, or reported item failures): retry after a backoff. Counts
     * toward {@code MaximumRetryAttempts}, may bisect.
     */
    RETRY,
    /**
     * The function never ran (throttled, Lambda's 5xx, a function being updated, no answer): back off and try again.
     * Never counts toward {@code MaximumRetryAttempts}: only {@code MaximumRecordAgeInSeconds} ends it, as on AWS.
     */
    BACKOFF,
    /** The request itself can never be accepted as it is (over Lambda's payload limit). */
    PAYLOAD_TOO_LARGE,
    /** No retry can succeed (missing function, refused caller): fail the job once, without restarts. */
    STOP_MAPPING
}
