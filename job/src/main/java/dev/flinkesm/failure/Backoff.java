package dev.flinkesm.failure;

import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter between retries of one batch. Jitter keeps partitions that failed together
 * (a throttled or restarting function) from retrying in lock-step.
 */
public final class Backoff implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final Duration DEFAULT_INITIAL = Duration.ofMillis(200);
    public static final Duration DEFAULT_MAX = Duration.ofSeconds(10);

    private final long initialMillis;
    private final long maxMillis;

    public Backoff(Duration initial, Duration max) {
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 <= initial <= max, got " + initial + ", " + max);
        }
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
    }

    /** The delay before retry number {@code retry} (1 for the first retry). */
    public long delayMillis(int retry) {
        long ceiling = ceilingMillis(retry);
        // Full jitter, but never below half the ceiling: a retry storm against a recovering function helps nobody.
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }

    long ceilingMillis(int retry) {
        int doublings = Math.min(Math.max(retry - 1, 0), 30);
        long ceiling = initialMillis << doublings;
        return ceiling < 0 ? maxMillis : Math.min(ceiling, maxMillis);
    }
}
