package dev.flinkesm.source;

import dev.flinkesm.batch.Batch;
import dev.flinkesm.batch.BatchLimits;
import dev.flinkesm.batch.PartitionBatcher;
import dev.flinkesm.failure.Decision;
import dev.flinkesm.failure.OutcomeClassifier;
import dev.flinkesm.failure.Problems; // status:
import dev.flinkesm.failure.destination.FailedBatch;
import dev.flinkesm.failure.destination.FailureCondition;
import dev.flinkesm.failure.destination.OnFailureDestination;
import dev.flinkesm.failure.KafkaFailureClassifier;
import dev.flinkesm.failure.MappingStoppedException;
import dev.flinkesm.failure.ReasonCode;
import dev.flinkesm.invoke.InvokeResult;
import dev.flinkesm.invoke.LambdaInvoker;
import dev.flinkesm.metrics.EsmMetrics;
import dev.flinkesm.payload.EncodedRecord;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.InputStatus;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers records to Lambda from inside the source: it wraps the stock {@code KafkaSourceReader}, batches each
 * partition's records as they are read, invokes the function asynchronously, and pauses a partition's fetching
 * while it cannot send (see {@code shared/notes/delivery-design.md} for why this beats a keyBy to a separate
 * invoker: no records in state, each record read once, a stalled partition costs nothing).
 *
 * <p>Guarantees, per partition:
 *
 * <ul>
 *   <li>records reach the function in offset order, one batch in flight at a time, a failed batch retried whole;
 *   <li>a checkpoint stores, as each split's start offset, the first offset not yet delivered: after any failure
 *       or restore the job re-reads from there (at-least-once; duplicates only from batches unacknowledged at
 *       the checkpoint);
 *   <li>the consumer group's offsets are committed only when a checkpoint completes, never past an undelivered
 *       record ({@link OffsetCommitter}).
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
    private final EsmMetrics metrics;
    private final LambdaInvoker invoker;
    private final OnFailureDestination destination; // null: none configured
    private final OffsetCommitter committer;

    private final Map<String, PartitionState> partitions = new LinkedHashMap<>();
    /** The same partitions as a list, for the round-robin dispatch on every pollNext without allocating. */
    private final List<PartitionState> partitionOrder = new ArrayList<>();
    private final ConcurrentLinkedQueue<Runnable> events = new ConcurrentLinkedQueue<>();
    private final WakeUpSignal signal = new WakeUpSignal();
    private final ScheduledExecutorService timer;
    private final AtomicLong scheduledWakeUpNanos = new AtomicLong(Long.MAX_VALUE);
    private final ArrayDeque<DeliveryReport> reports = new ArrayDeque<>();
    private final Set<String> externallyPaused = new HashSet<>();
    private final CapturingOutput capture = new CapturingOutput();

    private final int subtask;
    private int inFlight;
    private int dispatchCursor;
    private long nowNanos;
    private MappingStoppedException stop;

    public DeliveringSourceReader(
            SourceReader<EncodedRecord, KafkaPartitionSplit> kafkaReader,
            SourceReaderContext context,
            DeliverySettings settings) {
        this.kafkaReader = kafkaReader;
        this.settings = settings;
        this.metrics = new EsmMetrics(context.metricGroup());
        this.subtask = context.getIndexOfSubtask();
        this.invoker = settings.lambda().createInvoker();
        this.destination = settings.createDestination();
        this.committer = new OffsetCommitter(
                settings.consumerGroupId(), settings.adminProperties(), this::post, metrics, this::stopMapping);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "esm-timer-" + context.getIndexOfSubtask());
            t.setDaemon(true);
            return t;
        });
        metrics.registerReaderGauges(
                () -> inFlight,
                () -> partitions.values().stream().filter(PartitionState::isStalled).count(),
                () -> partitions.values().stream().mapToLong(p -> p.batcher.bufferedRecords()).sum());
    }

    @Override
    public void start() {
        kafkaReader.start();
        committer.checkGroupAccess();
        if (subtask == 0) {
            invoker.configuredTimeout().thenAccept(timeout -> timeout
                    .filter(t -> t.compareTo(LambdaInvoker.MAX_FUNCTION_TIMEOUT) > 0)
                    .ifPresent(t -> LOG.warn("Function {} has a timeout of {} s; functions invoked by an event source "
                                    + "mapping should time out within {} s, or a slow batch outlives its retries.",
                            settings.lambda().functionName(), t.toSeconds(),
                            LambdaInvoker.MAX_FUNCTION_TIMEOUT.toSeconds())));
        }
    }

    @Override
    public InputStatus pollNext(ReaderOutput<DeliveryReport> output) throws Exception {
        nowNanos = System.nanoTime();
        runEvents();
        InputStatus upstream = pollKafka();
        nowNanos = System.nanoTime();
        dispatch();
        updatePauses();
        while (!reports.isEmpty()) {
            output.collect(reports.poll());
        }
        if (stop != null) {
            throw stop.suppressingRestarts();
        }
        scheduleWakeUp(earliestDeadline());
        if (upstream == InputStatus.MORE_AVAILABLE || !events.isEmpty()) {
            return InputStatus.MORE_AVAILABLE;
        }
        if (upstream == InputStatus.END_OF_INPUT && allDelivered()) {
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
        return CompletableFuture.anyOf(kafkaReader.isAvailable(), signal.future()).thenApply(ignored -> null);
    }

    private InputStatus pollKafka() throws Exception {
        InputStatus status = InputStatus.NOTHING_AVAILABLE;
        try {
            for (int i = 0; i < RECORDS_PER_POLL; i++) {
                status = kafkaReader.pollNext(capture);
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

    private void accept(PartitionState partition, EncodedRecord record) {
        metrics.recordPolled();
        partition.batcher.add(record, nowNanos);
    }

    /** Starts invocations for partitions that may send, round-robin, within the concurrency limit. */
    private void dispatch() {
        if (partitions.isEmpty()) {
            return;
        }
        List<PartitionState> all = partitionOrder;
        int n = all.size();
        for (int i = 0; i < n && inFlight < settings.maxConcurrentInvocations(); i++) {
            PartitionState partition = all.get((dispatchCursor + i) % n);
            if (!partition.canSend(nowNanos)) {
                continue;
            }
            if (partition.deadLetter != null) {
                sendToDestination(partition);
                continue;
            }
            Batch batch = partition.batchToSend(nowNanos);
            if (batch != null) {
                send(partition, batch);
            }
        }
        dispatchCursor = (dispatchCursor + 1) % n;
    }

    private void send(PartitionState partition, Batch batch) {
        if (PartitionBatcher.isOversized(batch, settings.limits())) {
            apply(partition, batch, null, OutcomeClassifier.payloadTooLarge(settings.policy(),
                    "the event for offset " + batch.firstOffset() + " alone is " + batch.eventBytes()
                            + " bytes, over Lambda's " + BatchLimits.MAX_REQUEST_BYTES + "-byte request limit"));
            return;
        }
        byte[] event = settings.encoder().event(batch.records());
        batch.recordAttempt();
        partition.inFlight = true;
        inFlight++;
        long startNanos = System.nanoTime();
        invoker.invoke(event)
                .thenAccept(result -> post(() -> onInvoked(partition, batch, result, startNanos)));
    }

    private void onInvoked(PartitionState partition, Batch batch, InvokeResult result, long startNanos) {
        inFlight--;
        partition.inFlight = false;
        if (partitions.get(partition.splitId) != partition) {
            return; // the split left this reader meanwhile; its new owner re-reads the batch
        }
        metrics.recordInvocation(batch.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        apply(partition, batch, result,
                OutcomeClassifier.decide(batch, result, settings.policy(), System.currentTimeMillis()));
    }

    /** Carries out a decision for the partition's head batch. {@code result} is null if it was never invoked. */
    private void apply(PartitionState partition, Batch batch, InvokeResult result, Decision decision) {
        if (decision.delivered() > 0) {
            onDelivered(partition, batch, decision.delivered());
        }
        int rest = batch.size() - decision.delivered();
        switch (decision.action()) {
            case NONE:
                break;
            case RETRY:
                metrics.recordFailedInvoke(rest);
                metrics.reportProblem(Problems.functionCallFailed(decision.reason())); // status:
                scheduleRetry(partition, partition.head(), decision);
                break;
            case BISECT:
                metrics.recordFailedInvoke(rest);
                LOG.warn("kafka_topic={} kafka_partition={} kafka_offsets={}..{} failed ({}); bisecting",
                        batch.topic(), batch.partition(), batch.firstOffset(), batch.lastOffset(), decision.reason());
                partition.bisectHead(settings.encoder());
                break;
            case DEAD_LETTER:
                if (result != null) {
                    metrics.recordFailedInvoke(rest);
                }
                partition.failing = true;
                partition.deadLetter = failedBatch(partition.head(), result, decision);
                sendToDestination(partition);
                break;
            case DROP:
                metrics.recordFailedInvoke(rest);
                Batch dropped = partition.head();
                LOG.warn("kafka_topic={} kafka_partition={} kafka_offsets={}..{}: {} records dropped after {} "
                                + "attempts ({}; {}); no on-failure destination is set",
                        dropped.topic(), dropped.partition(), dropped.firstOffset(), dropped.lastOffset(),
                        dropped.size(), dropped.attempts(), decision.condition().awsName(), decision.reason());
                metrics.recordDropped(dropped.size());
                partition.completeHead();
                break;
            case STALL:
                stall(partition, partition.head(), decision.reason());
                break;
            case STOP_MAPPING:
                metrics.recordFailedInvoke(rest);
                stopMapping(new MappingStoppedException(ReasonCode.FUNCTION_CONFIG_NOT_VALID,
                        "Function " + settings.lambda().functionName() + " cannot be invoked: " + decision.reason()));
                break;
            default:
                throw new IllegalStateException("unhandled decision " + decision);
        }
    }

    private void onDelivered(PartitionState partition, Batch batch, int records) {
        partition.completeHead(records, settings.encoder());
        metrics.recordInvoked(records);
        if (partitionOrder.stream().noneMatch(p -> p.failing)) metrics.clearProblem(); // status:
        reports.add(new DeliveryReport(batch.topic(), batch.partition(), batch.firstOffset(),
                batch.records().get(records - 1).offset(), records, batch.attempts()));
    }

    private void scheduleRetry(PartitionState partition, Batch batch, Decision decision) {
        metrics.recordRetry();
        partition.failing = true;
        long delayMillis = settings.backoff().delayMillis(Math.max(batch.attempts(), 1));
        partition.retryAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis);
        if (batch.attempts() <= 3 || batch.attempts() % 10 == 0) {
            LOG.warn("kafka_topic={} kafka_partition={} kafka_offsets={}..{} attempt={} failed: {}; retrying in {} ms",
                    batch.topic(), batch.partition(), batch.firstOffset(), batch.lastOffset(), batch.attempts(),
                    decision.reason(), delayMillis);
        }
    }

    private void stall(PartitionState partition, Batch batch, String reason) {
        partition.stalledReason = reason;
        partition.failing = true;
        metrics.recordFailedInvoke(batch.size());
        LOG.error("kafka_topic={} kafka_partition={} kafka_offset={}: partition stopped: {}. Records from this "
                        + "offset on are neither sent nor committed.",
                batch.topic(), batch.partition(), batch.firstOffset(), reason);
    }

    /** Fails the job at the next pollNext, once, without restarts. */
    private void stopMapping(MappingStoppedException reason) {
        if (stop == null) {
            stop = reason;
            LOG.error("Stopping the mapping: {}", reason.getMessage());
        }
    }

    private FailedBatch failedBatch(Batch batch, InvokeResult result, Decision decision) {
        Instant now = Instant.now();
        if (result == null || decision.condition() == FailureCondition.MAXIMUM_PAYLOAD_SIZE_EXCEEDED) {
            return FailedBatch.payloadTooLarge(settings.encoder(), settings.lambda().functionName(),
                    batch.records().get(0), now);
        }
        boolean functionError = result.kind() == InvokeResult.Kind.FUNCTION_ERROR;
        return FailedBatch.afterInvokes(settings.encoder(), settings.lambda().functionName(), batch.records(),
                decision.condition(), batch.attempts(),
                result.statusCode() == InvokeResult.NO_RESPONSE ? null : result.statusCode(),
                result.executedVersion(), functionError ? result.functionError() : null, now);
    }

    /** Writes the partition's given-up head to the on-failure destination; retried until it succeeds. */
    private void sendToDestination(PartitionState partition) {
        FailedBatch failed = partition.deadLetter;
        partition.inFlight = true;
        inFlight++;
        CompletableFuture<Void> write;
        try {
            write = destination.send(failed);
        } catch (RuntimeException e) {
            write = CompletableFuture.failedFuture(e);
        }
        write.whenComplete((ok, error) -> post(() -> onDestinationWritten(partition, failed, error)));
    }

    private void onDestinationWritten(PartitionState partition, FailedBatch failed, Throwable error) {
        inFlight--;
        partition.inFlight = false;
        if (partitions.get(partition.splitId) != partition) {
            return;
        }
        if (error == null) {
            LOG.warn("kafka_topic={} kafka_partition={} kafka_offsets={}..{}: {} records sent to the on-failure "
                            + "destination ({})", failed.topic(), failed.partition(), failed.firstRecord().offset(),
                    failed.lastRecord().offset(), failed.records().size(), failed.condition().awsName());
            metrics.recordDestinationDelivered(failed.records().size());
            partition.completeHead();
            return;
        }
        // No loss through a broken destination: the records stay undelivered (and uncommitted) until it works.
        metrics.recordDestinationError();
        long delayMillis = settings.backoff().delayMillis(++partition.deadLetterAttempts);
        partition.retryAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis);
        LOG.warn("kafka_topic={} kafka_partition={} kafka_offsets={}..{}: writing to the on-failure destination "
                        + "failed ({}); retrying in {} ms", failed.topic(), failed.partition(),
                failed.firstRecord().offset(), failed.lastRecord().offset(), error.toString(), delayMillis);
    }

    /** Pauses fetching for partitions that cannot use more records; resumes the others. */
    private void updatePauses() {
        List<String> pause = new ArrayList<>();
        List<String> resume = new ArrayList<>();
        for (PartitionState partition : partitions.values()) {
            boolean shouldPause = partition.shouldPause();
            if (shouldPause != partition.paused) {
                partition.paused = shouldPause;
                if (shouldPause) {
                    pause.add(partition.splitId);
                } else if (!externallyPaused.contains(partition.splitId)) {
                    resume.add(partition.splitId);
                }
            }
        }
        if (!pause.isEmpty() || !resume.isEmpty()) {
            kafkaReader.pauseOrResumeSplits(pause, resume);
        }
    }

    @Override
    public void pauseOrResumeSplits(java.util.Collection<String> toPause, java.util.Collection<String> toResume) {
        // Flink's own pauses (watermark alignment) are kept in union with ours.
        externallyPaused.addAll(toPause);
        externallyPaused.removeAll(toResume);
        List<String> resume = new ArrayList<>();
        for (String splitId : toResume) {
            PartitionState partition = partitions.get(splitId);
            if (partition == null || !partition.paused) {
                resume.add(splitId);
            }
        }
        kafkaReader.pauseOrResumeSplits(toPause, resume);
    }

    @Override
    public List<KafkaPartitionSplit> snapshotState(long checkpointId) {
        runEvents(); // apply finished invocations first: fewer batches to re-send after a restore
        List<KafkaPartitionSplit> splits = kafkaReader.snapshotState(checkpointId);
        List<KafkaPartitionSplit> rewritten = new ArrayList<>(splits.size());
        Map<TopicPartition, Long> commitable = new HashMap<>();
        for (KafkaPartitionSplit split : splits) {
            PartitionState partition = partitions.get(split.splitId());
            long firstUndelivered = partition == null ? -1 : partition.firstUndeliveredOffset();
            if (firstUndelivered >= 0) {
                rewritten.add(new KafkaPartitionSplit(split.getTopicPartition(), firstUndelivered,
                        split.getStoppingOffset().orElse(KafkaPartitionSplit.NO_STOPPING_OFFSET)));
                commitable.put(split.getTopicPartition(), firstUndelivered);
            } else {
                // Nothing buffered: every record the Kafka reader emitted was delivered.
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
        partitions.values().forEach(p -> assigned.add(p.topicPartition));
        committer.fetchEndOffsets(assigned, this::onLogEndOffset);
    }

    private void onLogEndOffset(TopicPartition tp, long endOffset) {
        PartitionState partition = partitions.get(KafkaPartitionSplit.toSplitId(tp));
        if (partition == null) {
            return;
        }
        long undelivered = partition.firstUndeliveredOffset();
        long next = undelivered >= 0 ? undelivered : partition.lastDeliveredOffset + 1;
        if (partition.lastDeliveredOffset >= 0 || undelivered >= 0) {
            metrics.recordLag(tp.topic(), tp.partition(), endOffset - next);
        }
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
        kafkaReader.notifyCheckpointAborted(checkpointId);
    }

    @Override
    public void addSplits(List<KafkaPartitionSplit> splits) {
        for (KafkaPartitionSplit split : splits) {
            partitions.computeIfAbsent(split.splitId(), id -> {
                PartitionState partition = new PartitionState(split.getTopicPartition(), id, new PartitionBatcher(
                        split.getTopic(), split.getPartition(), settings.limits(), settings.encoder()));
                metrics.registerPartition(split.getTopic(), split.getPartition(), () -> partition.bufferedRecords());
                partitionOrder.add(partition);
                return partition;
            });
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
        timer.shutdownNow();
        try {
            kafkaReader.close();
        } finally {
            try {
                invoker.close();
            } finally {
                try {
                    committer.close();
                } finally {
                    if (destination != null) {
                        destination.close();
                    }
                }
            }
        }
    }

    private boolean allDelivered() {
        return inFlight == 0 && partitions.values().stream().allMatch(PartitionState::isIdle);
    }

    private long earliestDeadline() {
        long earliest = Long.MAX_VALUE;
        for (PartitionState partition : partitions.values()) {
            earliest = Math.min(earliest, partition.nextDeadlineNanos());
        }
        return earliest;
    }

    /** Makes sure the task wakes at {@code deadlineNanos} even if no record or completion arrives. */
    private void scheduleWakeUp(long deadlineNanos) {
        if (deadlineNanos == Long.MAX_VALUE) {
            return;
        }
        long scheduled = scheduledWakeUpNanos.get();
        if (deadlineNanos >= scheduled) {
            return;
        }
        scheduledWakeUpNanos.set(deadlineNanos);
        long delay = Math.max(0, deadlineNanos - System.nanoTime());
        timer.schedule(() -> {
            scheduledWakeUpNanos.compareAndSet(deadlineNanos, Long.MAX_VALUE);
            post(() -> {});
        }, delay, TimeUnit.NANOSECONDS);
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

    /** Routes the Kafka reader's records into the partitions' batchers. */
    private final class CapturingOutput implements ReaderOutput<EncodedRecord> {
        private final Map<String, SourceOutput<EncodedRecord>> splitOutputs = new HashMap<>();

        @Override
        public void collect(EncodedRecord record) {
            accept(partitions.get(record.topic() + "-" + record.partition()), record);
        }

        @Override
        public void collect(EncodedRecord record, long timestamp) {
            collect(record);
        }

        @Override
        public SourceOutput<EncodedRecord> createOutputForSplit(String splitId) {
            return splitOutputs.computeIfAbsent(splitId, id -> new SplitOutput(partitions.get(id)));
        }

        @Override
        public void releaseOutputForSplit(String splitId) {
            splitOutputs.remove(splitId);
        }

        @Override
        public void emitWatermark(Watermark watermark) {}

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    }

    private final class SplitOutput implements SourceOutput<EncodedRecord> {
        private final PartitionState partition;

        SplitOutput(PartitionState partition) {
            this.partition = partition;
        }

        @Override
        public void collect(EncodedRecord record) {
            accept(partition, record);
        }

        @Override
        public void collect(EncodedRecord record, long timestamp) {
            accept(partition, record);
        }

        @Override
        public void emitWatermark(Watermark watermark) {}

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    }
}
