package dev.flinkesm.source;

import dev.flinkesm.failure.KafkaFailureClassifier;
import dev.flinkesm.failure.MappingStoppedException;
import dev.flinkesm.metrics.EsmMetrics;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits delivered offsets to the mapping's consumer group, for the outside world (lag monitoring, a restart
 * without a savepoint). The checkpoint is the truth; the group's offsets follow it.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>what is committed for a partition is the first offset not yet delivered when a checkpoint was taken, so a
 *       commit never passes an undelivered record;
 *   <li>a commit is sent only once its checkpoint completed (a failed checkpoint's offsets are never committed);
 *       if Flink skips a notification, the next one commits the newest snapshot at or before it;
 *   <li>a failed commit is a warning and a {@code CommitErrorCount}, never a job failure; the next checkpoint
 *       commits again.
 * </ul>
 *
 * Methods run on the task thread; admin-client callbacks are handed back through {@code taskThread}.
 */
final class OffsetCommitter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OffsetCommitter.class);

    /** Consecutive commits refused for lack of the group ACL before the mapping stops. */
    static final int AUTHORIZATION_FAILURES_TO_STOP = 3;

    private final String groupId;
    private final Properties adminProperties;
    private final Executor taskThread;
    private final EsmMetrics metrics;
    private final TreeMap<Long, Map<TopicPartition, Long>> snapshots = new TreeMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private final Consumer<MappingStoppedException> stopMapping;
    private Admin admin;
    private int consecutiveAuthorizationFailures;

    OffsetCommitter(String groupId, Properties adminProperties, Executor taskThread, EsmMetrics metrics,
            Consumer<MappingStoppedException> stopMapping) {
        this.groupId = groupId;
        this.adminProperties = adminProperties;
        this.taskThread = taskThread;
        this.metrics = metrics;
        this.stopMapping = stopMapping;
    }

    void onSnapshot(long checkpointId, Map<TopicPartition, Long> firstUndeliveredOffsets) {
        snapshots.put(checkpointId, firstUndeliveredOffsets);
    }

    void onCheckpointComplete(long checkpointId) {
        Map.Entry<Long, Map<TopicPartition, Long>> newest = snapshots.floorEntry(checkpointId);
        if (newest == null) {
            return;
        }
        snapshots.headMap(checkpointId, true).clear();
        Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();
        newest.getValue().forEach((tp, offset) -> {
            if (!offset.equals(committed.get(tp))) {
                toCommit.put(tp, new OffsetAndMetadata(offset));
            }
        });
        if (toCommit.isEmpty()) {
            return;
        }
        admin().alterConsumerGroupOffsets(groupId, toCommit)
                .all()
                .whenComplete((ok, error) -> taskThread.execute(() -> onCommitted(toCommit, error)));
    }

    private void onCommitted(Map<TopicPartition, OffsetAndMetadata> offsets, Throwable error) {
        if (error == null) {
            consecutiveAuthorizationFailures = 0;
            offsets.forEach((tp, om) -> {
                Long before = committed.put(tp, om.offset());
                if (before != null && om.offset() > before) {
                    metrics.recordCommitted(om.offset() - before);
                }
            });
            return;
        }
        metrics.recordCommitError();
        Throwable cause = error.getCause() != null ? error.getCause() : error;
        if (cause instanceof GroupAuthorizationException
                && ++consecutiveAuthorizationFailures >= AUTHORIZATION_FAILURES_TO_STOP) {
            // Reading works without the group ACL (the source assigns partitions itself), so this is the one
            // place a missing group ACL shows. A single failure may be an ACL being changed; repeated ones are not.
            KafkaFailureClassifier.asMappingStop(cause).ifPresent(stopMapping);
        } else if (cause instanceof UnknownMemberIdException) {
            LOG.error("Cannot commit offsets for consumer group {}: the group has active members. A mapping's group "
                    + "must be its own; stop the other consumers or choose another ConsumerGroupId.", groupId);
        } else {
            LOG.warn("Committing offsets for consumer group {} failed ({}); the next checkpoint commits again.",
                    groupId, cause.toString());
        }
    }

    /**
     * Asks the broker about the group once, when the reader starts. Reading works without the group ACL (the source
     * assigns partitions itself), so without this a missing group ACL would only show after
     * {@link #AUTHORIZATION_FAILURES_TO_STOP} refused commits; this says so within seconds. Other failures here are
     * left to the commits.
     */
    void checkGroupAccess() {
        admin().describeConsumerGroups(List.of(groupId))
                .all()
                .whenComplete((ok, error) -> {
                    Throwable cause = error != null && error.getCause() != null ? error.getCause() : error;
                    if (cause instanceof GroupAuthorizationException) {
                        taskThread.execute(() -> KafkaFailureClassifier.asMappingStop(cause).ifPresent(stopMapping));
                    }
                });
    }

    /** Asks for the partitions' log end offsets; {@code onEndOffset} runs on the task thread. */
    void fetchEndOffsets(Collection<TopicPartition> partitions, BiConsumer<TopicPartition, Long> onEndOffset) {
        if (partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, OffsetSpec.latest()));
        admin().listOffsets(request)
                .all()
                .whenComplete((result, error) -> {
                    if (error == null) {
                        taskThread.execute(() -> result.forEach(
                                (tp, info) -> onEndOffset.accept(tp, ((ListOffsetsResult.ListOffsetsResultInfo) info).offset())));
                    }
                });
    }

    private Admin admin() {
        if (admin == null) {
            admin = Admin.create(adminProperties);
        }
        return admin;
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(5));
        }
    }
}
