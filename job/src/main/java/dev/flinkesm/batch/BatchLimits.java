package dev.flinkesm.batch;

import java.io.Serializable;
import java.time.Duration;

/**
 * When a batch closes: at {@code maxRecords} (the mapping's BatchSize), when one more record would take the request
 * body past {@code maxRequestBytes}, or when the batching window, started by the batch's first record, ends.
 */
public final class BatchLimits implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Lambda's synchronous invoke limit: a request body must be <em>smaller</em> than this. AWS's 413 answer says so:
     * "Request must be smaller than 6291456 bytes for the InvokeFunction operation".
     */
    public static final int LAMBDA_REQUEST_LIMIT_BYTES = 6_291_456;

    /** The largest request body a batch may have: one byte under {@link #LAMBDA_REQUEST_LIMIT_BYTES}. */
    public static final int MAX_REQUEST_BYTES = LAMBDA_REQUEST_LIMIT_BYTES - 1;

    private final int maxRecords;
    private final long maxRequestBytes;
    private final long windowNanos;

    public BatchLimits(int maxRecords, Duration window) {
        this(maxRecords, MAX_REQUEST_BYTES, window);
    }

    /** @param maxRequestBytes the largest request body a batch may have (inclusive) */
    public BatchLimits(int maxRecords, long maxRequestBytes, Duration window) {
        if (maxRecords < 1 || maxRequestBytes < 1 || window.isNegative()) {
            throw new IllegalArgumentException(
                    "batch limits need maxRecords >= 1, maxRequestBytes >= 1, window >= 0");
        }
        this.maxRecords = maxRecords;
        this.maxRequestBytes = maxRequestBytes;
        this.windowNanos = window.toNanos();
    }

    public int maxRecords() {
        return maxRecords;
    }

    public long maxRequestBytes() {
        return maxRequestBytes;
    }

    public long windowNanos() {
        return windowNanos;
    }
}
