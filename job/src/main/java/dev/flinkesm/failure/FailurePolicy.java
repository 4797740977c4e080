package dev.flinkesm.failure;

import dev.flinkesm.config.EventSourceMapping;
import java.io.Serializable;

/**
 * The mapping's failure controls, as AWS defines them: {@code MaximumRetryAttempts}, {@code MaximumRecordAgeInSeconds},
 * {@code BisectBatchOnFunctionError}, {@code FunctionResponseTypes: ReportBatchItemFailures} and whether an on-failure
 * destination is set.
 */
public final class FailurePolicy implements Serializable {
    private static final long serialVersionUID = 1L;

    /** With a destination and infinite retries, AWS caps retries at 10 so failed records do reach the destination. */
    public static final int RETRIES_WITH_DESTINATION_AND_INFINITE = 10;

    private final int maxRetryAttempts; // -1: infinite
    private final long maxRecordAgeMillis; // -1: infinite
    private final boolean bisect;
    private final boolean reportBatchItemFailures;
    private final boolean hasDestination;

    public FailurePolicy(int maxRetryAttempts, int maxRecordAgeSeconds, boolean bisect,
            boolean reportBatchItemFailures, boolean hasDestination) {
        this.maxRetryAttempts = hasDestination && maxRetryAttempts == -1
                ? RETRIES_WITH_DESTINATION_AND_INFINITE : maxRetryAttempts;
        this.maxRecordAgeMillis = maxRecordAgeSeconds == -1 ? -1 : maxRecordAgeSeconds * 1000L;
        this.bisect = bisect;
        this.reportBatchItemFailures = reportBatchItemFailures;
        this.hasDestination = hasDestination;
    }

    public static FailurePolicy of(EventSourceMapping mapping) {
        return new FailurePolicy(mapping.maximumRetryAttempts(), mapping.maximumRecordAgeInSeconds(),
                mapping.bisectBatchOnFunctionError(), mapping.reportBatchItemFailures(),
                mapping.onFailureDestination().isPresent());
    }

    /**
     * True once a batch the function failed {@code functionErrors} times has used all its retries (the first failure
     * is no retry). Only function errors count: AWS documents {@code MaximumRetryAttempts} as "the maximum number of
     * times Lambda retries when your function returns an error"; throttles and invocations that got no answer are
     * retried until {@code MaximumRecordAgeInSeconds} says the records are too old.
     */
    public boolean retriesExhausted(int functionErrors) {
        return maxRetryAttempts >= 0 && functionErrors - 1 >= maxRetryAttempts;
    }

    /** True if a record with this Kafka timestamp is older than {@code MaximumRecordAgeInSeconds} allows. */
    public boolean recordAgeExceeded(long oldestTimestampMillis, long nowMillis) {
        return maxRecordAgeMillis >= 0 && oldestTimestampMillis >= 0 && nowMillis - oldestTimestampMillis > maxRecordAgeMillis;
    }

    public int maxRetryAttempts() {
        return maxRetryAttempts;
    }

    public boolean bisect() {
        return bisect;
    }

    public boolean reportBatchItemFailures() {
        return reportBatchItemFailures;
    }

    public boolean hasDestination() {
        return hasDestination;
    }
}
