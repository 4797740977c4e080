package dev.flinkesm.source;

import dev.flinkesm.metrics.EsmMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each split handed to a reader really starts:
 *
 * <ul>
 *   <li>with {@link RestoreOffsets#LATER}, at the later of the split's offset (from a checkpoint, or resolved by the
 *       enumerator) and the consumer group's committed offset: the group is committed after every delivered batch
 *       ({@link OffsetCommitter}), so it is usually ahead of the last checkpoint. Both only ever name offsets before
 *       which everything was delivered, so the later one loses nothing;
 *   <li>never before the earliest retained offset: records retention removed before they were delivered are
 *       logged (topic, partition, offset range) and counted in {@code RemovedByRetentionEventCount}, never skipped
 *       silently.
 * </ul>
 *
 * The broker is asked once per call, within {@link #TIMEOUT}; if it cannot answer, the splits start where they say
 * (never later), with a warning: at worst more is sent again.
 */
final class RestoredSplitStarts {
    private static final Logger LOG = LoggerFactory.getLogger(RestoredSplitStarts.class);

    static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final Supplier<Admin> admin;
    private final String groupId;
    private final RestoreOffsets mode;
    private final EsmMetrics metrics;

    /** @param admin the reader's admin client, asked for only when there is a split to adjust */
    RestoredSplitStarts(Supplier<Admin> admin, String groupId, RestoreOffsets mode, EsmMetrics metrics) {
        this.admin = admin;
        this.groupId = groupId;
        this.mode = mode;
        this.metrics = metrics;
    }

    /** The splits, each starting at its later offset; splits without a concrete offset are left as they are. */
    List<KafkaPartitionSplit> adjust(List<KafkaPartitionSplit> splits) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (KafkaPartitionSplit split : splits) {
            if (split.getStartingOffset() >= 0) {
                partitions.add(split.getTopicPartition());
            }
        }
        if (partitions.isEmpty()) {
            return splits;
        }
        Map<TopicPartition, Long> group;
        Map<TopicPartition, Long> earliest;
        try {
            group = mode == RestoreOffsets.LATER ? committedOffsets(partitions) : Map.of();
            earliest = earliestOffsets(partitions);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return splits;
        } catch (Exception e) {
            LOG.warn("Could not read consumer group {}'s offsets ({}); partitions start at their checkpointed "
                    + "offsets, and records delivered since the checkpoint are sent again.", groupId, e.toString());
            return splits;
        }
        List<KafkaPartitionSplit> adjusted = new ArrayList<>(splits.size());
        for (KafkaPartitionSplit split : splits) {
            adjusted.add(split.getStartingOffset() < 0 ? split : startAt(split, group, earliest));
        }
        return adjusted;
    }

    private KafkaPartitionSplit startAt(KafkaPartitionSplit split, Map<TopicPartition, Long> group,
            Map<TopicPartition, Long> earliest) {
        TopicPartition tp = split.getTopicPartition();
        long checkpointed = split.getStartingOffset();
        long start = Math.max(checkpointed, group.getOrDefault(tp, -1L));
        if (start > checkpointed) {
            LOG.info("kafka_topic={} kafka_partition={}: starting at offset {}, committed by the consumer group after "
                    + "the checkpoint's {}", tp.topic(), tp.partition(), start, checkpointed);
        }
        long retained = earliest.getOrDefault(tp, -1L);
        if (retained > start) {
            LOG.warn("kafka_topic={} kafka_partition={} kafka_offsets={}..{}: {} records were removed by retention "
                            + "before they were delivered; continuing at offset {}, the earliest retained",
                    tp.topic(), tp.partition(), start, retained - 1, retained - start, retained);
            metrics.recordRemovedByRetention(retained - start);
            start = retained;
        }
        return start == checkpointed ? split : new KafkaPartitionSplit(tp, start,
                split.getStoppingOffset().orElse(KafkaPartitionSplit.NO_STOPPING_OFFSET));
    }

    private Map<TopicPartition, Long> committedOffsets(List<TopicPartition> partitions) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.get()
                .listConsumerGroupOffsets(Map.of(groupId, new ListConsumerGroupOffsetsSpec().topicPartitions(partitions)))
                .partitionsToOffsetAndMetadata(groupId)
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, Long> out = new HashMap<>();
        offsets.forEach((tp, om) -> {
            if (om != null && om.offset() >= 0) {
                out.put(tp, om.offset());
            }
        });
        return out;
    }

    private Map<TopicPartition, Long> earliestOffsets(List<TopicPartition> partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, OffsetSpec.earliest()));
        Map<TopicPartition, ListOffsetsResultInfo> result =
                admin.get().listOffsets(request).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        Map<TopicPartition, Long> out = new HashMap<>();
        result.forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }
}
