package dev.flinkesm.delivery;

import dev.flinkesm.batch.Batch;
import dev.flinkesm.batch.PartitionBatcher;
import dev.flinkesm.failure.Decision;
import dev.flinkesm.failure.MappingStoppedException;
import dev.flinkesm.failure.OutcomeClassifier;
import dev.flinkesm.failure.Problems;
import dev.flinkesm.failure.ReasonCode;
import dev.flinkesm.invoke.InvokeResult;
import dev.flinkesm.metrics.EsmMetrics;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a partition's head batch to the function and carries out what {@link OutcomeClassifier} decides for the
 * outcome: deliver, retry after a backoff, split, dead-letter (through {@link DeadLetterWriter}), drop, stall the
 * partition, stop the mapping; logs and counts each. A batch over Lambda's request limit is decided on without a
 * send.
 *
 * <p>It changes only the partition's own state ({@link PartitionState} keeps its rules); whatever the engine books
 * (a send started or ended, a delivery, a head done without the function, a stall, a stop) it tells through
 * {@link EngineBooks}.
 *
 * <p>Threading: called on the task thread; an invocation's completion comes back through {@code taskThread}.
 */
final class BatchSender implements AutoCloseable {
    // The engine's logger: these lines are the engine's, as before the split (log filters key on its name).
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryEngine.class);

    private final DeliveryRules rules;
    private final Invoker invoker;
    private final EsmMetrics metrics;
    private final DeliveryClock clock;
    private final Executor taskThread;
    private final DeadLetterWriter deadLetters;
    private final EngineBooks books;

    BatchSender(DeliveryRules rules, Invoker invoker, EsmMetrics metrics, DeliveryClock clock, Executor taskThread,
            DeadLetterWriter deadLetters, EngineBooks books) {
        this.rules = rules;
        this.invoker = invoker;
        this.metrics = metrics;
        this.clock = clock;
        this.taskThread = taskThread;
        this.deadLetters = deadLetters;
        this.books = books;
    }

    /** Invokes the function with the partition's head {@code batch}, or decides on it at once if it is too large. */
    void send(PartitionState partition, Batch batch) {
        if (PartitionBatcher.isOversized(batch, rules.limits())) {
            apply(partition, batch, null, OutcomeClassifier.tooLarge(batch, rules.policy(),
                    "the event for offsets " + batch.firstOffset() + ".." + batch.lastOffset() + " is "
                            + batch.eventBytes() + " bytes, over Lambda's request limit"));
            books.changedWithoutSend(partition); // split, dropped or stalled without a send: look at it again
            return;
        }
        byte[] event = rules.encoder().event(batch.records());
        batch.recordAttempt();
        books.sendingStarted(partition);
        long startNanos = clock.nanoTime();
        invoker.invoke(event).thenAccept(result -> taskThread.execute(() -> onInvoked(partition, batch, result,
                startNanos)));
    }

    private void onInvoked(PartitionState partition, Batch batch, InvokeResult result, long startNanos) {
        books.sendingEnded(partition);
        metrics.recordInvocation(batch.size(), TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - startNanos));
        apply(partition, batch, result,
                OutcomeClassifier.decide(batch, result, rules.policy(), clock.currentTimeMillis()));
    }

    /** Carries out a decision for the partition's head batch. {@code result} is null if it was never invoked. */
    private void apply(PartitionState partition, Batch batch, InvokeResult result, Decision decision) {
        if (decision.delivered() > 0) {
            books.delivered(partition, batch, decision.delivered());
        }
        int rest = batch.size() - decision.delivered();
        switch (decision.action()) {
            case NONE:
                break;
            case RETRY:
                metrics.recordFailedInvoke(rest);
                metrics.reportProblem(Problems.functionCallFailed(decision.reason()));
                scheduleRetry(partition, partition.head(), decision);
                break;
            case BISECT:
                if (result != null) {
                    metrics.recordFailedInvoke(rest);
                }
                LOG.warn("kafka_topic={} kafka_partition={} kafka_offsets={}..{} failed ({}); splitting it in two",
                        batch.topic(), batch.partition(), partition.head().firstOffset(),
                        partition.head().lastOffset(), decision.reason());
                partition.splitHead(rules.encoder());
                break;
            case DEAD_LETTER:
                if (result != null) {
                    metrics.recordFailedInvoke(rest);
                }
                partition.deadLetterHead(deadLetters.failedBatch(partition.head(), result, decision));
                deadLetters.write(partition);
                break;
            case DROP:
                metrics.recordFailedInvoke(rest);
                Batch dropped = partition.head();
                LOG.warn("kafka_topic={} kafka_partition={} kafka_offsets={}..{}: {} records dropped after {} "
                                + "attempts ({}; {}); no on-failure destination is set",
                        dropped.topic(), dropped.partition(), dropped.firstOffset(), dropped.lastOffset(),
                        dropped.size(), dropped.attempts(), decision.condition().awsName(), decision.reason());
                metrics.recordDropped(dropped.size());
                books.completedHead(partition);
                break;
            case STALL:
                stall(partition, partition.head(), decision.reason(), result != null);
                break;
            case STOP_MAPPING:
                metrics.recordFailedInvoke(rest);
                books.stopMapping(new MappingStoppedException(ReasonCode.FUNCTION_CONFIG_NOT_VALID,
                        "Function " + rules.functionName() + " cannot be invoked: " + decision.reason()));
                break;
            default:
                throw new IllegalStateException("unhandled decision " + decision);
        }
    }

    private void scheduleRetry(PartitionState partition, Batch batch, Decision decision) {
        metrics.recordRetry();
        long delayMillis = rules.backoff().delayMillis(Math.max(batch.attempts(), 1));
        partition.retryHeadAt(clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis));
        if (batch.attempts() <= 3 || batch.attempts() % 10 == 0) {
            LOG.warn("kafka_topic={} kafka_partition={} kafka_offsets={}..{} attempt={} failed: {}; retrying in {} ms",
                    batch.topic(), batch.partition(), batch.firstOffset(), batch.lastOffset(), batch.attempts(),
                    decision.reason(), delayMillis);
        }
    }

    private void stall(PartitionState partition, Batch batch, String reason, boolean invoked) {
        partition.stall(reason);
        books.stalled(partition);
        if (invoked) {
            metrics.recordFailedInvoke(batch.size());
        }
        LOG.error("kafka_topic={} kafka_partition={} kafka_offset={}: partition stopped: {}. Records from this "
                        + "offset on are neither sent nor committed.",
                batch.topic(), batch.partition(), batch.firstOffset(), reason);
    }

    @Override
    public void close() {
        invoker.close();
    }
}
