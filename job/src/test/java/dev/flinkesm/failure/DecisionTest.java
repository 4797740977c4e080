package dev.flinkesm.failure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkesm.batch.Batch;
import dev.flinkesm.failure.destination.FailureCondition;
import dev.flinkesm.invoke.InvokeResult;
import dev.flinkesm.payload.EncodedRecord;
import dev.flinkesm.payload.EventSourceKind;
import dev.flinkesm.payload.KafkaEventEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link OutcomeClassifier#decide}: the mapping's failure controls applied to one attempt's outcome. */
class DecisionTest {
    private static final KafkaEventEncoder ENCODER =
            new KafkaEventEncoder(EventSourceKind.SELF_MANAGED, "b:9092", null);
    private static final long NOW = 1_800_000_000_000L;

    private static final InvokeResult OK = InvokeResult.success(200, "null".getBytes(), "$LATEST");
    private static final InvokeResult FUNCTION_ERROR =
            InvokeResult.functionError(200, "Unhandled", "{}".getBytes(), "$LATEST");
    private static final InvokeResult THROTTLED = InvokeResult.requestFailure(429, "TooManyRequestsException", "x");

    /** A batch invoked {@code attempts} times, every invocation before this one answered with a function error. */
    private static Batch batch(int size, long firstOffset, long timestamp, int attempts) {
        return batch(size, firstOffset, timestamp, attempts, Math.max(0, attempts - 1));
    }

    /** A batch invoked {@code attempts} times, {@code functionErrors} of them before this one failed in the function. */
    private static Batch batch(int size, long firstOffset, long timestamp, int attempts, int functionErrors) {
        List<EncodedRecord> records = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            records.add(ENCODER.encode(new ConsumerRecord<>("orders", 2, firstOffset + i, timestamp,
                    org.apache.kafka.common.record.TimestampType.CREATE_TIME, 0, 0, null, new byte[1],
                    new org.apache.kafka.common.header.internals.RecordHeaders(), java.util.Optional.empty())));
        }
        Batch batch = Batch.of(records, ENCODER);
        for (int i = 0; i < attempts; i++) {
            batch.recordAttempt();
        }
        for (int i = 0; i < functionErrors; i++) {
            batch.recordFunctionError();
        }
        return batch;
    }

    private static FailurePolicy policy(int retries, int ageSeconds, boolean bisect, boolean itemFailures,
            boolean destination) {
        return new FailurePolicy(retries, ageSeconds, bisect, itemFailures, destination);
    }

    private static final FailurePolicy DEFAULTS = policy(-1, -1, false, false, false);

    @Test
    void successDeliversEveryRecord() {
        Decision d = OutcomeClassifier.decide(batch(5, 0, NOW, 1), OK, DEFAULTS, NOW);
        assertThat(d.delivered()).isEqualTo(5);
        assertThat(d.action()).isEqualTo(Decision.Action.NONE);
    }

    @Test
    void byDefaultAFailingBatchIsRetriedForever() {
        Decision d = OutcomeClassifier.decide(batch(5, 0, NOW - 86_400_000L, 5000), FUNCTION_ERROR, DEFAULTS, NOW);
        assertThat(d.delivered()).isZero();
        assertThat(d.action()).isEqualTo(Decision.Action.RETRY);
    }

    @Nested
    class RetryLimits {
        @Test
        void theFirstAttemptIsNoRetry() {
            FailurePolicy twoRetries = policy(2, -1, false, false, false);
            assertThat(OutcomeClassifier.decide(batch(3, 0, NOW, 1), FUNCTION_ERROR, twoRetries, NOW).action())
                    .isEqualTo(Decision.Action.RETRY);
            assertThat(OutcomeClassifier.decide(batch(3, 0, NOW, 2), FUNCTION_ERROR, twoRetries, NOW).action())
                    .isEqualTo(Decision.Action.RETRY);
            Decision exhausted = OutcomeClassifier.decide(batch(3, 0, NOW, 3), FUNCTION_ERROR, twoRetries, NOW);
            assertThat(exhausted.action()).isEqualTo(Decision.Action.DROP);
            assertThat(exhausted.condition()).isEqualTo(FailureCondition.RETRY_ATTEMPTS_EXHAUSTED);
        }

        @Test
        void zeroRetriesGivesUpAfterOneFunctionError() {
            Decision d =
                    OutcomeClassifier.decide(batch(3, 0, NOW, 1), FUNCTION_ERROR, policy(0, -1, false, false, true), NOW);
            assertThat(d.action()).isEqualTo(Decision.Action.DEAD_LETTER);
            assertThat(d.condition()).isEqualTo(FailureCondition.RETRY_ATTEMPTS_EXHAUSTED);
            assertThat(d.functionFailed()).isTrue();
        }

        @ParameterizedTest(name = "{0} {1}")
        @CsvSource({
            "429, TooManyRequestsException",
            "500, ServiceException",
            "502, EC2ThrottledException",
            "409, ResourceConflictException",
            "-1, ApiCallTimeoutException",
            "-1, SdkClientException",
        })
        void invocationFailuresNeverUseUpTheRetries(int status, String code) {
            // AWS: MaximumRetryAttempts counts the times Lambda retries "when your function returns an error"; a
            // function that never ran (throttled, Lambda's 5xx, no answer) is retried until the records are too old.
            InvokeResult failure = InvokeResult.requestFailure(status, code, "m");
            Decision d = OutcomeClassifier.decide(batch(5, 0, NOW, 50, 0), failure, policy(2, -1, false, false, true),
                    NOW);
            assertThat(d.action()).isEqualTo(Decision.Action.RETRY);
            assertThat(d.delivered()).isZero();
            assertThat(d.functionFailed()).isFalse();
        }

        @Test
        void aThirdFunctionErrorAfterFiftyThrottlesDrops() {
            Decision d = OutcomeClassifier.decide(batch(5, 0, NOW, 52, 2), FUNCTION_ERROR,
                    policy(2, -1, false, false, false), NOW);
            assertThat(d.action()).isEqualTo(Decision.Action.DROP);
            assertThat(d.condition()).isEqualTo(FailureCondition.RETRY_ATTEMPTS_EXHAUSTED);
        }

        @Test
        void throttlesOfRecordsOlderThanTheMaximumAgeGiveUpWithADestination() {
            FailurePolicy oneMinute = policy(2, 60, false, false, true);
            Decision old = OutcomeClassifier.decide(batch(3, 0, NOW - 61_000, 50, 0), THROTTLED, oneMinute, NOW);
            assertThat(old.action()).isEqualTo(Decision.Action.DEAD_LETTER);
            assertThat(old.condition()).isEqualTo(FailureCondition.RECORD_AGE_EXCEEDED);
            assertThat(OutcomeClassifier.tooOld(batch(3, 0, NOW - 61_000, 0, 0), oneMinute).condition())
                    .isEqualTo(FailureCondition.RECORD_AGE_EXCEEDED);
        }

        @Test
        void withADestinationInfiniteRetriesAreCappedAtTen() {
            FailurePolicy infiniteWithDestination = policy(-1, -1, false, false, true);
            assertThat(infiniteWithDestination.maxRetryAttempts()).isEqualTo(10);
            assertThat(OutcomeClassifier.decide(batch(3, 0, NOW, 10), FUNCTION_ERROR, infiniteWithDestination, NOW)
                    .action()).isEqualTo(Decision.Action.RETRY);
            assertThat(OutcomeClassifier.decide(batch(3, 0, NOW, 11), FUNCTION_ERROR, infiniteWithDestination, NOW)
                    .action()).isEqualTo(Decision.Action.DEAD_LETTER);
        }

        @Test
        void recordsOlderThanTheMaximumAgeAreGivenUp() {
            FailurePolicy oneMinute = policy(-1, 60, false, false, false);
            assertThat(OutcomeClassifier.decide(batch(3, 0, NOW - 59_000, 1), THROTTLED, oneMinute, NOW).action())
                    .isEqualTo(Decision.Action.RETRY);
            Decision old = OutcomeClassifier.decide(batch(3, 0, NOW - 61_000, 1), THROTTLED, oneMinute, NOW);
            assertThat(old.action()).isEqualTo(Decision.Action.DROP);
            assertThat(old.condition()).isEqualTo(FailureCondition.RECORD_AGE_EXCEEDED);
        }
    }

    @Nested
    class Bisect {
        private final FailurePolicy bisecting = policy(-1, -1, true, false, true);

        @Test
        void aFunctionErrorSplitsTheBatch() {
            assertThat(OutcomeClassifier.decide(batch(4, 0, NOW, 1), FUNCTION_ERROR, bisecting, NOW).action())
                    .isEqualTo(Decision.Action.BISECT);
        }

        @Test
        void throttlingSaysNothingAboutTheRecordsAndIsRetriedWhole() {
            assertThat(OutcomeClassifier.decide(batch(4, 0, NOW, 1), THROTTLED, bisecting, NOW).action())
                    .isEqualTo(Decision.Action.RETRY);
        }

        @Test
        void aSingleFailingRecordIsRetriedThenDeadLettered() {
            assertThat(OutcomeClassifier.decide(batch(1, 7, NOW, 1), FUNCTION_ERROR, bisecting, NOW).action())
                    .isEqualTo(Decision.Action.RETRY);
            assertThat(OutcomeClassifier.decide(batch(1, 7, NOW, 11), FUNCTION_ERROR, bisecting, NOW).action())
                    .isEqualTo(Decision.Action.DEAD_LETTER);
        }

        @Test
        void halvesKeepOrderAndStartAFreshRetryCount() {
            List<Batch> halves = batch(5, 10, NOW, 3).bisect(ENCODER);
            assertThat(halves.get(0).firstOffset()).isEqualTo(10);
            assertThat(halves.get(0).lastOffset()).isEqualTo(11);
            assertThat(halves.get(1).firstOffset()).isEqualTo(12);
            assertThat(halves.get(1).lastOffset()).isEqualTo(14);
            assertThat(halves).allSatisfy(h -> assertThat(h.attempts()).isZero());
            assertThat(halves).allSatisfy(h -> assertThat(h.functionErrors()).isZero());
            assertThat(halves).allSatisfy(h -> assertThat(ENCODER.event(h.records())).hasSize((int) h.eventBytes()));
        }
    }

    @Nested
    class ReportBatchItemFailures {
        private final FailurePolicy itemFailures = policy(-1, -1, false, true, false);

        private InvokeResult response(String json) {
            return InvokeResult.success(200, json.getBytes(StandardCharsets.UTF_8), "$LATEST");
        }

        @Test
        void recordsBeforeTheFirstFailureAreDoneAndTheRestRetried() {
            Decision d = OutcomeClassifier.decide(batch(5, 40, NOW, 1), response(
                    "{\"batchItemFailures\":[{\"itemIdentifier\":{\"partition\":\"orders-2\",\"offset\":44}},"
                            + "{\"itemIdentifier\":{\"partition\":\"orders-2\",\"offset\":42}}]}"),
                    itemFailures, NOW);
            assertThat(d.delivered()).isEqualTo(2);
            assertThat(d.action()).isEqualTo(Decision.Action.RETRY);
        }

        @Test
        void withBisectTooAPartialAnswerRetriesTheRestAsOneBatch() {
            // The function named the failed record: retry from it, whole; halving is for a function error.
            Decision d = OutcomeClassifier.decide(batch(5, 40, NOW, 1), response(
                    "{\"batchItemFailures\":[{\"itemIdentifier\":{\"partition\":\"orders-2\",\"offset\":42}}]}"),
                    policy(-1, -1, true, true, true), NOW);
            assertThat(d.delivered()).isEqualTo(2);
            assertThat(d.action()).isEqualTo(Decision.Action.RETRY);
            assertThat(d.functionFailed()).isTrue();
        }

        @Test
        void withBisectTooAPartialAnswerNamingTheFirstRecordRetriesTheWholeBatch() {
            Decision d = OutcomeClassifier.decide(batch(5, 40, NOW, 1), response(
                    "{\"batchItemFailures\":[{\"itemIdentifier\":{\"partition\":\"orders-2\",\"offset\":40}}]}"),
                    policy(-1, -1, true, true, true), NOW);
            assertThat(d.delivered()).isZero();
            assertThat(d.action()).isEqualTo(Decision.Action.RETRY);
        }

        @Test
        void withBisectTooAnAnswerNamingNothingInTheBatchStillHalves() {
            FailurePolicy both = policy(-1, -1, true, true, true);
            for (String invalid : List.of(
                    "{\"batchItemFailures\":[{\"itemIdentifier\":{\"partition\":\"orders-2\",\"offset\":99}}]}",
                    "not json")) {
                Decision d = OutcomeClassifier.decide(batch(5, 40, NOW, 1), response(invalid), both, NOW);
                assertThat(d.delivered()).isZero();
                assertThat(d.action()).isEqualTo(Decision.Action.BISECT);
                assertThat(d.functionFailed()).isTrue();
            }
        }

        @Test
        void anEmptyListIsSuccess() {
            Decision d = OutcomeClassifier.decide(batch(5, 40, NOW, 1), response("{\"batchItemFailures\":[]}"),
                    itemFailures, NOW);
            assertThat(d.delivered()).isEqualTo(5);
            assertThat(d.action()).isEqualTo(Decision.Action.NONE);
        }

        @Test
        void anIdentifierNotInTheBatchFailsTheWholeBatch() {
            Decision d = OutcomeClassifier.decide(batch(5, 40, NOW, 1), response(
                    "{\"batchItemFailures\":[{\"itemIdentifier\":{\"partition\":\"orders-2\",\"offset\":99}}]}"),
                    itemFailures, NOW);
            assertThat(d.delivered()).isZero();
            assertThat(d.action()).isEqualTo(Decision.Action.RETRY);
        }

        @Test
        void withoutTheResponseTypeTheBodyIsIgnored() {
            Decision d = OutcomeClassifier.decide(batch(5, 40, NOW, 1), response(
                    "{\"batchItemFailures\":[{\"itemIdentifier\":{\"partition\":\"orders-2\",\"offset\":42}}]}"),
                    DEFAULTS, NOW);
            assertThat(d.delivered()).isEqualTo(5);
        }

        @Test
        void theRemainderKeepsTheRetryCount() {
            Batch failing = batch(5, 40, NOW, 3, 1);
            Batch rest = failing.remainderFrom(2, ENCODER);
            assertThat(rest.firstOffset()).isEqualTo(42);
            assertThat(rest.attempts()).isEqualTo(3);
            assertThat(rest.functionErrors()).isEqualTo(1);
            assertThat(ENCODER.event(rest.records())).hasSize((int) rest.eventBytes());
        }
    }

    @Nested
    class PayloadTooLarge {
        @Test
        void goesToTheDestinationWhenThereIsOne() {
            Decision d = OutcomeClassifier.tooLarge(batch(1, 0, NOW, 1), policy(-1, -1, false, false, true),
                    "too big");
            assertThat(d.action()).isEqualTo(Decision.Action.DEAD_LETTER);
            assertThat(d.condition()).isEqualTo(FailureCondition.MAXIMUM_PAYLOAD_SIZE_EXCEEDED);
        }

        @Test
        void stopsThePartitionWithoutOne() {
            Decision d = OutcomeClassifier.tooLarge(batch(1, 0, NOW, 1), DEFAULTS, "too big");
            assertThat(d.action()).isEqualTo(Decision.Action.STALL);
            assertThat(d.reason()).contains("no on-failure destination is set");
        }

        @Test
        void aRefusedBatchOfSeveralRecordsIsSplitNotGivenUp() {
            InvokeResult tooLarge = InvokeResult.requestFailure(413, "RequestTooLargeException", "big");
            for (FailurePolicy policy : List.of(DEFAULTS, policy(-1, -1, false, false, true))) {
                Decision d = OutcomeClassifier.decide(batch(4, 0, NOW, 1), tooLarge, policy, NOW);
                assertThat(d.action()).isEqualTo(Decision.Action.BISECT);
                assertThat(d.delivered()).isZero();
            }
        }

        @Test
        void aServiceRefusalForSizeIsTreatedTheSame() {
            InvokeResult tooLarge = InvokeResult.requestFailure(413, "RequestEntityTooLargeException", "big");
            assertThat(OutcomeClassifier.decide(batch(1, 0, NOW, 1), tooLarge, DEFAULTS, NOW).action())
                    .isEqualTo(Decision.Action.STALL);
        }
    }

    @Test
    void aMissingFunctionStopsTheMapping() {
        InvokeResult notFound = InvokeResult.requestFailure(404, "ResourceNotFoundException", "Function not found");
        Decision d = OutcomeClassifier.decide(batch(1, 0, NOW, 1), notFound, DEFAULTS, NOW);
        assertThat(d.action()).isEqualTo(Decision.Action.STOP_MAPPING);
        assertThat(d.reason()).isEqualTo("ResourceNotFoundException (HTTP 404): Function not found");
    }
}
