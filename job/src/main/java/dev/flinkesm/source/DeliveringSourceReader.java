package dev.flinkesm.source;

import dev.flinkesm.delivery.DeliveryClock;
import dev.flinkesm.delivery.DeliveryEngine;
import dev.flinkesm.delivery.DeliveryReport;
import dev.flinkesm.delivery.Invoker;
import dev.flinkesm.delivery.PartitionState;
import dev.flinkesm.delivery.WakeUpTimer;
import dev.flinkesm.failure.KafkaFailureClassifier;
import dev.flinkesm.failure.MappingStoppedException;
import dev.flinkesm.metrics.EsmMetrics;
import dev.flinkesm.payload.EncodedRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.InputStatus;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Flink side of delivery: wraps the stock {@code KafkaSourceReader}, feeds the records it reads to a
 * {@link DeliveryEngine}, and turns what the engine knows into what Flink asks for: checkpointed split offsets,
 * paused fetching, wake-ups, the end of input. Why delivery lives in the source, not behind a keyBy, and the
 * invariants it keeps: {@code docs/delivery.md}.
 *
 * <ul>
 *   <li>a checkpoint stores, as each split's start offset, the first offset not yet done: after any failure or
 *       restore the job re-reads from there (at-least-once);
 *   <li>the consumer group's offsets follow every finished batch and never pass an undelivered record
 *       ({@link OffsetCommitter}); a restored split starts at the later of its checkpointed and its committed offset
 *       ({@link RestoredSplitStarts}), so a restore re-sends at most the batches that were in flight;
 *   <li>a partition whose fetching the engine wants paused stays paused until it may read again, in union with
 *       Flink's own pauses (watermark alignment).
 * </ul>
 *
 * <p>Threading: everything runs on the task thread. SDK callbacks, timers and admin-client results are posted to
 * {@link #events} and wake the task through {@link WakeUpSignal}.
 */
public final class DeliveringSourceReader implements SourceReader<DeliveryReport, KafkaPartitionSplit> {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveringSourceReader.class);

    /** Records taken from the Kafka reader per pollNext, before batches are sent: amortizes the bookkeeping. */
    private static final int RECORDS_PER_POLL = 2_000;

    private final SourceReader<EncodedRecord, KafkaPartitionSplit> kafkaReader;
    private final DeliverySettings settings;
    private final Invoker invoker;
    private final OffsetCommitter committer;
    private final RestoredSplitStarts splitStarts;
    /** Null when filters make offset gaps normal: then only restores check what retention removed. */
    private final RetentionWatch retention;
    private final DeliveryEngine engine;
    private final ConcurrentLinkedQueue<Runnable> events = new ConcurrentLinkedQueue<>();
    private final WakeUpSignal signal = new WakeUpSignal();
    private final WakeUpTimer timer;
    private final SplitPauses pauses;
    private final RoutingOutput capture;
    private final int subtask;
    private final DeliveryClock clock;

    public DeliveringSourceReader(
            SourceReader<EncodedRecord, KafkaPartitionSplit> kafkaReader,
            SourceReaderContext context,
            DeliverySettings settings) {
        this(kafkaReader, context, settings, settings.lambda().createInvoker(), DeliveryClock.SYSTEM,
                WakeUpTimer.daemonScheduler("esm-timer-" + context.getIndexOfSubtask()));
    }

    /** With the function, the clock and the timer's scheduler given: for tests without HTTP or real time. */
    DeliveringSourceReader(
            SourceReader<EncodedRecord, KafkaPartitionSplit> kafkaReader,
            SourceReaderContext context,
            DeliverySettings settings,
            Invoker invoker,
            DeliveryClock clock,
            WakeUpTimer.Scheduler scheduler) {
        this.kafkaReader = kafkaReader;
        this.settings = settings;
        this.subtask = context.getIndexOfSubtask();
        this.clock = clock;
        EsmMetrics metrics = new EsmMetrics(context.metricGroup());
        this.invoker = invoker;
        this.committer = new OffsetCommitter(
                settings.consumerGroupId(), settings.adminProperties(), this::post, metrics, this::stopMapping,
                settings.commitInterval());
        this.splitStarts = new RestoredSplitStarts(committer::admin, settings.consumerGroupId(),
                settings.restoreOffsets(), metrics);
        this.retention = settings.offsetGapsExpected() ? null : new RetentionWatch(committer::admin, this::post, metrics);
        // The group follows every finished batch, and a partition's next batch waits for that commit: a restore
        // re-sends only what was in flight.
        this.engine = new DeliveryEngine(settings.rules(), invoker, settings.createDestination(), metrics,
                clock, this::post, committer::commitDelivered);
        committer.listen(new OffsetCommitter.Listener() {
            @Override
            public void acknowledged(TopicPartition tp, long offset) {
                engine.committed(tp, offset);
            }

            @Override
            public void paused() {
                engine.commitsPaused();
            }
        });
        this.timer = new WakeUpTimer(scheduler, () -> post(() -> {}));
        this.pauses = new SplitPauses(kafkaReader::pauseOrResumeSplits);
        this.capture = new RoutingOutput(engine::partition, this::accept);
    }

    @Override
    public void start() {
        kafkaReader.start();
        committer.checkGroupAccess();
    }

    @Override
    public InputStatus pollNext(ReaderOutput<DeliveryReport> output) throws Exception {
        engine.tick();
        runEvents();
        InputStatus upstream = pollKafka();
        engine.tick();
        engine.dispatch();
        pauses.update(engine::drainPauseChecks, engine::shouldPause);
        engine.drainReports(output::collect);
        engine.publishGauges();
        MappingStoppedException stop = engine.stopReason();
        if (stop != null) {
            throw stop.suppressingRestarts();
        }
        timer.wakeAt(engine.nextWakeUpNanos(), clock.nanoTime());
        if (upstream == InputStatus.MORE_AVAILABLE || !events.isEmpty()) {
            return InputStatus.MORE_AVAILABLE;
        }
        if (upstream == InputStatus.END_OF_INPUT && engine.allDone()) {
            return InputStatus.END_OF_INPUT;
        }
        return InputStatus.NOTHING_AVAILABLE;
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        signal.reset();
        if (!events.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        if (engine.overBudget()) {
            // Records waiting in the Kafka reader must not wake us: only a delivery, a timer or a commit can
            // bring the held bytes back under the budget, and each of those posts an event.
            return signal.future();
        }
        return CompletableFuture.anyOf(kafkaReader.isAvailable(), signal.future()).thenApply(ignored -> null);
    }

    private InputStatus pollKafka() throws Exception {
        InputStatus status = InputStatus.NOTHING_AVAILABLE;
        try {
            for (int i = 0; i < RECORDS_PER_POLL; i++) {
                if (engine.overBudget()) {
                    // Checked before every record, so the engine holds at most the budget plus one record (a
                    // 1 MB record is 1.3 MB encoded): pausing the splits alone would still let every record
                    // already fetched through. What stays fetched is bounded by the fetch sizes.
                    return InputStatus.NOTHING_AVAILABLE;
                }
                status = kafkaReader.pollNext(capture);
                engine.drainFilledUp(pauses::pauseNow);
                if (status != InputStatus.MORE_AVAILABLE) {
                    break;
                }
            }
        } catch (Exception e) {
            // Refused credentials or missing ACLs would fail again after every restart: stop once, saying why.
            Optional<MappingStoppedException> fatal = KafkaFailureClassifier.asMappingStop(e);
            if (fatal.isPresent()) {
                LOG.error("Stopping the mapping: {}", fatal.get().getMessage());
                throw fatal.get().suppressingRestarts();
            }
            throw e;
        }
        return status;
    }

    @Override
    public void pauseOrResumeSplits(Collection<String> toPause, Collection<String> toResume) {
        pauses.fromFlink(toPause, toResume);
    }

    @Override
    public List<KafkaPartitionSplit> snapshotState(long checkpointId) {
        runEvents(); // apply finished invocations first: fewer batches to re-send after a restore
        List<KafkaPartitionSplit> splits = kafkaReader.snapshotState(checkpointId);
        List<KafkaPartitionSplit> rewritten = new ArrayList<>(splits.size());
        Map<TopicPartition, Long> commitable = new HashMap<>();
        for (KafkaPartitionSplit split : splits) {
            PartitionState partition = engine.partition(split.splitId());
            long firstUndelivered = partition == null ? -1 : engine.firstUndeliveredOffset(partition);
            if (firstUndelivered >= 0) {
                rewritten.add(new KafkaPartitionSplit(split.getTopicPartition(), firstUndelivered,
                        split.getStoppingOffset().orElse(KafkaPartitionSplit.NO_STOPPING_OFFSET)));
                commitable.put(split.getTopicPartition(), firstUndelivered);
            } else {
                // Nothing held: every record the Kafka reader emitted is done.
                rewritten.add(split);
                if (split.getStartingOffset() >= 0) {
                    commitable.put(split.getTopicPartition(), split.getStartingOffset());
                }
            }
        }
        committer.onSnapshot(checkpointId, commitable);
        return rewritten;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        kafkaReader.notifyCheckpointComplete(checkpointId);
        committer.onCheckpointComplete(checkpointId);
        List<TopicPartition> assigned = new ArrayList<>();
        engine.partitions().forEach(p -> assigned.add(p.topicPartition()));
        committer.fetchEndOffsets(assigned, this::onLogEndOffset);
    }

    private void onLogEndOffset(TopicPartition tp, long endOffset) {
        PartitionState partition = engine.partition(KafkaPartitionSplit.toSplitId(tp));
        if (partition != null) {
            engine.recordLag(partition, endOffset);
        }
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
        kafkaReader.notifyCheckpointAborted(checkpointId);
        committer.onCheckpointAborted(checkpointId);
    }

    @Override
    public void addSplits(List<KafkaPartitionSplit> assigned) {
        List<KafkaPartitionSplit> splits = splitStarts.adjust(assigned);
        for (KafkaPartitionSplit split : splits) {
            engine.addPartition(split.getTopicPartition());
            if (retention != null) {
                retention.onStart(split.getTopicPartition(), split.getStartingOffset());
            }
        }
        kafkaReader.addSplits(splits);
    }

    @Override
    public void notifyNoMoreSplits() {
        kafkaReader.notifyNoMoreSplits();
    }

    @Override
    public void handleSourceEvents(SourceEvent sourceEvent) {
        kafkaReader.handleSourceEvents(sourceEvent);
    }

    @Override
    public void close() throws Exception {
        timer.close();
        try {
            kafkaReader.close();
        } finally {
            try {
                engine.close();
            } finally {
                committer.close();
            }
        }
    }

    private void accept(PartitionState partition, EncodedRecord record) {
        if (retention != null) {
            retention.onRecord(partition.topicPartition(), record.offset());
        }
        engine.accept(partition, record);
    }

    private void stopMapping(MappingStoppedException reason) {
        engine.stopMapping(reason);
    }

    private void post(Runnable event) {
        events.add(event);
        signal.wakeUp();
    }

    private void runEvents() {
        Runnable event;
        while ((event = events.poll()) != null) {
            event.run();
        }
    }
}
