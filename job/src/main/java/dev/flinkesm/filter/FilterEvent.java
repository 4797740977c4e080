package dev.flinkesm.filter;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The JSON document a record's filter patterns are matched against: the fields Lambda's Kafka event gives a record,
 * with {@code value} (and {@code key}) decoded instead of base64, plus two guard fields naming their {@link Shape}.
 *
 * <pre>{"topic":"t","partition":0,"offset":15,"timestamp":1545084650987,"timestampType":"CREATE_TIME",
 *  "value":{...} or "text","key":{...} or "text","headers":{"name":["v1","v2"]},
 *  "$esmValueShape":"json","$esmKeyShape":"string"}</pre>
 *
 * <p>{@code headers} is keyed by header name, each holding every UTF-8 value of that name in record order (a header
 * whose value is null or not UTF-8 contributes no value). A JSON value is spliced in as its own text, so numbers keep
 * the spelling event-ruler compares exactly ({@code 300} is not {@code 300.0}).
 *
 * <p>Not thread-safe: one per deserializer (task thread).
 */
final class FilterEvent {
    static final String VALUE_SHAPE = "$esmValueShape";
    static final String KEY_SHAPE = "$esmKeyShape";

    private static final JsonFactory JSON = new JsonFactory();

    private final boolean withValue;
    private final boolean withKey;
    private final boolean withHeaders;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    /** Leaves out (and never decodes) what no pattern names: most mappings filter on the value alone. */
    FilterEvent(boolean withValue, boolean withKey, boolean withHeaders) {
        this.withValue = withValue;
        this.withKey = withKey;
        this.withHeaders = withHeaders;
    }

    /** The filter event for {@code record}. */
    String of(ConsumerRecord<byte[], byte[]> record) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("topic", record.topic());
            g.writeNumberField("partition", record.partition());
            g.writeNumberField("offset", record.offset());
            g.writeNumberField("timestamp", record.timestamp());
            g.writeStringField("timestampType", record.timestampType().name());
            if (withValue) {
                g.writeStringField(VALUE_SHAPE, writeDecoded(g, "value", record.value()).tag());
            }
            if (withKey) {
                g.writeStringField(KEY_SHAPE, writeDecoded(g, "key", record.key()).tag());
            }
            if (withHeaders) {
                writeHeaders(g, record);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    private Shape writeDecoded(JsonGenerator g, String field, byte[] bytes) throws IOException {
        if (bytes == null) {
            return Shape.ABSENT;
        }
        String text = decode(bytes);
        if (text == null) {
            return Shape.BINARY;
        }
        g.writeFieldName(field);
        if (isJsonObject(text)) {
            g.writeRawValue(text);
            return Shape.JSON;
        }
        g.writeString(text);
        return Shape.STRING;
    }

    private void writeHeaders(JsonGenerator g, ConsumerRecord<byte[], byte[]> record) throws IOException {
        Map<String, List<String>> byName = new LinkedHashMap<>();
        for (Header h : record.headers()) {
            List<String> values = byName.computeIfAbsent(h.key(), k -> new ArrayList<>(1));
            String text = h.value() == null ? null : decode(h.value());
            if (text != null) {
                values.add(text);
            }
        }
        if (byName.isEmpty()) {
            return;
        }
        g.writeObjectFieldStart("headers");
        for (Map.Entry<String, List<String>> e : byName.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            g.writeArrayFieldStart(e.getKey());
            for (String v : e.getValue()) {
                g.writeString(v);
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /** The bytes as text, or null when they are not valid UTF-8. */
    String decode(byte[] bytes) {
        try {
            return utf8.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** True when {@code text} is exactly one JSON object (whitespace around it allowed). */
    static boolean isJsonObject(String text) {
        int i = 0;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        if (i == text.length() || text.charAt(i) != '{') {
            return false; // the common plain-string case, decided without a parser
        }
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }
}
