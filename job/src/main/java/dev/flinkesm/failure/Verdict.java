package dev.flinkesm.failure;

/** What the job does with a batch after an invocation attempt. Decided only by {@link InvokeClassifier}. */
public enum Verdict {
    /** The function took the batch: its records are delivered and may be committed. */
    DELIVERED,
    /** Try the whole batch again after a backoff; the partition waits, the others go on. */
    RETRY,
    /** The request itself can never be accepted as it is (over Lambda's payload limit). */
    PAYLOAD_TOO_LARGE,
    /** No retry can succeed (missing function, refused caller): fail the job once, without restarts. */
    STOP_MAPPING
}
