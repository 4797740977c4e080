package dev.flinkesm.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkesm.batch.BatchLimits;
import dev.flinkesm.delivery.EngineFixture.Call;
import dev.flinkesm.failure.ReasonCode;
import dev.flinkesm.failure.destination.FailureCondition;
import dev.flinkesm.metrics.EsmMetrics;
import dev.flinkesm.metrics.ProcessingResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The delivery engine without Flink, a broker or HTTP: a scripted invoker, a recording destination and a manual
 * clock. Each test checks what the function received, and what a checkpoint would store, at every step.
 */
class DeliveryEngineTest {

    private static List<Long> range(long from, long toExclusive) {
        return LongStream.range(from, toExclusive).boxed().toList();
    }

    @Nested
    class Ordering {
        @Test
        void aPartitionSendsItsBatchesInOffsetOrderOneAtATime() {
            EngineFixture f = EngineFixture.rules().batchSize(10).build();
            PartitionState p = f.partition(0);
            f.feed(p, 0, 25);
            f.step();
            assertThat(f.invoker.calls).hasSize(1);
            assertThat(f.invoker.last().offsetList()).isEqualTo(range(0, 10));
            assertThat(f.engine.firstUndeliveredOffset(p)).isZero();

            f.step(); // nothing new may start while the first batch is in flight
            assertThat(f.invoker.calls).hasSize(1);

            f.invoker.last().ok();
            f.step();
            assertThat(f.engine.firstUndeliveredOffset(p)).isEqualTo(10);
            assertThat(f.invoker.calls).hasSize(2);
            assertThat(f.invoker.last().offsetList()).isEqualTo(range(10, 20));
            f.invoker.last().ok();
            f.step();
            assertThat(f.invoker.last().offsetList()).isEqualTo(range(20, 25));
            f.invoker.last().ok();
            f.step();
            assertThat(f.engine.firstUndeliveredOffset(p)).isEqualTo(-1);
            assertThat(f.engine.allDone()).isTrue();
            assertThat(f.done).containsEntry(new TopicPartition("orders", 0), 25L);
            assertThat(f.metrics.count(EsmMetrics.INVOKED_EVENT_COUNT)).isEqualTo(25);
            List<DeliveryReport> reports = new ArrayList<>();
            f.engine.drainReports(reports::add);
            assertThat(reports).extracting(r -> r.firstOffset).containsExactly(0L, 10L, 20L);
        }

        @Test
        void withCommitBeforeNextBatchAPartitionsNextBatchWaitsForTheCommitOfTheOneBefore() {
            // So that a crash re-sends at most the batch in flight: the group always holds the offset after the
            // last batch done before the next one starts.
            EngineFixture f = EngineFixture.rules().batchSize(5).commitBeforeNextBatch().build();
            f.commitsReported = true;
            PartitionState p = f.partition(0);
            PartitionState other = f.partition(1);
            f.feed(p, 0, 10);
            f.feed(other, 0, 10);
            f.step();
            f.invoker.calls.get(0).ok();
            f.step();
            assertThat(f.invoker.calls).hasSize(2); // orders-0 waits for its commit of 5
            assertThat(f.engine.nextWakeUpNanos()).isEqualTo(Long.MAX_VALUE); // the commit's answer wakes the task
            f.engine.committed(p.topicPartition(), 4); // an older commit does not release it
            f.step();
            assertThat(f.invoker.calls).hasSize(2);
            f.engine.committed(p.topicPartition(), 5);
            f.step();
            assertThat(f.invoker.calls).hasSize(3);
            assertThat(f.invoker.last().offsetList()).isEqualTo(range(5, 10));
            f.invoker.calls.get(1).ok();
            f.step();
            f.engine.commitsPaused(); // commits fail: delivery goes on without waiting
            f.step();
            assertThat(f.invoker.calls).hasSize(4);
            assertThat(f.invoker.last().offsets()).containsOnlyKeys("orders-1");
        }

        @Test
        void byDefaultTheNextBatchDoesNotWaitForTheCommit() {
            EngineFixture f = EngineFixture.rules().batchSize(5).build();
            f.commitsReported = true;
            PartitionState p = f.partition(0);
            f.feed(p, 0, 10);
            f.step();
            f.invoker.last().ok();
            f.step();
            assertThat(f.done).containsEntry(p.topicPartition(), 5L);
            assertThat(f.invoker.last().offsetList()).isEqualTo(range(5, 10));
        }

        @Test
        void partitionsRunConcurrentlyButNeverPastTheCap() {
            EngineFixture f = EngineFixture.rules().batchSize(5).cap(2).build();
            PartitionState[] partitions = {f.partition(0), f.partition(1), f.partition(2)};
            for (PartitionState p : partitions) {
                f.feed(p, 0, 5);
            }
            f.step();
            assertThat(f.invoker.calls).hasSize(2);
            assertThat(f.engine.inFlight()).isEqualTo(2);
            f.invoker.calls.get(0).ok();
            f.step();
            assertThat(f.invoker.calls).hasSize(3);
            assertThat(f.invoker.calls).extracting(c -> c.offsets().keySet().iterator().next())
                    .containsExactlyInAnyOrder("orders-0", "orders-1", "orders-2");
        }

        @Test
        void theBatchingWindowHoldsASmallBatchUntilItEnds() {
            EngineFixture f = EngineFixture.rules().batchSize(100).window(Duration.ofMillis(500)).build();
            PartitionState p = f.partition(0);
            f.feed(p, 0, 3);
            f.step();
            assertThat(f.invoker.calls).isEmpty();
            assertThat(f.engine.nextWakeUpNanos()).isEqualTo(f.clock.nanos + TimeUnit.MILLISECONDS.toNanos(500));
            f.advanceMillis(499);
            f.step();
            assertThat(f.invoker.calls).isEmpty();
            f.advanceMillis(1);
            f.step();
            assertThat(f.invoker.last().offsetList()).isEqualTo(range(0, 3));
        }
    }

    @Nested
    class Retries {
        @Test
        void aFunctionErrorRetriesTheWholeBatchAfterTheBackoffAndNothingBehindItGoesFirst() {
            EngineFixture f = EngineFixture.rules().batchSize(5).build();
            PartitionState p = f.partition(0);
            f.feed(p, 0, 10);
            f.step();
            f.invoker.last().functionError();
            f.step();
            assertThat(f.invoker.calls).hasSize(1);
            assertThat(f.engine.firstUndeliveredOffset(p)).isZero();
            // First retry: full jitter over [ceiling/2, ceiling] of a 100 ms initial backoff.
            long wake = f.engine.nextWakeUpNanos() - f.clock.nanos;
            assertThat(wake).isBetween(TimeUnit.MILLISECONDS.toNanos(50), TimeUnit.MILLISECONDS.toNanos(100));
            f.advanceMillis(49);
            f.step();
            assertThat(f.invoker.calls).hasSize(1);
            f.advanceMillis(51);
            f.step();
            assertThat(f.invoker.calls).hasSize(2);
            assertThat(f.invoker.last().offsetList()).isEqualTo(range(0, 5));
            assertThat(f.metrics.count(EsmMetrics.FAILED_INVOKE_EVENT_COUNT)).isEqualTo(5);
            assertThat(f.metrics.count(EsmMetrics.RETRIES)).isEqualTo(1);
        }

        @Test
        void throttlesServiceErrorsAndTimeoutsAreRetriedToo() {
            EngineFixture f = EngineFixture.rules().batchSize(5).build();
            PartitionState p = f.partition(0);
            f.feed(p, 0, 5);
            f.step();
            f.invoker.last().refused(429, "TooManyRequestsException");
            f.step();
            f.advanceMillis(1000);
            f.step();
            f.invoker.last().refused(500, "ServiceException");
            f.step();
            f.advanceMillis(1000);
            f.step();
            f.invoker.last().timedOut();
            f.step();
            f.advanceMillis(1000);
            f.step();
            f.invoker.last().ok();
            f.step();
            assertThat(f.invoker.calls).hasSize(4).allSatisfy(c -> assertThat(c.offsetList()).isEqualTo(range(0, 5)));
            assertThat(f.engine.firstUndeliveredOffset(p)).isEqualTo(-1);
            assertThat(f.engine.stopReason()).isNull();
        }

        @Test
        void throttlesAndDroppedConnectionsNeverUseUpMaximumRetryAttempts() {
            // Before: every invocation counted, so the third throttle dropped the batch and committed past it.
            EngineFixture f = EngineFixture.rules().batchSize(5).retries(2).build();
            PartitionState p = f.partition(0);
            f.feed(p, 0, 5);
            f.step();
            for (int i = 0; i < 20; i++) {
                if (i % 2 == 0) {
                    f.invoker.last().refused(429, "TooManyRequestsException");
                } else {
                    f.invoker.last().timedOut();
                }
                f.step();
                f.advanceMillis(1000);
                f.step();
            }
            f.invoker.last().ok();
            f.step();
            assertThat(f.invoker.calls).hasSize(21).allSatisfy(c -> assertThat(c.offsetList()).isEqualTo(range(0, 5)));
            assertThat(f.metrics.count(EsmMetrics.DROPPED_EVENT_COUNT)).isZero();
            assertThat(f.done).containsEntry(p.topicPartition(), 5L);
            List<DeliveryReport> reports = new ArrayList<>();
            f.engine.drainReports(reports::add);
            assertThat(reports).extracting(r -> r.attempts).containsExactly(21);
        }

        @Test
        void functionErrorsCountAcrossThrottles() {
            EngineFixture f = EngineFixture.rules().batchSize(5).retries(1).build();
            PartitionState p = f.partition(0);
            f.feed(p, 0, 5);
            f.step();
            f.invoker.last().functionError();
            for (int i = 0; i < 5; i++) {
                f.step();
                f.advanceMillis(1000);
                f.step();
                f.invoker.last().refused(429, "TooManyRequestsException");
            }
            f.step();
            f.advanceMillis(1000);
            f.step();
            assertThat(f.metrics.count(EsmMetrics.DROPPED_EVENT_COUNT)).isZero();
            f.invoker.last().functionError(); // the second function error: the one retry is used up
            f.step();
            assertThat(f.invoker.calls).hasSize(7);
            assertThat(f.metrics.count(EsmMetrics.DROPPED_EVENT_COUNT)).isEqualTo(5);
            assertThat(f.done).containsEntry(p.topicPartition(), 5L);
        }

        @Test
        void anInvocationWhoseFutureFailsEndsItsSendAndIsRetried() {
            // Before: thenAccept skipped an exceptional completion, so the partition stayed in flight for ever.
            EngineFixture f = EngineFixture.rules().batchSize(5).retries(0).build();
            PartitionState p = f.partition(0);
            f.feed(p, 0, 5);
            f.step();
            f.invoker.last().failWith(new IllegalStateException("client bug"));
            f.step();
            assertThat(f.engine.inFlight()).isZero();
            f.advanceMillis(1000);
            f.step();
            assertThat(f.invoker.calls).hasSize(2);
            assertThat(f.invoker.last().offsetList()).isEqualTo(range(0, 5));
            f.invoker.last().ok();
            f.step();
            assertThat(f.metrics.count(EsmMetrics.DROPPED_EVENT_COUNT)).isZero();
            assertThat(f.done).containsEntry(p.topicPartition(), 5L);
        }

        @Test
        void anInvokerThatThrowsEndsTheSendAndIsRetried() {
            EngineFixture f = EngineFixture.rules().batchSize(5).retries(0).build();
            PartitionState p = f.partition(0);
            f.feed(p, 0, 5);
            f.invoker.throwNext = new IllegalStateException("client closed");
            f.step();
            f.step();
            assertThat(f.engine.inFlight()).isZero();
            f.advanceMillis(1000);
            f.step();
            assertThat(f.invoker.calls).hasSize(1);
            f.invoker.last().ok();
            f.step();
            assertThat(f.metrics.count(EsmMetrics.DROPPED_EVENT_COUNT)).isZero();
            assertThat(f.done).containsEntry(p.topicPartition(), 5L);
        }

        @Test
        void retriesExhaustedWithoutADestinationDropTheBatchAndMoveOn() {
            EngineFixture f = EngineFixture.rules().batchSize(5).retries(1).build();
            PartitionState p = f.partition(0);
            f.feed(p, 0, 10);
            f.step();
            f.invoker.last().functionError();
            f.step();
            f.advanceMillis(1000);
            f.step();
            f.invoker.last().functionError();
            f.step();
            assertThat(f.metrics.count(EsmMetrics.DROPPED_EVENT_COUNT)).isEqualTo(5);
            assertThat(f.engine.firstUndeliveredOffset(p)).isEqualTo(5);
            assertThat(f.done).containsEntry(p.topicPartition(), 5L);
            assertThat(f.invoker.last().offsetList()).isEqualTo(range(5, 10));
        }

        @Test
        void aFailingCallIsTheProcessingResultUntilEveryPartitionMovesAgain() {
            EngineFixture f = EngineFixture.rules().batchSize(5).build();
            PartitionState p = f.partition(0);
            f.feed(p, 0, 5);
            f.step();
            f.engine.publishGauges();
            assertThat(f.metrics.gaugeValue(ProcessingResult.LAST_PROCESSING_RESULT)).isEqualTo("OK");
            f.invoker.last().refused(503, "ServiceException");
            f.step();
            assertThat((String) f.metrics.gaugeValue(ProcessingResult.LAST_PROCESSING_RESULT))
                    .startsWith("PROBLEM: Function call failed (");
            f.advanceMillis(1000);
            f.step();
            f.invoker.last().ok();
            f.step();
            f.engine.publishGauges();
            assertThat(f.metrics.gaugeValue(ProcessingResult.LAST_PROCESSING_RESULT)).isEqualTo("OK");
        }

        @Test
        void anExpiredTokenIsRetriedNotFatal() {
            EngineFixture f = EngineFixture.rules().batchSize(5).build();
            PartitionState p = f.partition(0);
            f.feed(p, 0, 5);
            f.step();
            f.invoker.last().refused(403, "ExpiredTokenException");
            f.step();
            f.advanceMillis(1000);
            f.step();
            assertThat(f.engine.stopReason()).isNull();
            assertThat(f.invoker.calls).hasSize(2);
        }

        @Test
        void aMissingFunctionStopsTheMappingOnce() {
            EngineFixture f = EngineFixture.rules().batchSize(5).build();
            f.feed(f.partition(0), 0, 5);
            f.feed(f.partition(1), 0, 5);
            f.step();
            f.invoker.calls.get(0).refused(404, "ResourceNotFoundException");
            f.invoker.calls.get(1).refused(404, "ResourceNotFoundException");
            f.step();
            assertThat(f.engine.stopReason().reason()).isEqualTo(ReasonCode.FUNCTION_CONFIG_NOT_VALID);
            assertThat(f.engine.stopReason().getMessage())
                    .startsWith("FUNCTION_CONFIG_NOT_VALID: PROBLEM: Function fn cannot be invoked: "
                            + "ResourceNotFoundException (HTTP 404)");
        }
    }

    @Nested
    class FailureControls {
        @Test
        void bisectionIsolatesAPoisonRecordAndDeadLettersItAlone() {
            EngineFixture f = EngineFixture.rules().batchSize(4).bisect().retries(0).withDestination().build();
            PartitionState p = f.partition(0);
            f.feed(p, 0, 4);
            List<List<Long>> sent = new ArrayList<>();
            // Offset 2 is poison: every batch holding it fails.
            for (int i = 0; i < 20 && !f.engine.allDone(); i++) {
                f.step();
                for (Call call : f.invoker.unanswered()) {
                    sent.add(call.offsetList());
                    if (call.offsetList().contains(2L)) {
                        call.functionError();
                    } else {
                        call.ok();
                    }
                }
                f.destination.writes.forEach(w -> w.complete(null));
                f.step();
            }
            assertThat(sent).containsExactly(range(0, 4), range(0, 2), range(2, 4), List.of(2L), List.of(3L));
            assertThat(f.destination.sent).hasSize(1);
            assertThat(f.destination.sent.get(0).records()).extracting(r -> r.offset()).containsExactly(2L);
            assertThat(f.engine.firstUndeliveredOffset(p)).isEqualTo(-1);
            assertThat(f.done).containsEntry(p.topicPartition(), 4L);
        }

        @Test
        void aPartialResponseDeliversTheRecordsBeforeTheFirstFailureAndRetriesTheRest() {
            EngineFixture f = EngineFixture.rules().batchSize(5).itemFailures().build();
            PartitionState p = f.partition(0);
            f.feed(p, 10, 5);
            f.step();
            f.invoker.last().itemFailure("orders-0", 12);
            f.step();
            assertThat(f.engine.firstUndeliveredOffset(p)).isEqualTo(12);
            assertThat(f.done).containsEntry(p.topicPartition(), 12L);
            f.advanceMillis(1000);
            f.step();
            assertThat(f.invoker.last().offsetList()).isEqualTo(range(12, 15));
        }

        @Test
        void aPartialAnswerWithBisectRetriesTheRemainderWhole() {
            // Before: the rest after the reported record was halved, as if the function had failed it whole.
            EngineFixture f = EngineFixture.rules().batchSize(8).itemFailures().bisect().withDestination().build();
            PartitionState p = f.partition(0);
            f.feed(p, 0, 8);
            f.step();
            f.invoker.last().itemFailure("orders-0", 3);
            f.step();
            assertThat(f.done).containsEntry(p.topicPartition(), 3L);
            f.advanceMillis(1000);
            f.step();
            assertThat(f.invoker.calls).hasSize(2);
            assertThat(f.invoker.last().offsetList()).isEqualTo(range(3, 8));
        }

        @Test
        void aBrokenDestinationKeepsTheRecordsUndeliveredUntilItWorks() {
            EngineFixture f = EngineFixture.rules().batchSize(5).retries(0).withDestination().build();
            PartitionState p = f.partition(0);
            f.feed(p, 0, 10);
            f.step();
            f.invoker.last().functionError();
            f.step();
            assertThat(f.destination.sent).hasSize(1);
            f.destination.lastWrite().completeExceptionally(new IllegalStateException("destination down"));
            f.step();
            assertThat(f.engine.firstUndeliveredOffset(p)).isZero();
            assertThat(f.done).isEmpty();
            f.advanceMillis(1000);
            f.step();
            assertThat(f.destination.sent).hasSize(2);
            assertThat(f.invoker.calls).hasSize(1); // nothing behind the dead letter moved
            f.destination.lastWrite().complete(null);
            f.step();
            assertThat(f.engine.firstUndeliveredOffset(p)).isEqualTo(5);
            assertThat(f.metrics.count(EsmMetrics.ON_FAILURE_DESTINATION_DELIVERED_EVENT_COUNT)).isEqualTo(5);
            assertThat(f.metrics.count(EsmMetrics.ON_FAILURE_DESTINATION_DELIVERY_ERROR_COUNT)).isEqualTo(1);
            assertThat(f.invoker.last().offsetList()).isEqualTo(range(5, 10));
        }
    }

    @Nested
    class TooLarge {
        @Test
        void aBatchLambdaRefusesAsTooLargeIsSplitAndEveryRecordDelivered() {
            // Before the fix: the first record was dead-lettered, records 2..N were retired unsent and committed.
            EngineFixture f = EngineFixture.rules().batchSize(4).withDestination().build();
            PartitionState p = f.partition(0);
            f.feed(p, 0, 4);
            List<List<Long>> delivered = new ArrayList<>();
            for (int i = 0; i < 20 && !f.engine.allDone(); i++) {
                f.step();
                for (Call call : f.invoker.unanswered()) {
                    if (call.offsetList().size() > 1) {
                        call.refused(413, "RequestTooLargeException");
                    } else {
                        delivered.add(call.offsetList());
                        call.ok();
                    }
                }
            }
            assertThat(delivered).containsExactly(List.of(0L), List.of(1L), List.of(2L), List.of(3L));
            assertThat(f.destination.sent).isEmpty();
            assertThat(f.done).containsEntry(p.topicPartition(), 4L);
        }

        @Test
        void aSingleRecordLambdaRefusesGoesToTheDestinationAsMaximumPayloadSizeExceeded() {
            EngineFixture f = EngineFixture.rules().batchSize(1).withDestination().build();
            PartitionState p = f.partition(0);
            f.feed(p, 0, 2);
            f.step();
            f.invoker.last().refused(413, "RequestTooLargeException");
            f.step();
            assertThat(f.destination.sent).hasSize(1);
            assertThat(f.destination.sent.get(0).condition()).isEqualTo(FailureCondition.MAXIMUM_PAYLOAD_SIZE_EXCEEDED);
            f.destination.lastWrite().complete(null);
            f.step();
            assertThat(f.invoker.last().offsetList()).isEqualTo(List.of(1L));
        }

        @Test
        void anOversizedRecordWithoutADestinationStallsItsPartitionOnly() {
            EngineFixture f = EngineFixture.rules().batchSize(10).maxRequestBytes(2_000).build();
            PartitionState big = f.partition(0);
            PartitionState other = f.partition(1);
            f.feed(big, 0, 1, 4_000);
            f.feed(big, 1, 1);
            f.feed(other, 0, 3);
            f.step();
            assertThat(f.invoker.calls).hasSize(1);
            assertThat(f.invoker.last().offsets()).containsOnlyKeys("orders-1");
            assertThat(f.engine.firstUndeliveredOffset(big)).isZero();
            assertThat(big.isStalled()).isTrue();
            assertThat(f.engine.shouldPause(big)).isTrue();
            assertThat(f.engine.nextWakeUpNanos()).isEqualTo(Long.MAX_VALUE);
        }

        @Test
        void batchesStayBelowLambdasLimitWhichIsExclusive() {
            assertThat(BatchLimits.MAX_REQUEST_BYTES).isEqualTo(6_291_455);
            assertThat(BatchLimits.MAX_REQUEST_BYTES).isLessThan(BatchLimits.LAMBDA_REQUEST_LIMIT_BYTES);
        }
    }

    @Nested
    class WakeUps {
        @Test
        void atTheCapThereIsNoDeadlineSoNoTimerCanSpinOrOverflow() {
            // Before the fix: a ready partition behind the cap made the deadline Long.MIN_VALUE, the timer's delay
            // overflowed to ~292 years, and every later deadline was refused.
            EngineFixture f = EngineFixture.rules().batchSize(5).cap(1).build();
            f.feed(f.partition(0), 0, 5);
            f.feed(f.partition(1), 0, 5);
            f.step();
            assertThat(f.invoker.calls).hasSize(1);
            assertThat(f.engine.nextWakeUpNanos()).isEqualTo(Long.MAX_VALUE);
        }

        @Test
        void windowsAndBackoffsBehindTheCapFireOnTimeOnceItFrees() {
            EngineFixture f = EngineFixture.rules().batchSize(100).window(Duration.ofMillis(200)).cap(1).build();
            PartitionState a = f.partition(0);
            PartitionState b = f.partition(1);
            f.feed(a, 0, 100); // full: goes at once
            f.feed(b, 0, 3); // waits for its window
            f.step();
            assertThat(f.invoker.calls).hasSize(1);
            f.invoker.last().functionError();
            f.step();
            // Below the cap again: b's window (200 ms) and a's backoff (50-100 ms) are both future deadlines.
            long wake = f.engine.nextWakeUpNanos() - f.clock.nanos;
            assertThat(wake).isBetween(TimeUnit.MILLISECONDS.toNanos(50), TimeUnit.MILLISECONDS.toNanos(100));
            f.advanceMillis(100);
            f.step();
            assertThat(f.invoker.last().offsets()).containsOnlyKeys("orders-0");
            assertThat(f.engine.nextWakeUpNanos()).isEqualTo(Long.MAX_VALUE); // at the cap again
            f.invoker.last().ok();
            f.step();
            assertThat(f.engine.nextWakeUpNanos() - f.clock.nanos).isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
            f.advanceMillis(100);
            f.step();
            assertThat(f.invoker.last().offsets()).containsOnlyKeys("orders-1");
        }
    }

    @Nested
    class Throttling {
        @Test
        void aRoundOfThrottlesLowersHowManyPartitionsSendAtOnceAndAnswersRaiseItBack() {
            EngineFixture f = EngineFixture.rules().batchSize(5).cap(16).retries(0).build();
            List<PartitionState> parts = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                PartitionState p = f.partition(i);
                f.feed(p, 0, 10);
                parts.add(p);
            }
            f.step();
            assertThat(f.invoker.calls).hasSize(16);
            assertThat(f.engine.concurrencyLimit()).isEqualTo(16);
            f.advanceMillis(50); // the function's answers take time, as they do
            f.invoker.calls.forEach(c -> c.refused(429, "TooManyRequestsException"));
            f.step();
            // One round: 16 were in flight, so 12 may be now; the later 429s of the same round cut no further.
            assertThat(f.engine.concurrencyLimit()).isEqualTo(12);
            assertThat(f.metrics.count(EsmMetrics.THROTTLED_INVOKE_COUNT)).isEqualTo(16);
            assertThat(f.metrics.count(EsmMetrics.DROPPED_EVENT_COUNT)).isZero(); // retries(0): throttles are not tries

            f.advanceMillis(1000);
            f.step();
            assertThat(f.invoker.unanswered()).hasSize(12);
            f.engine.publishGauges();
            assertThat(f.metrics.gaugeValue(EsmMetrics.CONCURRENCY_LIMIT)).isEqualTo(12L);

            f.advanceMillis(50);
            f.invoker.unanswered().forEach(EngineFixture.Call::ok); // a round of answers: one more may go
            f.step();
            assertThat(f.engine.concurrencyLimit()).isEqualTo(13);
            assertThat(f.invoker.unanswered()).hasSize(13); // 4 waiting heads + the 12's second batches, up to 13
            while (!f.invoker.unanswered().isEmpty()) {
                f.advanceMillis(1000);
                f.invoker.unanswered().forEach(EngineFixture.Call::ok);
                f.step();
            }
            for (PartitionState p : parts) {
                assertThat(f.done).containsEntry(p.topicPartition(), 10L);
            }
            assertThat(f.metrics.count(EsmMetrics.INVOKED_EVENT_COUNT)).isEqualTo(160);
        }

        @Test
        void functionErrorsAndTimeoutsDoNotLowerTheLimit() {
            EngineFixture f = EngineFixture.rules().batchSize(5).cap(8).build();
            for (int i = 0; i < 8; i++) {
                f.feed(f.partition(i), 0, 5);
            }
            f.step();
            for (int i = 0; i < 8; i++) {
                if (i % 2 == 0) {
                    f.invoker.calls.get(i).functionError();
                } else {
                    f.invoker.calls.get(i).timedOut();
                }
            }
            f.step();
            assertThat(f.engine.concurrencyLimit()).isEqualTo(8);
            assertThat(f.metrics.count(EsmMetrics.THROTTLED_INVOKE_COUNT)).isZero();
        }
    }

    @Nested
    class MemoryAndGauges {
        @Test
        void overTheBudgetTheEngineSaysSoUntilDeliveredBelowItWithoutPausingAnyPartitionForIt() {
            // The reader takes no record while over the budget (DeliveringSourceReaderTest); pausing every split
            // as well would bound nothing more, so the budget is not a pause reason.
            EngineFixture f = EngineFixture.rules().batchSize(1_000).maxBufferedBytes(5_000).build();
            PartitionState a = f.partition(0);
            PartitionState b = f.partition(1);
            f.feed(a, 0, 10, 1_000);
            assertThat(f.engine.overBudget()).isTrue();
            assertThat(f.engine.shouldPause(a)).isFalse(); // one open batch: nothing waits behind it
            assertThat(f.engine.shouldPause(b)).isFalse();
            f.step();
            f.invoker.last().ok();
            f.step();
            assertThat(f.engine.heldBytes()).isZero();
            assertThat(f.engine.overBudget()).isFalse();
        }

        @Test
        void aPartitionIsReportedFilledUpOnceASecondBatchWaitsOrOneWaitsBehindTheHead() {
            EngineFixture f = EngineFixture.rules().batchSize(10).build();
            PartitionState p = f.partition(0);
            List<PartitionState> filled = new ArrayList<>();
            f.feed(p, 0, 10); // one closed batch, nothing in flight: the next dispatch takes it
            f.engine.drainFilledUp(filled::add);
            assertThat(filled).isEmpty();
            f.feed(p, 10, 10); // a second one: pause now, mid-poll
            f.engine.drainFilledUp(filled::add);
            assertThat(filled).containsExactly(p);
            f.step(); // the first goes out; the second waits behind it
            filled.clear();
            f.feed(p, 20, 10);
            f.engine.drainFilledUp(filled::add);
            assertThat(filled).containsExactly(p);
        }

        @Test
        void gaugesShowWhatTheTaskThreadPublishedNotLiveState() {
            // Before the fix, gauges walked the task thread's maps from reporter threads.
            EngineFixture f = EngineFixture.rules().batchSize(10).window(Duration.ofSeconds(1)).build();
            PartitionState p = f.partition(0);
            f.feed(p, 0, 4);
            assertThat(f.metrics.gaugeValue(EsmMetrics.BUFFERED_RECORDS)).isEqualTo(0L);
            f.engine.publishGauges();
            assertThat(f.metrics.gaugeValue(EsmMetrics.BUFFERED_RECORDS)).isEqualTo(4L);
            assertThat(f.metrics.gaugeValue("topic.orders.partition.0." + EsmMetrics.BUFFERED_RECORDS))
                    .isEqualTo(4L);
        }
    }
}
