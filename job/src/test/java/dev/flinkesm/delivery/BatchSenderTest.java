package dev.flinkesm.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkesm.failure.destination.FailureCondition;
import dev.flinkesm.metrics.EsmMetrics;
import dev.flinkesm.metrics.ProcessingResult;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Sending a head batch and carrying out what its outcome means, without an engine: a scripted invoker, recording
 * books, a manual clock and a task thread that runs when told. What the function then sees across batches and
 * partitions is {@link DeliveryEngineTest}'s.
 */
class BatchSenderTest {
    private final EngineFixture.ManualClock clock = new EngineFixture.ManualClock();
    private final EngineFixture.ScriptedInvoker invoker = new EngineFixture.ScriptedInvoker();
    private final EngineFixture.RecordingDestination destination = new EngineFixture.RecordingDestination();
    private final ArrayDeque<Runnable> taskThread = new ArrayDeque<>();
    private final RecordingMetricGroup metrics = new RecordingMetricGroup();
    private final RecordingBooks books = new RecordingBooks();

    private BatchSender sender(EngineFixture.Builder rulesBuilder) {
        DeliveryRules rules = rulesBuilder.deliveryRules();
        EsmMetrics esmMetrics = new EsmMetrics(metrics);
        DeadLetterWriter deadLetters =
                new DeadLetterWriter(rules, destination, esmMetrics, clock, taskThread::add, books);
        return new BatchSender(rules, invoker, esmMetrics, clock, taskThread::add, deadLetters, books);
    }

    /** Sends the head of a fresh partition holding {@code count} records of {@code valueBytes}, from offset 0. */
    private PartitionState sendHead(BatchSender sender, EngineFixture.Builder rulesBuilder, int count,
            int valueBytes) {
        PartitionState partition = EngineFixture.loosePartition(rulesBuilder.deliveryRules(), 0);
        for (int i = 0; i < count; i++) {
            partition.batcher.add(EngineFixture.record(partition.topicPartition(), i, valueBytes), clock.nanos);
        }
        sender.send(partition, partition.batchToSend(clock.nanos));
        return partition;
    }

    private void runTaskThread() {
        EngineFixture.runQueued(taskThread);
    }

    @Test
    void aSuccessIsBookedAsDeliveredOnTheTaskThread() {
        EngineFixture.Builder rules = EngineFixture.rules().batchSize(5);
        BatchSender sender = sender(rules);
        PartitionState partition = sendHead(sender, rules, 5, 8);
        assertThat(invoker.last().offsetList()).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(books.told).containsExactly("started orders-0");
        invoker.last().ok();
        assertThat(books.told).containsExactly("started orders-0"); // not on the invoker's thread
        runTaskThread();
        assertThat(books.told).containsExactly("started orders-0", "ended orders-0", "delivered orders-0 0..4");
        assertThat(books.answered).containsExactly(200); // the answer reaches the concurrency limit too
        assertThat(partition.firstUndeliveredOffset()).isEqualTo(-1);
    }

    @Test
    void aFailedInvocationIsRetriedAfterTheBackoffAndNothingIsBookedAsDone() {
        EngineFixture.Builder rules = EngineFixture.rules().batchSize(5);
        BatchSender sender = sender(rules);
        PartitionState partition = sendHead(sender, rules, 5, 8);
        invoker.last().functionError();
        runTaskThread();
        assertThat(books.told).containsExactly("started orders-0", "ended orders-0");
        assertThat(partition.firstUndeliveredOffset()).isZero();
        assertThat(partition.isStalled()).isTrue();
        // First retry: full jitter over [ceiling/2, ceiling] of a 100 ms initial backoff.
        assertThat(partition.canSend(clock.nanos + TimeUnit.MILLISECONDS.toNanos(49))).isFalse();
        assertThat(partition.canSend(clock.nanos + TimeUnit.MILLISECONDS.toNanos(100))).isTrue();
        assertThat(metrics.count(EsmMetrics.RETRIES)).isEqualTo(1);
        assertThat(metrics.count(EsmMetrics.FAILED_INVOKE_EVENT_COUNT)).isEqualTo(5);
        assertThat((String) metrics.gaugeValue(ProcessingResult.LAST_PROCESSING_RESULT))
                .startsWith("PROBLEM: Function call failed (");
    }

    @Test
    void retriesExhaustedWithoutADestinationDropTheHead() {
        EngineFixture.Builder rules = EngineFixture.rules().batchSize(5).retries(0);
        BatchSender sender = sender(rules);
        sendHead(sender, rules, 5, 8);
        invoker.last().functionError();
        runTaskThread();
        assertThat(books.told).containsExactly("started orders-0", "ended orders-0", "completed orders-0 0..4");
        assertThat(metrics.count(EsmMetrics.DROPPED_EVENT_COUNT)).isEqualTo(5);
    }

    @Test
    void retriesExhaustedWithADestinationWriteTheHeadThere() {
        EngineFixture.Builder rules = EngineFixture.rules().batchSize(5).retries(0).withDestination();
        BatchSender sender = sender(rules);
        PartitionState partition = sendHead(sender, rules, 5, 8);
        invoker.last().functionError();
        runTaskThread();
        assertThat(books.told).containsExactly("started orders-0", "ended orders-0", "started orders-0");
        assertThat(destination.sent).hasSize(1);
        assertThat(partition.deadLetter()).isSameAs(destination.sent.get(0));
        assertThat(partition.deadLetter().condition()).isEqualTo(FailureCondition.RETRY_ATTEMPTS_EXHAUSTED);
    }

    @Test
    void aRecordOlderThanTheMaximumAgeGoesToTheDestinationUnsent() {
        // AWS: MaximumRecordAgeInSeconds is the maximum age of a record Lambda sends to the function.
        EngineFixture.Builder rules = EngineFixture.rules().batchSize(5).maxRecordAge(60).withDestination();
        BatchSender sender = sender(rules);
        clock.millis += 2_000; // records are START_MILLIS + offset; the clock starts 60 s after
        PartitionState partition = sendHead(sender, rules, 5, 8);
        assertThat(invoker.calls).isEmpty();
        assertThat(destination.sent).hasSize(1);
        assertThat(destination.sent.get(0).condition()).isEqualTo(FailureCondition.RECORD_AGE_EXCEEDED);
        assertThat(destination.sent.get(0).records()).hasSize(5);
        assertThat(partition.deadLetter()).isSameAs(destination.sent.get(0));
        assertThat(books.told).containsExactly("started orders-0", "changed orders-0");
    }

    @Test
    void aRecordOlderThanTheMaximumAgeIsDroppedUnsentWithoutADestination() {
        EngineFixture.Builder rules = EngineFixture.rules().batchSize(5).maxRecordAge(60);
        BatchSender sender = sender(rules);
        clock.millis += 2_000;
        sendHead(sender, rules, 5, 8);
        assertThat(invoker.calls).isEmpty();
        assertThat(books.told).containsExactly("completed orders-0 0..4", "changed orders-0");
        assertThat(metrics.count(EsmMetrics.DROPPED_EVENT_COUNT)).isEqualTo(5);
        assertThat(metrics.count(EsmMetrics.FAILED_INVOKE_EVENT_COUNT)).isZero();
    }

    @Test
    void aRecordYoungEnoughIsSent() {
        EngineFixture.Builder rules = EngineFixture.rules().batchSize(5).maxRecordAge(60);
        BatchSender sender = sender(rules);
        sendHead(sender, rules, 5, 8);
        assertThat(invoker.calls).hasSize(1);
    }

    @Test
    void aFailedBatchIsSplitInTwoWhenBisectionIsOn() {
        EngineFixture.Builder rules = EngineFixture.rules().batchSize(4).bisect();
        BatchSender sender = sender(rules);
        PartitionState partition = sendHead(sender, rules, 4, 8);
        invoker.last().functionError();
        runTaskThread();
        assertThat(books.told).containsExactly("started orders-0", "ended orders-0");
        assertThat(partition.head().lastOffset()).isEqualTo(1);
        assertThat(partition.canSend(clock.nanos)).isTrue(); // the first half goes at once
    }

    @Test
    void aRecordOverLambdasLimitWithoutADestinationStallsThePartitionWithoutAnInvocation() {
        EngineFixture.Builder rules = EngineFixture.rules().maxRequestBytes(2_000);
        BatchSender sender = sender(rules);
        PartitionState partition = sendHead(sender, rules, 1, 4_000);
        assertThat(invoker.calls).isEmpty();
        assertThat(books.told).containsExactly("stalled orders-0", "changed orders-0");
        assertThat(partition.shouldPause()).isTrue();
        assertThat(partition.canSend(clock.nanos)).isFalse();
    }

    @Test
    void aFunctionThatCannotBeInvokedStopsTheMappingSayingWhy() {
        EngineFixture.Builder rules = EngineFixture.rules().batchSize(5);
        BatchSender sender = sender(rules);
        sendHead(sender, rules, 5, 8);
        invoker.last().refused(404, "ResourceNotFoundException");
        runTaskThread();
        assertThat(books.told).hasSize(3).startsWith("started orders-0", "ended orders-0");
        assertThat(books.told.get(2)).startsWith("stop FUNCTION_CONFIG_NOT_VALID: PROBLEM: Function fn cannot be "
                + "invoked: ResourceNotFoundException (HTTP 404)");
        assertThat(metrics.count(EsmMetrics.FAILED_INVOKE_EVENT_COUNT)).isEqualTo(5);
    }

    @Test
    void closingClosesTheInvoker() {
        BatchSender sender = sender(EngineFixture.rules());
        sender.close();
        assertThat(invoker.closed).isTrue();
    }
}
