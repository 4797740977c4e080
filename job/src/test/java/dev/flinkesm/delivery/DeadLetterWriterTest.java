package dev.flinkesm.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkesm.batch.Batch;
import dev.flinkesm.failure.Decision;
import dev.flinkesm.failure.OutcomeClassifier;
import dev.flinkesm.failure.destination.FailedBatch;
import dev.flinkesm.failure.destination.FailureCondition;
import dev.flinkesm.invoke.InvokeResult;
import dev.flinkesm.metrics.EsmMetrics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The on-failure writing alone: a recording destination, a manual clock, a task thread that runs when told. */
class DeadLetterWriterTest {
    private final DeliveryRules rules = EngineFixture.rules().batchSize(5).retries(0).withDestination()
            .deliveryRules();
    private final EngineFixture.ManualClock clock = new EngineFixture.ManualClock();
    private final EngineFixture.RecordingDestination destination = new EngineFixture.RecordingDestination();
    private final ArrayDeque<Runnable> taskThread = new ArrayDeque<>();
    private final RecordingMetricGroup metrics = new RecordingMetricGroup();
    private final RecordingBooks books = new RecordingBooks();
    private final DeadLetterWriter writer =
            new DeadLetterWriter(rules, destination, new EsmMetrics(metrics), clock, taskThread::add, books);

    private static final InvokeResult FUNCTION_ERROR = InvokeResult.functionError(200, "Unhandled",
            "{\"errorMessage\":\"boom\"}".getBytes(StandardCharsets.UTF_8), "$LATEST");

    /** A partition whose head (offsets 0..4) failed its only attempt and is given up to the destination. */
    private PartitionState partitionWithDeadLetter() {
        PartitionState partition = EngineFixture.loosePartition(rules, 0);
        EngineFixture.add(partition, 0, 5, clock.nanos);
        Batch head = partition.batchToSend(clock.nanos);
        head.recordAttempt();
        Decision decision = OutcomeClassifier.decide(head, FUNCTION_ERROR, rules.policy(), clock.millis);
        assertThat(decision.action()).isEqualTo(Decision.Action.DEAD_LETTER);
        partition.deadLetterHead(writer.failedBatch(head, FUNCTION_ERROR, decision));
        return partition;
    }

    private void runTaskThread() {
        EngineFixture.runQueued(taskThread);
    }

    @Test
    void aWrittenDeadLetterCompletesTheHeadOnTheTaskThread() {
        PartitionState partition = partitionWithDeadLetter();
        writer.write(partition);
        assertThat(books.told).containsExactly("started orders-0");
        destination.lastWrite().complete(null);
        assertThat(books.told).containsExactly("started orders-0"); // not on the destination's thread
        runTaskThread();
        assertThat(books.told).containsExactly("started orders-0", "ended orders-0", "completed orders-0 0..4");
        assertThat(metrics.count(EsmMetrics.ON_FAILURE_DESTINATION_DELIVERED_EVENT_COUNT)).isEqualTo(5);
        FailedBatch sent = destination.sent.get(0);
        assertThat(sent.condition()).isEqualTo(FailureCondition.RETRY_ATTEMPTS_EXHAUSTED);
        assertThat(sent.records()).extracting(r -> r.offset()).containsExactly(0L, 1L, 2L, 3L, 4L);
    }

    @Test
    void aDeadLetterThatFailsToWriteIsRetriedAfterTheBackoffAndItsRecordsStayUndelivered() {
        PartitionState partition = partitionWithDeadLetter();
        writer.write(partition);
        destination.lastWrite().completeExceptionally(new IllegalStateException("destination down"));
        runTaskThread();
        assertThat(books.told).containsExactly("started orders-0", "ended orders-0");
        assertThat(metrics.count(EsmMetrics.ON_FAILURE_DESTINATION_DELIVERY_ERROR_COUNT)).isEqualTo(1);
        assertThat(partition.firstUndeliveredOffset()).isZero();
        assertThat(partition.deadLetter()).isSameAs(destination.sent.get(0));
        // First retry: full jitter over [ceiling/2, ceiling] of a 100 ms initial backoff.
        assertThat(partition.canSend(clock.nanos + TimeUnit.MILLISECONDS.toNanos(49))).isFalse();
        assertThat(partition.canSend(clock.nanos + TimeUnit.MILLISECONDS.toNanos(100))).isTrue();

        writer.write(partition);
        destination.lastWrite().complete(null);
        runTaskThread();
        assertThat(destination.sent).hasSize(2);
        assertThat(destination.sent.get(1)).isSameAs(destination.sent.get(0));
        assertThat(books.told).endsWith("completed orders-0 0..4");
    }

    @Test
    void aDestinationThatThrowsIsAFailedWriteNotALoss() {
        PartitionState partition = partitionWithDeadLetter();
        destination.refuseNext = new IllegalStateException("no producer");
        writer.write(partition);
        runTaskThread();
        assertThat(books.told).containsExactly("started orders-0", "ended orders-0");
        assertThat(metrics.count(EsmMetrics.ON_FAILURE_DESTINATION_DELIVERY_ERROR_COUNT)).isEqualTo(1);
        assertThat(partition.deadLetter()).isNotNull();
        assertThat(partition.firstUndeliveredOffset()).isZero();
    }

    @Test
    void aSingleRecordOverLambdasLimitIsDeadLetteredAsMaximumPayloadSizeExceeded() {
        PartitionState partition = EngineFixture.loosePartition(rules, 0);
        EngineFixture.add(partition, 7, 1, clock.nanos);
        Batch head = partition.batchToSend(clock.nanos); // window 0: a batch of what is there
        Decision decision = OutcomeClassifier.tooLarge(head, rules.policy(), "too large for the test");
        FailedBatch failed = writer.failedBatch(head, null, decision);
        assertThat(failed.condition()).isEqualTo(FailureCondition.MAXIMUM_PAYLOAD_SIZE_EXCEEDED);
        assertThat(failed.records()).extracting(r -> r.offset()).isEqualTo(List.of(7L));
    }
}
