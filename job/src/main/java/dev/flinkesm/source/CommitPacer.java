package dev.flinkesm.source;

import java.util.function.LongSupplier;

/**
 * When the next offset commit may start: at least {@code minIntervalNanos} after the one before (the first at once).
 * Zero lets every request start as soon as the one before is answered. Kept apart from {@link OffsetCommitter} so the
 * rule can be checked without a broker.
 */
final class CommitPacer {
    private final long minIntervalNanos;
    private final LongSupplier nanoTime;
    private boolean started;
    private long lastStartNanos;

    CommitPacer(long minIntervalNanos, LongSupplier nanoTime) {
        if (minIntervalNanos < 0) {
            throw new IllegalArgumentException("negative commit interval: " + minIntervalNanos + " ns");
        }
        this.minIntervalNanos = minIntervalNanos;
        this.nanoTime = nanoTime;
    }

    /** Nanoseconds until a request may start; 0 or less: now. */
    long waitNanos() {
        return started ? minIntervalNanos - (nanoTime.getAsLong() - lastStartNanos) : 0;
    }

    /** A request starts now. */
    void started() {
        started = true;
        lastStartNanos = nanoTime.getAsLong();
    }
}
