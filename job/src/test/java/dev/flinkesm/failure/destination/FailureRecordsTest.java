package dev.flinkesm.failure.destination;

import static dev.flinkesm.failure.destination.FailedBatches.BOOTSTRAP;
import static dev.flinkesm.failure.destination.FailedBatches.FUNCTION_ARN;
import static dev.flinkesm.failure.destination.FailedBatches.MSK;
import static dev.flinkesm.failure.destination.FailedBatches.MSK_ARN;
import static dev.flinkesm.failure.destination.FailedBatches.SELF_MANAGED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkesm.payload.EncodedRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class FailureRecordsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    static JsonNode parse(byte[] json) throws Exception {
        return MAPPER.readTree(json);
    }

    static JsonNode parse(String json) throws Exception {
        return MAPPER.readTree(json);
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Nested
    class TheBatchRecordForSqsAndSns {

        @Test
        void hasAwsTopLevelFieldsInAwsOrderAndNoPayload() throws Exception {
            JsonNode r = parse(FailureRecords.batchRecord(FailedBatches.exhausted(SELF_MANAGED, 3)));

            assertThat(fieldNames(r))
                    .containsExactly("requestContext", "responseContext", "version", "timestamp", "KafkaBatchInfo");
            assertThat(r.get("version").asText()).isEqualTo("1.0");
            assertThat(r.get("timestamp").asText()).isEqualTo("2024-03-05T07:08:09.010Z");
        }

        @Test
        void requestContextNamesTheFunctionTheConditionAndTheInvokeCount() throws Exception {
            FailedBatch batch = FailedBatches.exhausted(SELF_MANAGED, 3);
            JsonNode rc = parse(FailureRecords.batchRecord(batch)).get("requestContext");

            assertThat(fieldNames(rc))
                    .containsExactly("requestId", "functionArn", "condition", "approximateInvokeCount");
            assertThat(rc.get("requestId").asText()).isEqualTo(batch.requestId());
            assertThat(rc.get("functionArn").asText()).isEqualTo(FUNCTION_ARN);
            assertThat(rc.get("condition").asText()).isEqualTo("RetryAttemptsExhausted");
            assertThat(rc.get("approximateInvokeCount").isInt()).isTrue();
            assertThat(rc.get("approximateInvokeCount").asInt()).isEqualTo(3);
        }

        @Test
        void responseContextCarriesTheLastInvokesAnswer() throws Exception {
            JsonNode rc = parse(FailureRecords.batchRecord(FailedBatches.exhausted(SELF_MANAGED, 3)))
                    .get("responseContext");

            assertThat(fieldNames(rc)).containsExactly("statusCode", "executedVersion", "functionError");
            assertThat(rc.get("statusCode").isInt()).isTrue();
            assertThat(rc.get("statusCode").asInt()).isEqualTo(200);
            assertThat(rc.get("executedVersion").asText()).isEqualTo("$LATEST");
            assertThat(rc.get("functionError").asText()).isEqualTo("Unhandled");
        }

        @Test
        void kafkaBatchInfoDescribesThePartitionWithStringOffsetsAndIsoTimestamps() throws Exception {
            FailedBatch batch = FailedBatches.exhausted(SELF_MANAGED, 3);
            JsonNode info = parse(FailureRecords.batchRecord(batch)).get("KafkaBatchInfo");

            assertThat(fieldNames(info))
                    .containsExactly("batchSize", "bootstrapServers", "payloadSize", "recordsInfo");
            assertThat(info.get("batchSize").asInt()).isEqualTo(3);
            assertThat(info.get("bootstrapServers").asText()).isEqualTo(BOOTSTRAP);
            assertThat(info.get("payloadSize").asLong()).isEqualTo(batch.event().length);
            assertThat(fieldNames(info.get("recordsInfo"))).containsExactly("orders-3");
            JsonNode p = info.get("recordsInfo").get("orders-3");
            assertThat(fieldNames(p)).containsExactly(
                    "firstRecordOffset", "lastRecordOffset", "firstRecordTimestamp", "lastRecordTimestamp");
            assertThat(p.get("firstRecordOffset").isTextual()).isTrue();
            assertThat(p.get("firstRecordOffset").asText()).isEqualTo("40");
            assertThat(p.get("lastRecordOffset").asText()).isEqualTo("42");
            assertThat(p.get("firstRecordTimestamp").asText()).isEqualTo("2024-03-05T07:00:00.000Z");
            assertThat(p.get("lastRecordTimestamp").asText()).isEqualTo("2024-03-05T07:00:02.000Z");
        }

        @Test
        void anMskBatchAlsoNamesTheClusterArn() throws Exception {
            JsonNode info = parse(FailureRecords.batchRecord(FailedBatches.exhausted(MSK, 1))).get("KafkaBatchInfo");

            assertThat(fieldNames(info))
                    .containsExactly("batchSize", "eventSourceArn", "bootstrapServers", "payloadSize", "recordsInfo");
            assertThat(info.get("eventSourceArn").asText()).isEqualTo(MSK_ARN);
        }

        @Test
        void anOversizedRecordHasAnAllNullResponseContextAndNoInvokes() throws Exception {
            JsonNode r = parse(FailureRecords.batchRecord(FailedBatches.oversized(SELF_MANAGED)));

            assertThat(r.get("requestContext").get("condition").asText()).isEqualTo("MaximumPayloadSizeExceeded");
            assertThat(r.get("requestContext").get("approximateInvokeCount").asInt()).isZero();
            JsonNode rc = r.get("responseContext");
            assertThat(fieldNames(rc)).containsExactly("statusCode", "executedVersion", "functionError");
            assertThat(rc.get("statusCode").isNull()).isTrue();
            assertThat(rc.get("executedVersion").isNull()).isTrue();
            assertThat(rc.get("functionError").isNull()).isTrue();
        }

        @Test
        void anOversizedRecordCannotClaimAResponse() {
            EncodedRecord r = FailedBatches.records(SELF_MANAGED, 1).get(0);
            assertThatThrownBy(() -> FailedBatch.afterInvokes(SELF_MANAGED, FUNCTION_ARN, List.of(r),
                            FailureCondition.MAXIMUM_PAYLOAD_SIZE_EXCEEDED, 0, 200, null, null,
                            FailedBatches.FAILED_AT))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("response context is all null");
        }

        @Test
        void aBatchSpanningTwoPartitionsIsRefused() {
            List<EncodedRecord> records = new ArrayList<>(FailedBatches.records(SELF_MANAGED, 1));
            EncodedRecord other = records.get(0);
            records.add(EncodedRecord.restore("orders", 4, 1, 0, null, other.json()));
            assertThatThrownBy(() -> FailedBatch.afterInvokes(SELF_MANAGED, FUNCTION_ARN, records,
                            FailureCondition.RETRY_ATTEMPTS_EXHAUSTED, 1, 200, null, null, FailedBatches.FAILED_AT))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not of orders-3");
        }
    }

    @Nested
    class TheS3Record {

        @Test
        void isTheBatchRecordPlusThePayloadAsAnEscapedJsonString() throws Exception {
            FailedBatch batch = FailedBatches.exhausted(MSK, 3);
            JsonNode s3 = parse(FailureRecords.s3Record(batch));
            JsonNode plain = parse(FailureRecords.batchRecord(batch));

            assertThat(fieldNames(s3)).containsExactly(
                    "requestContext", "responseContext", "version", "timestamp", "KafkaBatchInfo", "payload");
            ((com.fasterxml.jackson.databind.node.ObjectNode) s3).remove("payload");
            assertThat(s3).isEqualTo(plain);

            JsonNode payload = parse(FailureRecords.s3Record(batch)).get("payload");
            assertThat(payload.isTextual()).isTrue();
            assertThat(payload.asText().getBytes(StandardCharsets.UTF_8)).isEqualTo(batch.event());
        }

        @Test
        void payloadDecodesToTheOriginalRecords() throws Exception {
            FailedBatch batch = FailedBatches.exhausted(SELF_MANAGED, 3);
            JsonNode event = parse(parse(FailureRecords.s3Record(batch)).get("payload").asText());

            assertThat(event.get("eventSource").asText()).isEqualTo("SelfManagedKafka");
            JsonNode records = event.get("records").get("orders-3");
            assertThat(records).hasSize(3);
            for (int i = 0; i < 3; i++) {
                JsonNode r = records.get(i);
                assertThat(r.get("offset").asLong()).isEqualTo(40 + i);
                assertThat(new String(Base64.getDecoder().decode(r.get("value").asText()), StandardCharsets.UTF_8))
                        .isEqualTo("value-" + (40 + i));
            }
            assertThat(records.get(1).has("key")).isFalse();
            assertThat(new String(Base64.getDecoder().decode(records.get(2).get("key").asText()),
                    StandardCharsets.UTF_8)).isEqualTo("key-42");
        }
    }

    @Nested
    class TheKafkaTopicRecord {

        @Test
        void describesOneRecordWithRecordInfoAndBatchSizeOne() throws Exception {
            FailedBatch batch = FailedBatches.exhausted(MSK, 3);
            EncodedRecord second = batch.records().get(1);
            JsonNode r = parse(FailureRecords.kafkaRecord(batch, second));

            assertThat(fieldNames(r)).containsExactly(
                    "requestContext", "responseContext", "version", "timestamp", "KafkaBatchInfo", "payload");
            assertThat(r.get("requestContext").get("condition").asText()).isEqualTo("RetryAttemptsExhausted");
            JsonNode info = r.get("KafkaBatchInfo");
            assertThat(fieldNames(info))
                    .containsExactly("batchSize", "eventSourceArn", "bootstrapServers", "payloadSize", "recordInfo");
            assertThat(info.get("batchSize").asInt()).isEqualTo(1);
            assertThat(info.get("payloadSize").asLong()).isEqualTo(MSK.singleRecordEvent(second).length);
            assertThat(fieldNames(info.get("recordInfo"))).containsExactly("offset", "timestamp");
            assertThat(info.get("recordInfo").get("offset").asText()).isEqualTo("41");
            assertThat(info.get("recordInfo").get("timestamp").asText()).isEqualTo("2024-03-05T07:00:01.000Z");
        }

        @Test
        void payloadIsTheOneRecordEventAsAnObjectByteForByte() throws Exception {
            FailedBatch batch = FailedBatches.exhausted(MSK, 3);
            EncodedRecord third = batch.records().get(2);
            byte[] message = FailureRecords.kafkaRecord(batch, third);
            JsonNode payload = parse(message).get("payload");

            assertThat(payload.isObject()).isTrue();
            assertThat(payload).isEqualTo(parse(MSK.singleRecordEvent(third)));
            assertThat(new String(message, StandardCharsets.UTF_8))
                    .endsWith("\"payload\":" + new String(MSK.singleRecordEvent(third), StandardCharsets.UTF_8) + "}");
            assertThat(payload.get("eventSource").asText()).isEqualTo("aws:kafka");
            assertThat(payload.get("records").get("orders-3")).hasSize(1);
            assertThat(payload.get("records").get("orders-3").get(0).get("offset").asLong()).isEqualTo(42);
        }
    }

    @Test
    void timestampsAlwaysCarryMillisecondsInUtc() {
        assertThat(FailureRecords.isoMillis(0L)).isEqualTo("1970-01-01T00:00:00.000Z");
        assertThat(FailureRecords.isoMillis(-1L)).isEqualTo("1969-12-31T23:59:59.999Z");
    }
}
