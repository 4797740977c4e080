package dev.flinkesm.source;

import dev.flinkesm.config.StartingPosition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a partition starts when the job has no checkpoint for it, as Lambda decides: the consumer group's committed
 * offset if there is one (it wins over StartingPosition), else the mapping's StartingPosition, resolved once: the
 * resolved offsets are committed to the group before the partitions are assigned ({@link FirstStartCommit}).
 */
public final class CommittedOrStartingOffsets implements OffsetsInitializer {
    private static final long serialVersionUID = 1L;

    private final StartingPosition position;
    private final Long timestampMillis;
    private final FirstStartCommit firstStart; // null: resolve without committing (tests)

    public CommittedOrStartingOffsets(StartingPosition position, Instant timestamp) {
        this(position, timestamp, null);
    }

    CommittedOrStartingOffsets(StartingPosition position, Instant timestamp, FirstStartCommit firstStart) {
        this.position = position;
        this.timestampMillis = timestamp == null ? null : timestamp.toEpochMilli();
        this.firstStart = firstStart;
        if (position == StartingPosition.AT_TIMESTAMP && timestamp == null) {
            throw new IllegalArgumentException("AT_TIMESTAMP needs a timestamp");
        }
    }

    /** Commits the starts it resolves to {@code groupId} before handing them out. */
    public static CommittedOrStartingOffsets resolvedOnce(StartingPosition position, Instant timestamp,
            String groupId, Properties adminProperties) {
        return new CommittedOrStartingOffsets(position, timestamp, new FirstStartCommit(groupId, adminProperties));
    }

    @Override
    public Map<TopicPartition, Long> getPartitionOffsets(
            Collection<TopicPartition> partitions, PartitionOffsetsRetriever retriever) {
        Map<TopicPartition, Long> committed = new HashMap<>(retriever.committedOffsets(partitions));
        committed.values().removeIf(offset -> offset == null || offset < 0);
        Map<TopicPartition, Long> offsets = new HashMap<>(committed);
        offsets.putAll(fromStartingPosition(partitions, committed, retriever));
        if (firstStart != null) {
            Map<TopicPartition, Long> resolved = new HashMap<>(offsets);
            resolved.keySet().removeAll(committed.keySet());
            firstStart.commit(resolved);
        }
        return offsets;
    }

    /** Where the partitions the group has no offset for start, from StartingPosition. */
    private Map<TopicPartition, Long> fromStartingPosition(Collection<TopicPartition> partitions,
            Map<TopicPartition, Long> committed, PartitionOffsetsRetriever retriever) {
        List<TopicPartition> rest = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            if (!committed.containsKey(tp)) {
                rest.add(tp);
            }
        }
        Map<TopicPartition, Long> offsets = new HashMap<>();
        if (rest.isEmpty()) {
            return offsets;
        }
        switch (position) {
            case TRIM_HORIZON:
                offsets.putAll(retriever.beginningOffsets(rest));
                break;
            case LATEST:
                offsets.putAll(retriever.endOffsets(rest));
                break;
            case AT_TIMESTAMP:
                Map<TopicPartition, Long> query = new HashMap<>();
                rest.forEach(tp -> query.put(tp, timestampMillis));
                Map<TopicPartition, OffsetAndTimestamp> found = retriever.offsetsForTimes(query);
                List<TopicPartition> noneAtOrAfter = new ArrayList<>();
                for (TopicPartition tp : rest) {
                    OffsetAndTimestamp hit = found.get(tp);
                    if (hit != null) {
                        offsets.put(tp, hit.offset());
                    } else {
                        noneAtOrAfter.add(tp);
                    }
                }
                // No record at or after the timestamp yet: start at the end, where the next one will be.
                offsets.putAll(retriever.endOffsets(noneAtOrAfter));
                break;
            default:
                throw new IllegalStateException("unknown starting position " + position);
        }
        return offsets;
    }

    @Override
    public OffsetResetStrategy getAutoOffsetResetStrategy() {
        // Used when a stored offset is out of range (deleted by retention): continue at the oldest record left,
        // whatever the StartingPosition. LATEST only says where a new mapping starts; a mapping that retried or was
        // disabled past retention still wants what is retained (RestoredSplitStarts counts and logs what was lost).
        return OffsetResetStrategy.EARLIEST;
    }
}
