package dev.flinkesm.failure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkesm.batch.Batch;
import dev.flinkesm.payload.EncodedRecord;
import dev.flinkesm.payload.EventSourceKind;
import dev.flinkesm.payload.KafkaEventEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BatchItemFailuresTest {
    private static final KafkaEventEncoder ENCODER =
            new KafkaEventEncoder(EventSourceKind.SELF_MANAGED, "b:9092", null);

    private static Batch offsets10To14() {
        List<EncodedRecord> records = new ArrayList<>();
        for (long o = 10; o < 15; o++) {
            records.add(ENCODER.encode(new ConsumerRecord<>("t", 0, o, null, new byte[1])));
        }
        return Batch.of(records, ENCODER);
    }

    /** -1: all succeeded; -2: not a valid answer for this batch (the whole batch failed); else the first failed index. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "''|-1",
        "null|-1",
        "{}|-1",
        "{\"batchItemFailures\":null}|-1",
        "{\"batchItemFailures\":[]}|-1",
        "{\"batchItemFailures\":[{\"itemIdentifier\":{\"partition\":\"t-0\",\"offset\":12}}]}|2",
        "{\"batchItemFailures\":[{\"itemIdentifier\":{\"partition\":\"t-0\",\"offset\":\"13\"}}]}|3",
        "{\"batchItemFailures\":[{\"itemIdentifier\":{\"partition\":\"t-0\",\"offset\":10}}]}|0",
        "{\"batchItemFailures\":[{\"itemIdentifier\":{\"partition\":\"t-0\",\"offset\":14}},"
                + "{\"itemIdentifier\":{\"partition\":\"t-0\",\"offset\":11}}]}|1",
        "{\"batchItemFailures\":[{\"itemIdentifier\":{\"partition\":\"t-0\",\"offset\":99}}]}|-2",
        "{\"batchItemFailures\":[{\"itemIdentifier\":{\"partition\":\"t-1\",\"offset\":12}}]}|-2",
        "{\"batchItemFailures\":[{\"itemIdentifier\":{\"partition\":\"t-0\"}}]}|-2",
        "{\"batchItemFailures\":[{\"itemIdentifier\":null}]}|-2",
        "{\"batchItemFailures\":[{\"itemIdentifier\":{\"partition\":\"t-0\",\"offset\":\"\"}}]}|-2",
        "not json|-2",
        "[1,2]|-2",
    })
    void theFirstFailedIndexFollowsAwsRules(String response, int expected) {
        assertThat(BatchItemFailures.firstFailedIndex(response.getBytes(StandardCharsets.UTF_8), offsets10To14()))
                .isEqualTo(expected);
    }
}
