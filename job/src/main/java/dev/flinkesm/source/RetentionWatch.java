package dev.flinkesm.source;

import dev.flinkesm.metrics.EsmMetrics;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices records that retention removed while the job was reading, so they are never skipped silently. The case:
 * a partition retries for longer than the topic keeps records; when its fetching resumes, its position is gone, and
 * the Kafka consumer resets to the earliest retained offset ({@link CommittedOrStartingOffsets}) without telling
 * anyone. Splits that start behind the log are handled where they start ({@link RestoredSplitStarts}).
 *
 * <p>How: each partition's offsets are expected to follow each other. A gap is normal on compacted or transactional
 * topics, so a gap alone proves nothing; it makes this ask the broker for the partition's earliest retained offset
 * (one question in flight per partition; gaps met meanwhile wait for its answer). Offsets of a gap that are
 * below that earliest one were never read and are gone: they are logged (topic, partition, offset range) and counted
 * in {@code RemovedByRetentionEventCount}. (A transaction marker inside such a range counts too: an over-count by
 * markers, in a partition that lost records anyway.)
 *
 * <p>Runs on the task thread; admin answers are handed back through {@code taskThread}.
 */
final class RetentionWatch {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionWatch.class);

    private final Supplier<Admin> admin;
    private final Executor taskThread;
    private final EsmMetrics metrics;
    private final Map<TopicPartition, Partition> partitions = new HashMap<>();

    /** Gaps waiting for one answer, per partition, at most; more (a burst of transaction markers) are not checked. */
    static final int MAX_GAPS = 256;

    private static final class Partition {
        long next = -1;
        /** Gaps not yet checked, each {from, to}: offsets from..to-1 were never read. */
        final ArrayDeque<long[]> gaps = new ArrayDeque<>();
        boolean asking;
    }

    /** @param admin the reader's admin client, asked for at the first gap */
    RetentionWatch(Supplier<Admin> admin, Executor taskThread, EsmMetrics metrics) {
        this.admin = admin;
        this.taskThread = taskThread;
        this.metrics = metrics;
    }

    /** The partition's reading starts at {@code offset} (a concrete split start; negative: unknown yet). */
    void onStart(TopicPartition tp, long offset) {
        partitions.computeIfAbsent(tp, k -> new Partition()).next = offset;
    }

    /** A record was read. Cheap unless the offset skips ahead. */
    void onRecord(TopicPartition tp, long offset) {
        Partition p = partitions.computeIfAbsent(tp, k -> new Partition());
        if (p.next >= 0 && offset > p.next && p.gaps.size() < MAX_GAPS) {
            p.gaps.add(new long[] {p.next, offset});
            ask(tp, p);
        }
        p.next = offset + 1;
    }

    private void ask(TopicPartition tp, Partition p) {
        if (p.asking) {
            return;
        }
        p.asking = true;
        admin.get().listOffsets(Map.of(tp, OffsetSpec.earliest())).partitionResult(tp).whenComplete((info, error) ->
                taskThread.execute(() -> onEarliest(tp, p, error == null ? info.offset() : -1)));
    }

    private void onEarliest(TopicPartition tp, Partition p, long earliest) {
        p.asking = false;
        if (earliest < 0) {
            return; // not answered: the next gap asks again
        }
        for (long[] gap; (gap = p.gaps.poll()) != null; ) {
            long removedTo = Math.min(earliest, gap[1]);
            if (removedTo > gap[0]) {
                LOG.warn("kafka_topic={} kafka_partition={} kafka_offsets={}..{}: {} records were removed by "
                                + "retention before they were delivered; continued at offset {}",
                        tp.topic(), tp.partition(), gap[0], removedTo - 1, removedTo - gap[0], gap[1]);
                metrics.recordRemovedByRetention(removedTo - gap[0]);
            }
        }
    }
}
