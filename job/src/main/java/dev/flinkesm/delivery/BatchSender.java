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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
        if (rules.policy().recordAgeExceeded(batch.oldestTimestamp(), clock.currentTimeMillis())) {
            // AWS: MaximumRecordAgeInSeconds is "the maximum age of a record that Lambda sends to your function".
            // Judged by the batch's oldest record, as after a failure.
            apply(partition, batch, null, OutcomeClassifier.tooOld(batch, rules.policy()));
            books.changedWithoutSend(partition);
            return;
        }
        byte[] event = rules.encoder().event(batch.records());
        batch.recordAttempt();
        books.sendingStarted(partition);
        long startNanos = clock.nanoTime();
        CompletableFuture<InvokeResult> answer;
        try {
            answer = invoker.invoke(event);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        // Every started send ends exactly once, answered or not: an invoker whose future fails (a bug, a closed
        // client) must not leave the partition in flight and its concurrency slot taken for ever.
        answer.whenComplete((result, error) -> taskThread.execute(() -> onInvoked(partition, batch,
                error == null ? result : noAnswer(error), startNanos)));
    }

    /** An invocation that ended in an exception instead of an answer: retried as one that got no response. */
    private static InvokeResult noAnswer(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return InvokeResult.requestFailure(InvokeResult.NO_RESPONSE, cause.getClass().getSimpleName(),
                String.valueOf(cause.getMessage()));
    }

    private void onInvoked(PartitionState partition, Batch batch, InvokeResult result, long startNanos) {
        books.invocationAnswered(result, startNanos);
        books.sendingEnded(partition);
        metrics.recordInvocation(batch.size(), TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - startNanos));
        apply(partition, batch, result,
                OutcomeClassifier.decide(batch, result, rules.policy(), clock.currentTimeMillis()));
    }

    /** Carries out a decision for the partition's head batch. {@code result} is null if it was never invoked. */
    private void apply(PartitionState partition, Batch batch, InvokeResult result, Decision decision) {
        if (decision.functionFailed()) {
            batch.recordFunctionError(); // before the delivered part is cut off, so the rest carries the count
        }
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
                if (result != null) {
                    metrics.recordFailedInvoke(rest);
                }
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
