package dev.flinkesm.local.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

final class JsonNodes {
    private JsonNodes() {}

    /** How many records one invocation's request body carried, over all its topic-partitions. */
    static int recordCount(byte[] body) {
        try {
            int n = 0;
            for (JsonNode partition : new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).get("records")) {
                n += partition.size();
            }
            return n;
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A dead letter's {@code payload}: the one-record Lambda event of the failed record. */
    static void assertSingleRecordPayload(JsonNode payload, String topic, int partition, long offset, String value) {
        JsonNode records = payload.get("records").get(topic + "-" + partition);
        assertThat(records).hasSize(1);
        assertThat(records.get(0).get("offset").asLong()).isEqualTo(offset);
        assertThat(new String(Base64.getDecoder().decode(records.get(0).get("value").asText()), StandardCharsets.UTF_8))
                .isEqualTo(value);
    }
}
