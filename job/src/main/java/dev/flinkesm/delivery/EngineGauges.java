package dev.flinkesm.delivery;

import dev.flinkesm.metrics.EsmMetrics;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The reader's gauges ({@code InFlightBatches}, {@code ConcurrencyLimit}, {@code StalledPartitions}, {@code BufferedRecords}, and each
 * partition's buffered records): values the task thread copies, at most every 200 ms, into volatile fields that
 * reporter threads read. Invariant: a reporter thread never reads the engine's or a partition's live state.
 */
final class EngineGauges {
    /** How often gauges' values are copied for reporter threads. */
    static final long PUBLISH_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final EsmMetrics metrics;
    private long nextPublishNanos;

    private volatile int publishedInFlight;
    private volatile int publishedConcurrencyLimit;
    private volatile long publishedStalled;
    private volatile long publishedBuffered;

    /** Registers the gauges; the first {@link #publish} at or after {@code nowNanos} copies the values. */
    EngineGauges(EsmMetrics metrics, long nowNanos) {
        this.metrics = metrics;
        this.nextPublishNanos = nowNanos;
        metrics.registerReaderGauges(() -> publishedInFlight, () -> publishedConcurrencyLimit, () -> publishedStalled,
                () -> publishedBuffered);
    }

    /** Copies the values for reporter threads, unless the last copy is less than 200 ms old. Task thread only. */
    void publish(long nowNanos, int inFlight, int concurrencyLimit, List<PartitionState> partitions) {
        if (nowNanos - nextPublishNanos < 0) {
            return;
        }
        nextPublishNanos = nowNanos + PUBLISH_INTERVAL_NANOS;
        long stalled = 0;
        long buffered = 0;
        for (PartitionState partition : partitions) {
            partition.publish();
            buffered += partition.publishedBufferedRecords();
            if (partition.isStalled()) {
                stalled++;
            }
        }
        publishedInFlight = inFlight;
        publishedConcurrencyLimit = concurrencyLimit;
        publishedStalled = stalled;
        if (stalled == 0) {
            metrics.clearProblem(); // every partition moves again: LastProcessingResult is OK
        }
        publishedBuffered = buffered;
    }

    /** Records the partition's lag behind {@code endOffset} (the log end), once it has a position. */
    void recordLag(PartitionState partition, long endOffset) {
        long undelivered = partition.firstUndeliveredOffset();
        if (undelivered < 0 && partition.lastDoneOffset() < 0) {
            return; // nothing read yet: no position to measure from
        }
        long next = undelivered >= 0 ? undelivered : partition.lastDoneOffset() + 1;
        metrics.recordLag(partition.topicPartition.topic(), partition.topicPartition.partition(), endOffset - next);
    }
}
