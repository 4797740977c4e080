package dev.flinkesm.delivery;

import dev.flinkesm.batch.Batch;
import dev.flinkesm.failure.Decision;
import dev.flinkesm.failure.MappingStoppedException;
import dev.flinkesm.failure.OutcomeClassifier;
import dev.flinkesm.failure.Problems;
import dev.flinkesm.failure.ReasonCode;
import dev.flinkesm.invoke.InvokeResult;
import dev.flinkesm.metrics.EsmMetrics;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out what {@link OutcomeClassifier} decided for a partition's head batch: deliver, retry after a backoff,
 * split, dead-letter, drop, stall the partition, stop the mapping; logs and counts each.
 *
 * <p>It changes only the partition's own state ({@link PartitionState} keeps its rules); whatever the engine books
 * (a delivery, a head done without the function, a stall, a stop) it tells through {@link EngineBooks}. Task thread
 * only.
 */
final class DecisionApplier {
    // The engine's logger: these lines are the engine's, as before the split (log filters key on its name).
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryEngine.class);

    private final DeliveryRules rules;
    private final EsmMetrics metrics;
    private final DeliveryClock clock;
    private final DeadLetterWriter deadLetters;
    private final EngineBooks books;

    DecisionApplier(DeliveryRules rules, EsmMetrics metrics, DeliveryClock clock, DeadLetterWriter deadLetters,
            EngineBooks books) {
        this.rules = rules;
        this.metrics = metrics;
        this.clock = clock;
        this.deadLetters = deadLetters;
        this.books = books;
    }

    /** Carries out a decision for the partition's head batch. {@code result} is null if it was never invoked. */
    void apply(PartitionState partition, Batch batch, InvokeResult result, Decision decision) {
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
}
