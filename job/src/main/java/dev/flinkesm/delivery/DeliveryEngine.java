package dev.flinkesm.delivery;

import dev.flinkesm.batch.Batch;
import dev.flinkesm.batch.PartitionBatcher;
import dev.flinkesm.failure.MappingStoppedException;
import dev.flinkesm.failure.OutcomeClassifier;
import dev.flinkesm.failure.destination.OnFailureDestination;
import dev.flinkesm.invoke.InvokeResult;
import dev.flinkesm.metrics.EsmMetrics;
import dev.flinkesm.payload.EncodedRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers each partition's records to the function: cuts them into batches, decides which partition sends next,
 * and keeps the books. Knows nothing of Flink: the source reader feeds it records and asks it what to checkpoint,
 * pause and wake up for. The parts, one job each:
 *
 * <ul>
 *   <li>{@link BatchSender} invokes the function with a partition's head batch and carries out what
 *       {@link OutcomeClassifier} decides for the outcome (deliver, retry after a backoff, split, dead-letter, drop,
 *       stall the partition, stop the mapping);
 *   <li>{@link DeadLetterWriter} writes a given-up head to the on-failure destination until it takes it;
 *   <li>{@link EngineGauges} publishes gauge values for reporter threads;
 *   <li>{@link PauseSignals} collects the partitions whose fetching the reader should look at.
 * </ul>
 *
 * <p>Guarantees, per partition (kept by {@link PartitionState}):
 *
 * <ul>
 *   <li>records reach the function in offset order, one batch in flight at a time, a failed batch retried whole;
 *   <li>a record is done only when the function took it, the on-failure destination took it, or the policy dropped
 *       it after its retries; {@link #firstUndeliveredOffset} never passes a record that is not done, and
 *       {@link Progress} hears of each partition's done offsets as they move;
 *   <li>at most {@link ConcurrencyLimit#current()} sends are in flight over all partitions, never more than
 *       {@link DeliveryRules#maxConcurrentInvocations()}; the limit falls when the function throttles and climbs
 *       back as it answers.
 * </ul>
 *
 * <p>The books (the in-flight count, the held bytes, the {@link DispatchQueue}, the reports, {@link Progress}) are
 * kept here alone: the parts above tell of a send started or ended, a head done or a stall through
 * {@link EngineBooks}, which only this class implements. {@link #heldBytes} is the encoded size of every record
 * accepted and not yet done; {@link #inFlight} counts the partitions whose head is out (to the function or the
 * destination).
 *
 * <p>Cost: a poll does work for the partitions something happened to, not for every partition. A
 * {@link DispatchQueue} holds the partitions that may send (in the order they became able to) and the deadlines;
 * {@link #drainPauseChecks} hands the reader only the partitions whose pause state may have changed.
 *
 * <p>Threading: every method runs on one thread (the task thread). Completions of invocations and destination
 * writes come back through {@code taskThread}, an executor that runs them on that same thread later.
 */
public final class DeliveryEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryEngine.class);

    /**
     * Told when a partition's records up to (excluding) {@code nextOffset} are all done. Returns true if it will
     * report that offset's commit through {@link #committed} (or a pause through {@link #commitsPaused}): the
     * partition then sends nothing more until it does, so that a crash re-sends only the batch in flight.
     */
    public interface Progress {
        Progress NONE = (tp, nextOffset) -> false;

        boolean done(TopicPartition tp, long nextOffset);
    }

    private final DeliveryRules rules;
    private final EsmMetrics metrics;
    private final DeliveryClock clock;
    private final Progress progress;
    private final EngineBooks books = new Books();
    private final DeadLetterWriter deadLetters;
    private final BatchSender sender;
    private final EngineGauges gauges;
    private final ConcurrencyLimit concurrency;

    private final Map<String, PartitionState> partitions = new LinkedHashMap<>();
    /** The same partitions as a list, for the rare walks over all of them (gauges, commits paused). */
    private final List<PartitionState> partitionOrder = new ArrayList<>();
    private final DispatchQueue queue = new DispatchQueue();
    private final ArrayDeque<DeliveryReport> reports = new ArrayDeque<>();
    private final PauseSignals pauseSignals = new PauseSignals();
    private int inFlight;
    private long nowNanos;
    private long heldBytes;
    private MappingStoppedException stop;

    public DeliveryEngine(DeliveryRules rules, Invoker invoker, OnFailureDestination destination, EsmMetrics metrics,
            DeliveryClock clock, Executor taskThread, Progress progress) {
        this.rules = rules;
        this.metrics = metrics;
        this.clock = clock;
        this.progress = progress;
        this.nowNanos = clock.nanoTime();
        this.deadLetters = new DeadLetterWriter(rules, destination, metrics, clock, taskThread, books);
        this.sender = new BatchSender(rules, invoker, metrics, clock, taskThread, deadLetters, books);
        this.concurrency = new ConcurrencyLimit(rules.maxConcurrentInvocations());
        this.gauges = new EngineGauges(metrics, nowNanos);
    }

    /** Starts tracking a partition (idempotent); returns its state, to feed records into with {@link #accept}. */
    public PartitionState addPartition(TopicPartition tp) {
        String splitId = tp.topic() + "-" + tp.partition();
        return partitions.computeIfAbsent(splitId, id -> {
            PartitionState partition = new PartitionState(tp, id,
                    new PartitionBatcher(tp.topic(), tp.partition(), rules.limits(), rules.encoder()));
            metrics.registerPartition(tp.topic(), tp.partition(), partition::publishedBufferedRecords);
            partitionOrder.add(partition);
            return partition;
        });
    }

    public PartitionState partition(String splitId) {
        return partitions.get(splitId);
    }

    public Collection<PartitionState> partitions() {
        return Collections.unmodifiableCollection(partitionOrder);
    }

    /** Reads the clock once, for the records accepted and the dispatch that follow. */
    public void tick() {
        nowNanos = clock.nanoTime();
    }

    /** One record read from Kafka, in offset order for its partition. */
    public void accept(PartitionState partition, EncodedRecord record) {
        metrics.recordPolled();
        heldBytes += record.size();
        int closedBefore = partition.batcher.closedBatches();
        partition.batcher.add(record, nowNanos);
        queue.markReady(partition);
        pauseSignals.recordAdded(partition, closedBefore);
    }

    /**
     * Hands over (and forgets) the partitions that got a full batch waiting since the last call: the reader pauses
     * them at once, mid-poll, instead of after a whole poll's worth of records has piled up behind them.
     */
    public void drainFilledUp(Consumer<PartitionState> out) {
        pauseSignals.drainFilledUp(out);
    }

    /**
     * Starts sends for the partitions that may send, in the order they became able to (first come, first served),
     * within the concurrency limit ({@link ConcurrencyLimit}: the ceiling {@link DeliveryRules#maxConcurrentInvocations()}
     * until the function throttles). Partitions left in the queue at the limit get their turn, in order, as sends end.
     */
    public void dispatch() {
        queue.releaseDue(nowNanos);
        PartitionState partition;
        while (inFlight < concurrency.current() && (partition = queue.pollReady()) != null) {
            if (!partition.canSend(nowNanos)) {
                // In flight, waiting for a commit or stalled (an event marks it ready again), or waiting for a
                // window or a backoff (its deadline does).
                queue.schedule(partition, partition.nextDeadlineNanos());
                continue;
            }
            if (partition.deadLetter() != null) {
                deadLetters.write(partition);
                continue;
            }
            boolean fromBatcher = partition.head() == null;
            Batch batch = partition.batchToSend(nowNanos);
            if (fromBatcher) {
                pauseSignals.pauseCheck(partition); // a waiting batch left the batcher: fetching may resume
            }
            if (batch != null) {
                sender.send(partition, batch);
            }
        }
    }

    /**
     * When the engine next needs the task thread if no record or completion arrives; {@code Long.MAX_VALUE}: not by
     * itself. At the concurrency limit nothing can start before a send completes, and a completion wakes the task
     * anyway: so no deadline then (a ready partition's deadline is in the past and would only spin a timer).
     */
    public long nextWakeUpNanos() {
        if (inFlight >= concurrency.current()) {
            return Long.MAX_VALUE;
        }
        if (queue.hasReady()) {
            return Long.MIN_VALUE; // a partition may send now (only before a dispatch: one empties the queue)
        }
        return queue.earliestDeadlineNanos();
    }

    /**
     * True if this partition's fetching should pause: it has enough ahead, or is stalled.
     *
     * <p>Not when the reader is over its budget: then the reader takes no record from the Kafka reader at all
     * ({@link #overBudget()}, checked before each record), which bounds the engine by itself. Pausing every split
     * as well would not bound more: what the consumer holds meanwhile is at most one fetch per partition either way
     * (a paused partition keeps its last fetch; an unpaused one gets no new fetch while one is buffered), which
     * {@code ConsumerFetchSizes} sizes from the budget. It would only cost a pause and a resume of every partition
     * each time the held bytes cross the budget, which at 1,024 partitions is most polls.
     */
    public boolean shouldPause(PartitionState partition) {
        return partition.shouldPause();
    }

    /**
     * Hands over (and forgets) the partitions whose {@link #shouldPause} may have changed since the last call: a
     * batch closed or left the batcher, or the partition stalled. Each at most once per call.
     */
    public void drainPauseChecks(Consumer<PartitionState> out) {
        pauseSignals.drainPauseChecks(out);
    }

    /** The records held (waiting, in flight, retrying) exceed {@code --max-buffered-mb}: take no more. */
    public boolean overBudget() {
        return heldBytes > rules.maxBufferedBytes();
    }

    /** The first offset of the partition not yet done, or -1 if everything read so far is done. */
    public long firstUndeliveredOffset(PartitionState partition) {
        return partition.firstUndeliveredOffset();
    }

    /** The mapping must stop (set once); the reader fails the job with it, without restarts. */
    public MappingStoppedException stopReason() {
        return stop;
    }

    /** Stops the mapping at the reader's next poll, once, saying why. */
    public void stopMapping(MappingStoppedException reason) {
        if (stop == null) {
            stop = reason;
            LOG.error("Stopping the mapping: {}", reason.getMessage());
        }
    }

    /** Hands over (and forgets) the reports of batches finished since the last call. */
    public void drainReports(Consumer<DeliveryReport> out) {
        DeliveryReport report;
        while ((report = reports.poll()) != null) {
            out.accept(report);
        }
    }

    public boolean allDone() {
        if (inFlight > 0 || heldBytes > 0) {
            return false; // the common answer, without a walk over every partition
        }
        for (PartitionState partition : partitionOrder) {
            if (!partition.isIdle()) {
                return false;
            }
        }
        return true;
    }

    /** Entries in the deadline heap, stale ones included: for tests. */
    int scheduledDeadlineEntries() {
        return queue.scheduledEntries();
    }

    public int inFlight() {
        return inFlight;
    }

    /** How many sends may be in flight now (at most {@link DeliveryRules#maxConcurrentInvocations()}). */
    public int concurrencyLimit() {
        return concurrency.current();
    }

    /** Encoded bytes of the records held now, over all partitions. */
    public long heldBytes() {
        return heldBytes;
    }

    /** Records the partition's lag behind {@code endOffset} (the log end), once it has a position. */
    public void recordLag(PartitionState partition, long endOffset) {
        gauges.recordLag(partition, endOffset);
    }

    /** Copies gauge values for reporter threads, at most every 200 ms: reporters never read task-thread state. */
    public void publishGauges() {
        gauges.publish(nowNanos, inFlight, concurrency.current(), partitionOrder);
    }

    /** The consumer group now holds {@code offset} for {@code tp}: a partition waiting for it may send again. */
    public void committed(TopicPartition tp, long offset) {
        PartitionState partition = partitions.get(tp.topic() + "-" + tp.partition());
        if (partition != null && partition.awaitingCommit()) {
            partition.committed(offset);
            if (!partition.awaitingCommit()) {
                queue.markReady(partition);
            }
        }
    }

    /** Commits failed and pause: no partition waits for one any more (delivery goes on; a crash may re-send more). */
    public void commitsPaused() {
        for (PartitionState partition : partitionOrder) { // rare (commits failed): a walk over all is fine
            if (partition.awaitingCommit()) {
                partition.stopAwaitingCommit();
                queue.markReady(partition);
            }
        }
    }

    @Override
    public void close() {
        try {
            sender.close();
        } finally {
            deadLetters.close();
        }
    }

    /** The only code that changes the in-flight count, the held bytes, the ready queue and the reports. */
    private final class Books implements EngineBooks {
        @Override
        public void sendingStarted(PartitionState partition) {
            partition.startSending();
            inFlight++;
        }

        @Override
        public void invocationAnswered(InvokeResult result, long sentAtNanos) {
            long now = clock.nanoTime();
            if (OutcomeClassifier.isThrottle(result)) {
                metrics.recordThrottled();
                concurrency.onThrottled(sentAtNanos, inFlight, now);
            } else if (result.kind() == InvokeResult.Kind.SUCCESS
                    || result.kind() == InvokeResult.Kind.FUNCTION_ERROR) {
                concurrency.onAnswered(sentAtNanos, now);
            }
        }

        @Override
        public void sendingEnded(PartitionState partition) {
            partition.sendingEnded();
            inFlight--;
            queue.markReady(partition);
        }

        @Override
        public void delivered(PartitionState partition, Batch batch, int records) {
            long released = 0;
            for (int i = 0; i < records; i++) {
                released += batch.records().get(i).size();
            }
            heldBytes -= released;
            partition.completeHead(records, rules.encoder());
            metrics.recordInvoked(records);
            reports.add(new DeliveryReport(batch.topic(), batch.partition(), batch.firstOffset(),
                    batch.records().get(records - 1).offset(), records, batch.attempts()));
            reportDone(partition);
        }

        @Override
        public void completedHead(PartitionState partition) {
            heldBytes -= partition.head().recordBytes();
            partition.completeHead();
            reportDone(partition);
        }

        @Override
        public void stalled(PartitionState partition) {
            pauseSignals.pauseCheck(partition);
        }

        @Override
        public void changedWithoutSend(PartitionState partition) {
            queue.markReady(partition);
        }

        @Override
        public void stopMapping(MappingStoppedException reason) {
            DeliveryEngine.this.stopMapping(reason);
        }

        private void reportDone(PartitionState partition) {
            long next = partition.lastDoneOffset() + 1;
            if (progress.done(partition.topicPartition, next) && rules.commitBeforeNextBatch()) {
                partition.awaitCommit(next);
            }
        }
    }
}
