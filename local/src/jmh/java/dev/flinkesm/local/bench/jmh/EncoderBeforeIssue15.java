package dev.flinkesm.local.bench.jmh;

import dev.flinkesm.payload.EncodedRecord;
import dev.flinkesm.payload.EventSourceKind;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;

/**
 * {@code KafkaEventEncoder}'s record path as it was before issue 15 (2026-12-02), kept only as the JMH baseline
 * the current encoder is compared with in the same run ({@link HotPathBenchmarks#encodeRecordBefore}). Not used by
 * the job.
 */
final class EncoderBeforeIssue15 implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final byte[] TOPIC = ascii("{\"topic\":");
    private static final byte[] PARTITION = ascii(",\"partition\":");
    private static final byte[] OFFSET = ascii(",\"offset\":");
    private static final byte[] TIMESTAMP = ascii(",\"timestamp\":");
    private static final byte[] TIMESTAMP_TYPE = ascii(",\"timestampType\":\"");
    private static final byte[] KEY = ascii("\",\"key\":\"");
    private static final byte[] VALUE = ascii("\",\"value\":\"");
    private static final byte[] HEADERS = ascii("\",\"headers\":[");
    private static final byte[] RECORD_END = ascii("]}");
    private static final byte[] GROUP_OPEN = ascii("\":[");
    private static final byte[] EVENT_END = ascii("}}");
    private static final byte[][] TIMESTAMP_TYPES;
    private static final byte[][] SIGNED_BYTES = new byte[256][];
    private static final Base64.Encoder BASE64_ENCODER = Base64.getEncoder();
    private static final byte[] HEX = ascii("0123456789ABCDEF");

    static {
        TimestampType[] types = TimestampType.values();
        TIMESTAMP_TYPES = new byte[types.length][];
        for (TimestampType t : types) {
            TIMESTAMP_TYPES[t.ordinal()] = ascii(t.name());
        }
        for (int i = 0; i < 256; i++) {
            SIGNED_BYTES[i] = ascii(Integer.toString((byte) i));
        }
    }

    private final EventSourceKind kind;
    private final String bootstrapServers;
    private final String eventSourceArn;
    /** Everything up to and including {@code "records":{}. */
    private final byte[] prefix;

    /** Last topic seen and its escaped bytes (without quotes). Racy but safe: the holder is immutable. */
    private transient TopicBytes lastTopic;

    EncoderBeforeIssue15(EventSourceKind kind, String bootstrapServers, String eventSourceArn) {
        this.kind = Objects.requireNonNull(kind, "kind");
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        if (kind == EventSourceKind.MSK && eventSourceArn == null) {
            throw new IllegalArgumentException("an MSK event source needs its eventSourceArn");
        }
        if (kind == EventSourceKind.SELF_MANAGED && eventSourceArn != null) {
            throw new IllegalArgumentException("a self-managed Kafka event carries no eventSourceArn");
        }
        this.eventSourceArn = eventSourceArn;
        StringBuilder sb = new StringBuilder(128).append("{\"eventSource\":");
        jsonString(sb, kind.eventSource());
        if (eventSourceArn != null) {
            sb.append(",\"eventSourceArn\":");
            jsonString(sb, eventSourceArn);
        }
        sb.append(",\"bootstrapServers\":");
        jsonString(sb, bootstrapServers);
        sb.append(",\"records\":{");
        this.prefix = utf8(sb.toString());
    }

    // ------------------------------------------------------------------------------------------------ records

    /** Encodes one record as the JSON object Lambda puts in a {@code records} list. */
    public EncodedRecord encode(ConsumerRecord<byte[], byte[]> record) {
        String topic = record.topic();
        byte[] topicBytes = topicBytes(topic);
        int partition = record.partition();
        long offset = record.offset();
        long timestamp = record.timestamp();
        byte[] tt = TIMESTAMP_TYPES[record.timestampType().ordinal()];
        byte[] key = record.key();
        byte[] value = record.value();
        Header[] headers = record.headers().toArray();

        long size = TOPIC.length + 2L + topicBytes.length
                + PARTITION.length + digits(partition)
                + OFFSET.length + digits(offset)
                + TIMESTAMP.length + digits(timestamp)
                + TIMESTAMP_TYPE.length + tt.length
                + (key == null ? 0 : KEY.length + base64Length(key.length))
                + (value == null ? 0 : VALUE.length + base64Length(value.length))
                + HEADERS.length + RECORD_END.length;
        for (int i = 0; i < headers.length; i++) {
            size += headerLength(headers[i]) + (i == 0 ? 0 : 1);
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("record " + topic + "-" + partition + "@" + offset
                    + " encodes to " + size + " bytes, more than a Java array holds");
        }

        byte[] out = new byte[(int) size];
        int p = put(out, 0, TOPIC);
        out[p++] = '"';
        p = put(out, p, topicBytes);
        out[p++] = '"';
        p = put(out, p, PARTITION);
        p = putLong(out, p, partition);
        p = put(out, p, OFFSET);
        p = putLong(out, p, offset);
        p = put(out, p, TIMESTAMP);
        p = putLong(out, p, timestamp);
        p = put(out, p, TIMESTAMP_TYPE);
        p = put(out, p, tt);
        if (key != null) {
            p = put(out, p, KEY);
            p = putBase64(out, p, key);
        }
        if (value != null) {
            p = put(out, p, VALUE);
            p = putBase64(out, p, value);
        }
        p = put(out, p, HEADERS);
        for (int i = 0; i < headers.length; i++) {
            if (i > 0) {
                out[p++] = ',';
            }
            p = putHeader(out, p, headers[i]);
        }
        p = put(out, p, RECORD_END);
        if (p != out.length) {
            throw new IllegalStateException("size computed " + out.length + " but wrote " + p);
        }
        return EncodedRecord.restore(topic, partition, offset, timestamp, key, out);
    }

    private static long headerLength(Header h) {
        byte[] v = h.value();
        if (v == null) {
            return 2; // {}
        }
        // {"key":[v,v,v]}
        long n = 1 + 1 + escapedLength(h.key()) + GROUP_OPEN.length + 2 + Math.max(0, v.length - 1);
        for (byte b : v) {
            n += SIGNED_BYTES[b & 0xFF].length;
        }
        return n;
    }

    private static int putHeader(byte[] out, int p, Header h) {
        byte[] v = h.value();
        out[p++] = '{';
        if (v != null) {
            out[p++] = '"';
            p = putEscaped(out, p, h.key());
            p = put(out, p, GROUP_OPEN);
            for (int i = 0; i < v.length; i++) {
                if (i > 0) {
                    out[p++] = ',';
                }
                int b = v[i];
                if (b < 0) {
                    out[p++] = '-';
                    b = -b;
                }
                if (b >= 100) {
                    out[p++] = '1';
                    b -= 100;
                    out[p++] = (byte) ('0' + b / 10);
                } else if (b >= 10) {
                    out[p++] = (byte) ('0' + b / 10);
                }
                out[p++] = (byte) ('0' + b % 10);
            }
            out[p++] = ']';
        }
        out[p++] = '}';
        return p;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static final class TopicBytes {
        final String topic;
        final byte[] escaped;

        TopicBytes(String topic, byte[] escaped) {
            this.topic = topic;
            this.escaped = escaped;
        }
    }

    private byte[] topicBytes(String topic) {
        TopicBytes cached = lastTopic;
        if (cached != null && (cached.topic == topic || cached.topic.equals(topic))) {
            return cached.escaped;
        }
        byte[] escaped = new byte[escapedLength(topic)];
        putEscaped(escaped, 0, topic);
        lastTopic = new TopicBytes(topic, escaped);
        return escaped;
    }

    private static int put(byte[] out, int p, byte[] src) {
        System.arraycopy(src, 0, out, p, src.length);
        return p + src.length;
    }

    static int base64Length(int n) {
        return ((n + 2) / 3) * 4;
    }

    /**
     * Standard base64 with padding, written at {@code out[p]}. {@link Base64.Encoder} only writes at offset 0, but it
     * is a JIT intrinsic (about 17x faster than a table loop on 1 KB here), so encoding into a scratch array and
     * copying is the fast way.
     */
    static int putBase64(byte[] out, int p, byte[] src) {
        if (src.length == 0) {
            return p;
        }
        byte[] encoded = BASE64_ENCODER.encode(src);
        System.arraycopy(encoded, 0, out, p, encoded.length);
        return p + encoded.length;
    }

    /** Decimal digits of {@code v}, including a minus sign. */
    static int digits(long v) {
        if (v < 0) {
            return v == Long.MIN_VALUE ? 20 : 1 + digits(-v);
        }
        long bound = 10;
        for (int d = 1; d < 19; d++) {
            if (v < bound) {
                return d;
            }
            bound *= 10;
        }
        return 19;
    }

    static int putLong(byte[] out, int p, long v) {
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                return put(out, p, ascii(Long.toString(v)));
            }
            out[p++] = '-';
            v = -v;
        }
        int end = p + digits(v);
        int q = end;
        do {
            out[--q] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        } while (v != 0);
        return end;
    }

    /** Length of {@code s} as the UTF-8 bytes of a JSON string body (no quotes), escaped as Jackson does. */
    static int escapedLength(String s) {
        int n = 0;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c == '"' || c == '\\') {
                    n += 2;
                } else if (c < 0x20) {
                    n += (c == '\b' || c == '\f' || c == '\n' || c == '\r' || c == '\t') ? 2 : 6;
                } else {
                    n += 1;
                }
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else if (Character.isSurrogate(c)) {
                n += 1; // unpaired surrogate: '?', as String.getBytes(UTF_8)
            } else {
                n += 3;
            }
        }
        return n;
    }

    static int putEscaped(byte[] out, int p, String s) {
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c >= 0x20 && c != '"' && c != '\\') {
                    out[p++] = (byte) c;
                } else {
                    out[p++] = '\\';
                    switch (c) {
                        case '"' -> out[p++] = '"';
                        case '\\' -> out[p++] = '\\';
                        case '\b' -> out[p++] = 'b';
                        case '\f' -> out[p++] = 'f';
                        case '\n' -> out[p++] = 'n';
                        case '\r' -> out[p++] = 'r';
                        case '\t' -> out[p++] = 't';
                        default -> {
                            out[p++] = 'u';
                            out[p++] = '0';
                            out[p++] = '0';
                            out[p++] = HEX[c >> 4];
                            out[p++] = HEX[c & 0xF];
                        }
                    }
                }
            } else if (c < 0x800) {
                out[p++] = (byte) (0xC0 | (c >> 6));
                out[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                out[p++] = (byte) (0xF0 | (cp >> 18));
                out[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                out[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                out[p++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                out[p++] = '?';
            } else {
                out[p++] = (byte) (0xE0 | (c >> 12));
                out[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return p;
    }

    private static void jsonString(StringBuilder sb, String s) {
        byte[] b = new byte[escapedLength(s)];
        putEscaped(b, 0, s);
        sb.append('"').append(new String(b, StandardCharsets.UTF_8)).append('"');
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
