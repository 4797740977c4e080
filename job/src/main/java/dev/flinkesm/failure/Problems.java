package dev.flinkesm.failure;

/**
 * The {@code LastProcessingResult} texts for problems that may heal, reported while the job keeps retrying (after
 * {@code PROBLEM: }). The first two are AWS's own wording; the topic text is ours (AWS's is not documented).
 */
public final class Problems {
    /** AWS's text when the poller cannot reach the brokers (refused, unresolvable, handshake never completes). */
    public static final String CONNECTION_ERROR =
            "Connection error. Please check your event source connection configuration.";
    /** AWS's text while invocations fail and are retried. */
    public static final String FUNCTION_CALL_FAILED = "Function call failed";
    /** Ours: a subscribed topic does not exist (yet); the mapping waits for it, as a Kafka consumer does. */
    public static final String TOPIC_NOT_FOUND = "Topic not found";

    private Problems() {}

    /** {@code Function call failed (<reason>)}. */
    public static String functionCallFailed(String reason) {
        return FUNCTION_CALL_FAILED + " (" + reason + ")";
    }
}
