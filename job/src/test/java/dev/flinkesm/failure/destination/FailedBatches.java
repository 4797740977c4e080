package dev.flinkesm.failure.destination;

import dev.flinkesm.payload.EncodedRecord;
import dev.flinkesm.payload.EventSourceKind;
import dev.flinkesm.payload.KafkaEventEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/** Failed batches for the destination tests: real encoded records, fixed times. */
final class FailedBatches {

    static final String FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:my-function";
    static final String BOOTSTRAP = "b-1.demo:9092,b-2.demo:9092";
    static final String MSK_ARN = "arn:aws:kafka:us-east-1:123456789012:cluster/demo/abc-1";
    static final Instant FAILED_AT = Instant.parse("2024-03-05T07:08:09.010Z");
    static final long FIRST_TIMESTAMP = Instant.parse("2024-03-05T07:00:00.000Z").toEpochMilli();

    static final KafkaEventEncoder SELF_MANAGED =
            new KafkaEventEncoder(EventSourceKind.SELF_MANAGED, BOOTSTRAP, null);
    static final KafkaEventEncoder MSK = new KafkaEventEncoder(EventSourceKind.MSK, BOOTSTRAP, MSK_ARN);

    private FailedBatches() {}

    /** {@code count} records of orders-3 from offset 40, keyed {@code key-<offset>} except offset 41 (keyless). */
    static List<EncodedRecord> records(KafkaEventEncoder encoder, int count) {
        List<EncodedRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long offset = 40 + i;
            byte[] key = offset == 41 ? null : utf8("key-" + offset);
            RecordHeaders headers = new RecordHeaders(List.of(new RecordHeader("h", new byte[] {1, -1})));
            records.add(encoder.encode(new ConsumerRecord<>("orders", 3, offset, FIRST_TIMESTAMP + 1000L * i,
                    TimestampType.CREATE_TIME, key == null ? -1 : key.length, 8, key, utf8("value-" + offset),
                    headers, Optional.empty())));
        }
        return records;
    }

    static FailedBatch exhausted(KafkaEventEncoder encoder, int count) {
        return FailedBatch.afterInvokes(encoder, FUNCTION_ARN, records(encoder, count),
                FailureCondition.RETRY_ATTEMPTS_EXHAUSTED, 3, 200, "$LATEST", "Unhandled", FAILED_AT);
    }

    static FailedBatch oversized(KafkaEventEncoder encoder) {
        return FailedBatch.payloadTooLarge(encoder, FUNCTION_ARN, records(encoder, 1).get(0), FAILED_AT);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
