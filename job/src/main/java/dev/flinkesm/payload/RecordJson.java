package dev.flinkesm.payload;

import static dev.flinkesm.payload.JsonBytes.ascii;
import static dev.flinkesm.payload.JsonBytes.base64Length;
import static dev.flinkesm.payload.JsonBytes.digits;
import static dev.flinkesm.payload.JsonBytes.escapedLength;
import static dev.flinkesm.payload.JsonBytes.put;
import static dev.flinkesm.payload.JsonBytes.putBase64;
import static dev.flinkesm.payload.JsonBytes.putEscaped;
import static dev.flinkesm.payload.JsonBytes.putLong;
import static dev.flinkesm.payload.JsonBytes.putSignedBytes;
import static dev.flinkesm.payload.JsonBytes.signedBytesLength;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;

/**
 * One record's JSON object, in the field order and format {@link KafkaEventEncoder} documents: its exact size first,
 * then one array filled once.
 */
final class RecordJson {
    private RecordJson() {}

    private static final byte[] TOPIC = ascii("{\"topic\":");
    private static final byte[] PARTITION = ascii(",\"partition\":");
    private static final byte[] OFFSET = ascii(",\"offset\":");
    private static final byte[] TIMESTAMP = ascii(",\"timestamp\":");
    private static final byte[] TIMESTAMP_TYPE = ascii(",\"timestampType\":\"");
    private static final byte[] KEY = ascii("\",\"key\":\"");
    private static final byte[] VALUE = ascii("\",\"value\":\"");
    private static final byte[] HEADERS = ascii("\",\"headers\":[");
    private static final byte[] RECORD_END = ascii("]}");
    static final byte[] GROUP_OPEN = ascii("\":[");
    private static final byte[][] TIMESTAMP_TYPES;

    static {
        TimestampType[] types = TimestampType.values();
        TIMESTAMP_TYPES = new byte[types.length][];
        for (TimestampType t : types) {
            TIMESTAMP_TYPES[t.ordinal()] = ascii(t.name());
        }
    }

    /**
     * {@code record} as the JSON object Lambda puts in a {@code records} list.
     *
     * @param topicBytes the record's topic, escaped, without quotes (the caller caches it)
     */
    static EncodedRecord encode(ConsumerRecord<byte[], byte[]> record, byte[] topicBytes) {
        String topic = record.topic();
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
        return new EncodedRecord(topic, partition, offset, timestamp, key, out);
    }

    private static long headerLength(Header h) {
        byte[] v = h.value();
        if (v == null) {
            return 2; // {}
        }
        // {"key":[v,v,v]}
        return 2L + escapedLength(h.key()) + GROUP_OPEN.length + 2 + signedBytesLength(v);
    }

    /** Followed in every record by at least {@code ]}} (RECORD_END), as {@link JsonBytes#putSignedBytes} needs. */
    private static int putHeader(byte[] out, int p, Header h) {
        byte[] v = h.value();
        out[p++] = '{';
        if (v != null) {
            out[p++] = '"';
            p = putEscaped(out, p, h.key());
            p = put(out, p, GROUP_OPEN);
            p = putSignedBytes(out, p, v);
            out[p++] = ']';
        }
        out[p++] = '}';
        return p;
    }
}
