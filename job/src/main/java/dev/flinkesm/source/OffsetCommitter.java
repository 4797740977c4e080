package dev.flinkesm.source;

import dev.flinkesm.failure.KafkaFailureClassifier;
import dev.flinkesm.failure.MappingStoppedException;
import dev.flinkesm.metrics.EsmMetrics;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits delivered offsets to the mapping's consumer group as soon as a batch is done, as AWS does ("after Lambda
 * processes each batch, it commits the offsets of the messages in that batch"). A restore starts each partition at
 * the later of its checkpointed offset and the group's ({@link RestoredSplitStarts}), so after a crash only the
 * batches in flight are sent again.
 *
 * <p>Invariants:
 *
 * <ul>
 *   <li>what is committed for a partition is an offset the reader reported as delivered up to
 *       ({@link #commitDelivered}: every record before it was delivered, dead-lettered, dropped or filtered), so a
 *       commit never passes an undelivered record;
 *   <li>at most one commit request is in flight per reader, and requests start at least {@code minInterval} apart;
 *       offsets reported meanwhile wait and coalesce, the newest per partition winning, and a request for them is
 *       due without further reports (so the group catches up with a partition that has gone quiet);
 *   <li>per partition, what this committer sends never goes backwards (a reported offset below one already reported
 *       is ignored);
 *   <li>a completed checkpoint's offsets are committed too (a partition that has delivered nothing yet keeps its
 *       start that way); a failed or aborted checkpoint's are dropped, so {@link #pendingSnapshots()} stays bounded;
 *   <li>a failed commit is a warning and a {@code CommitErrorCount}, never a job failure; the next completed
 *       checkpoint commits again (so a broken group costs one request per checkpoint, not one per batch).
 * </ul>
 *
 * Methods run on the task thread; admin-client callbacks are handed back through {@code taskThread}.
 */
final class OffsetCommitter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OffsetCommitter.class);

    /** Consecutive commits refused for lack of the group ACL before the mapping stops. */
    static final int AUTHORIZATION_FAILURES_TO_STOP = 3;

    /** Snapshots kept at most while Flink neither completes nor aborts checkpoints (notifications may be lost). */
    static final int MAX_PENDING_SNAPSHOTS = 16;

    /** How long {@link #close()} waits to commit what was delivered (a failover or a stop). */
    static final Duration CLOSE_COMMIT_TIMEOUT = Duration.ofSeconds(3);

    private final String groupId;
    private final Properties adminProperties;
    private final Executor taskThread;
    private final EsmMetrics metrics;
    private final TreeMap<Long, Map<TopicPartition, Long>> snapshots = new TreeMap<>();
    /** The newest offset per partition reported as delivered up to. */
    private final Map<TopicPartition, Long> wanted = new HashMap<>();
    /** What the broker acknowledged, per partition. */
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private final Consumer<MappingStoppedException> stopMapping;
    private Admin admin;
    private KafkaFuture<Void> inFlight;
    /** After a failed commit: wait for the next completed checkpoint before sending again. */
    private boolean waitForCheckpoint;
    private int consecutiveAuthorizationFailures;
    private int consecutiveFailures;
    private int requests;
    private boolean closed;
    private Listener listener = Listener.NONE;
    private final CommitPacer pacer;
    /** A delayed {@link #sendIfIdle()} is scheduled. */
    private boolean sendDue;

    OffsetCommitter(String groupId, Properties adminProperties, Executor taskThread, EsmMetrics metrics,
            Consumer<MappingStoppedException> stopMapping) {
        this(groupId, adminProperties, taskThread, metrics, stopMapping, Duration.ZERO);
    }

    /**
     * @param minInterval the least time between the starts of two commit requests: zero commits after every batch
     *     (when the previous request is answered); more trades a few more batches sent again after a crash for
     *     fewer requests to the group coordinator, which at BatchSize 100 cost job and broker CPU (docs/offsets.md)
     */
    OffsetCommitter(String groupId, Properties adminProperties, Executor taskThread, EsmMetrics metrics,
            Consumer<MappingStoppedException> stopMapping, Duration minInterval) {
        this.pacer = new CommitPacer(minInterval.toNanos(), System::nanoTime);
        this.groupId = groupId;
        this.adminProperties = adminProperties;
        this.taskThread = taskThread;
        this.metrics = metrics;
        this.stopMapping = stopMapping;
    }

    /**
     * Every record of {@code tp} before {@code nextOffset} is done: commit it now, or with the next request if one
     * is in flight. Call after each batch is delivered, dead-lettered, dropped or filtered out.
     *
     * @return true if the {@link Listener} will hear of this offset's acknowledgement (or of commits pausing);
     *     false if no request will carry it (already committed, or commits paused until the next checkpoint)
     */
    boolean commitDelivered(TopicPartition tp, long nextOffset) {
        wanted.merge(tp, nextOffset, Math::max);
        sendIfIdle();
        // True: a request carries it (now or next) and its answer reaches the listener.
        return !waitForCheckpoint && !closed && nextOffset > committed.getOrDefault(tp, -1L);
    }

    /** Hears what the broker acknowledged, and when commits pause after a failure (nothing more will be heard). */
    interface Listener {
        Listener NONE = new Listener() {
            @Override
            public void acknowledged(TopicPartition tp, long offset) {}

            @Override
            public void paused() {}
        };

        void acknowledged(TopicPartition tp, long offset);

        void paused();
    }

    void listen(Listener listener) {
        this.listener = listener;
    }

    void onSnapshot(long checkpointId, Map<TopicPartition, Long> firstUndeliveredOffsets) {
        snapshots.put(checkpointId, firstUndeliveredOffsets);
        while (snapshots.size() > MAX_PENDING_SNAPSHOTS) {
            snapshots.pollFirstEntry();
        }
    }

    void onCheckpointComplete(long checkpointId) {
        Map.Entry<Long, Map<TopicPartition, Long>> newest = snapshots.floorEntry(checkpointId);
        snapshots.headMap(checkpointId, true).clear();
        if (newest != null) {
            newest.getValue().forEach((tp, offset) -> wanted.merge(tp, offset, Math::max));
        }
        waitForCheckpoint = false;
        sendIfIdle();
    }

    /** An aborted checkpoint never completes: its snapshot (and any older one, superseded) is dropped. */
    void onCheckpointAborted(long checkpointId) {
        snapshots.headMap(checkpointId, true).clear();
    }

    /** Snapshots taken and not yet completed or aborted. */
    int pendingSnapshots() {
        return snapshots.size();
    }

    /** Commit requests sent so far (not counting the last one on close). */
    int commitRequests() {
        return requests;
    }

    /** What the broker acknowledged for {@code tp}, or -1. */
    long committedOffset(TopicPartition tp) {
        return committed.getOrDefault(tp, -1L);
    }

    private void sendIfIdle() {
        if (inFlight != null || waitForCheckpoint || closed || sendDue) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> toCommit = notYetCommitted();
        if (toCommit.isEmpty()) {
            return;
        }
        long wait = pacer.waitNanos();
        if (wait > 0) {
            sendDue = true;
            CompletableFuture.delayedExecutor(wait, TimeUnit.NANOSECONDS, taskThread).execute(() -> {
                sendDue = false;
                sendIfIdle();
            });
            return;
        }
        pacer.started();
        KafkaFuture<Void> request = admin().alterConsumerGroupOffsets(groupId, toCommit).all();
        inFlight = request;
        requests++;
        request.whenComplete((ok, error) -> taskThread.execute(() -> onCommitted(request, toCommit, error)));
    }

    private Map<TopicPartition, OffsetAndMetadata> notYetCommitted() {
        Map<TopicPartition, OffsetAndMetadata> toCommit = new HashMap<>();
        wanted.forEach((tp, offset) -> {
            if (offset != committed.getOrDefault(tp, -1L).longValue()) {
                toCommit.put(tp, new OffsetAndMetadata(offset));
            }
        });
        return toCommit;
    }

    private void onCommitted(KafkaFuture<Void> request, Map<TopicPartition, OffsetAndMetadata> offsets,
            Throwable error) {
        if (request != inFlight) {
            return; // answered after close() gave up on it
        }
        inFlight = null;
        if (error == null) {
            consecutiveAuthorizationFailures = 0;
            consecutiveFailures = 0;
            acknowledge(offsets);
            sendIfIdle();
            return;
        }
        metrics.recordCommitError();
        waitForCheckpoint = true;
        listener.paused();
        consecutiveFailures++;
        Throwable cause = error.getCause() != null ? error.getCause() : error;
        if (cause instanceof GroupAuthorizationException
                && ++consecutiveAuthorizationFailures >= AUTHORIZATION_FAILURES_TO_STOP) {
            // Reading works without the group ACL (the source assigns partitions itself), so this is the one
            // place a missing group ACL shows. A single failure may be an ACL being changed; repeated ones are not.
            KafkaFailureClassifier.asMappingStop(cause).ifPresent(stopMapping);
        } else if (cause instanceof UnknownMemberIdException) {
            LOG.error("Cannot commit offsets for consumer group {}: the group has active members. A mapping's group "
                    + "must be its own; stop the other consumers or choose another ConsumerGroupId.", groupId);
        } else if (consecutiveFailures <= 3 || consecutiveFailures % 100 == 0) {
            LOG.warn("Committing offsets for consumer group {} failed ({}, {} in a row); the next checkpoint commits "
                    + "again.", groupId, cause.toString(), consecutiveFailures);
        }
    }

    private void acknowledge(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, om) -> {
            Long before = committed.put(tp, om.offset());
            if (before != null && om.offset() > before) {
                metrics.recordCommitted(om.offset() - before);
            }
            listener.acknowledged(tp, om.offset());
        });
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

    /** The admin client this committer owns (created on first use, closed by {@link #close()}). */
    Admin admin() {
        if (admin == null) {
            admin = Admin.create(adminProperties);
        }
        return admin;
    }

    /**
     * Commits what was delivered before the reader goes (a failover, a stop), waiting at most
     * {@link #CLOSE_COMMIT_TIMEOUT}: the next attempt then re-sends only what was in flight. Runs on the task thread,
     * so completions are awaited here, not posted.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (admin == null) {
            return;
        }
        long deadline = System.nanoTime() + CLOSE_COMMIT_TIMEOUT.toNanos();
        try {
            if (inFlight != null) {
                inFlight.get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
                inFlight = null;
            }
            Map<TopicPartition, OffsetAndMetadata> last = notYetCommitted();
            if (!last.isEmpty() && !waitForCheckpoint) {
                admin.alterConsumerGroupOffsets(groupId, last).all().get(remainingMillis(deadline),
                        TimeUnit.MILLISECONDS);
                acknowledge(last);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Committing offsets for consumer group {} on close failed ({}); the next attempt may send again "
                    + "what was delivered since the last commit.", groupId, e.toString());
        } finally {
            inFlight = null;
            admin.close(Duration.ofMillis(Math.max(remainingMillis(deadline), 500)));
        }
    }

    private static long remainingMillis(long deadlineNanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }
}
