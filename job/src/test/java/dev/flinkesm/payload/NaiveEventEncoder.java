package dev.flinkesm.payload;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The obvious maps + ObjectMapper encoder: the reference the byte-level encoder must match exactly, and the baseline
 * in {@link KafkaEventEncoderBenchmark}. Test code only.
 */
final class NaiveEventEncoder {
    /**
     * Jackson's defaults, except that characters outside the BMP are written as 4-byte UTF-8 rather than as
     * {@code \\uD83D\\uDE00}-style escaped surrogate pairs (see {@link KafkaEventEncoder}'s javadoc).
     */
    private static final ObjectMapper MAPPER =
            JsonMapper.builder().enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();

    private final EventSourceKind kind;
    private final String bootstrapServers;
    private final String eventSourceArn;

    NaiveEventEncoder(EventSourceKind kind, String bootstrapServers, String eventSourceArn) {
        this.kind = kind;
        this.bootstrapServers = bootstrapServers;
        this.eventSourceArn = eventSourceArn;
    }

    static Map<String, Object> recordMap(ConsumerRecord<byte[], byte[]> r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("topic", r.topic());
        m.put("partition", r.partition());
        m.put("offset", r.offset());
        m.put("timestamp", r.timestamp());
        m.put("timestampType", r.timestampType().name());
        if (r.key() != null) {
            m.put("key", Base64.getEncoder().encodeToString(r.key()));
        }
        if (r.value() != null) {
            m.put("value", Base64.getEncoder().encodeToString(r.value()));
        }
        List<Map<String, Object>> headers = new ArrayList<>();
        for (Header h : r.headers()) {
            Map<String, Object> one = new LinkedHashMap<>();
            if (h.value() != null) {
                int[] ints = new int[h.value().length];
                for (int i = 0; i < ints.length; i++) {
                    ints[i] = h.value()[i];
                }
                one.put(h.key(), ints);
            }
            headers.add(one);
        }
        m.put("headers", headers);
        return m;
    }

    byte[] event(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("eventSource", kind.eventSource());
        if (eventSourceArn != null) {
            event.put("eventSourceArn", eventSourceArn);
        }
        event.put("bootstrapServers", bootstrapServers);
        Map<String, List<Object>> groups = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            groups.computeIfAbsent(r.topic() + "-" + r.partition(), k -> new ArrayList<>()).add(recordMap(r));
        }
        event.put("records", groups);
        try {
            return MAPPER.writeValueAsBytes(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
