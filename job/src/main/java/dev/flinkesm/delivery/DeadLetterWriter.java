package dev.flinkesm.delivery;

import dev.flinkesm.batch.Batch;
import dev.flinkesm.failure.Decision;
import dev.flinkesm.failure.destination.FailedBatch;
import dev.flinkesm.failure.destination.FailureCondition;
import dev.flinkesm.failure.destination.OnFailureDestination;
import dev.flinkesm.invoke.InvokeResult;
import dev.flinkesm.metrics.EsmMetrics;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a partition's given-up head to the on-failure destination, again after a backoff until a write succeeds.
 *
 * <p>Invariant: the head is done ({@link EngineBooks#completedHead}) only once the destination took it; a failed
 * write leaves the records undelivered (and uncommitted) and the partition's head in place, so nothing behind it
 * moves and nothing is lost through a broken destination.
 *
 * <p>Threading: called on the task thread; a write's completion comes back through {@code taskThread}.
 */
final class DeadLetterWriter implements AutoCloseable {
    // The engine's logger: these lines are the engine's, as before the split (log filters key on its name).
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryEngine.class);

    private final DeliveryRules rules;
    private final OnFailureDestination destination; // null: none configured
    private final EsmMetrics metrics;
    private final DeliveryClock clock;
    private final Executor taskThread;
    private final EngineBooks books;

    DeadLetterWriter(DeliveryRules rules, OnFailureDestination destination, EsmMetrics metrics, DeliveryClock clock,
            Executor taskThread, EngineBooks books) {
        this.rules = rules;
        this.destination = destination;
        this.metrics = metrics;
        this.clock = clock;
        this.taskThread = taskThread;
        this.books = books;
    }

    /** What the destination gets for {@code batch}; {@code result} is null if it was never invoked. */
    FailedBatch failedBatch(Batch batch, InvokeResult result, Decision decision) {
        Instant now = Instant.ofEpochMilli(clock.currentTimeMillis());
        if (decision.condition() == FailureCondition.MAXIMUM_PAYLOAD_SIZE_EXCEEDED) {
            // OutcomeClassifier.tooLarge gives this condition only to a batch of one record: larger ones are split.
            return FailedBatch.payloadTooLarge(rules.encoder(), rules.functionName(), batch.records().get(0), now);
        }
        if (result == null) {
            // Given up before any send (records older than MaximumRecordAgeInSeconds): no response to describe.
            return FailedBatch.afterInvokes(rules.encoder(), rules.functionName(), batch.records(),
                    decision.condition(), batch.attempts(), null, null, null, now);
        }
        boolean functionError = result.kind() == InvokeResult.Kind.FUNCTION_ERROR;
        return FailedBatch.afterInvokes(rules.encoder(), rules.functionName(), batch.records(),
                decision.condition(), batch.attempts(),
                result.statusCode() == InvokeResult.NO_RESPONSE ? null : result.statusCode(),
                result.executedVersion(), functionError ? result.functionError() : null, now);
    }

    /** Writes the partition's {@link PartitionState#deadLetter() dead letter}; retried until it succeeds. */
    void write(PartitionState partition) {
        FailedBatch failed = partition.deadLetter();
        books.sendingStarted(partition);
        CompletableFuture<Void> write;
        try {
            write = destination.send(failed);
        } catch (RuntimeException e) {
            write = CompletableFuture.failedFuture(e);
        }
        write.whenComplete((ok, error) -> taskThread.execute(() -> onWritten(partition, failed, error)));
    }

    private void onWritten(PartitionState partition, FailedBatch failed, Throwable error) {
        books.sendingEnded(partition);
        if (error == null) {
            LOG.warn("kafka_topic={} kafka_partition={} kafka_offsets={}..{}: {} records sent to the on-failure "
                            + "destination ({})", failed.topic(), failed.partition(), failed.firstRecord().offset(),
                    failed.lastRecord().offset(), failed.records().size(), failed.condition().awsName());
            metrics.recordDestinationDelivered(failed.records().size());
            books.completedHead(partition);
            return;
        }
        // No loss through a broken destination: the records stay undelivered (and uncommitted) until it works.
        metrics.recordDestinationError();
        long delayMillis = rules.backoff().delayMillis(partition.deadLetterFailed());
        partition.retryDeadLetterAt(clock.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMillis));
        LOG.warn("kafka_topic={} kafka_partition={} kafka_offsets={}..{}: writing to the on-failure destination "
                        + "failed ({}); retrying in {} ms", failed.topic(), failed.partition(),
                failed.firstRecord().offset(), failed.lastRecord().offset(), error.toString(), delayMillis);
    }

    @Override
    public void close() {
        if (destination != null) {
            destination.close();
        }
    }
}
