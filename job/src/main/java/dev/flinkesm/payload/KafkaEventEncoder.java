package dev.flinkesm.payload;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import static dev.flinkesm.payload.JsonBytes.ascii;
import static dev.flinkesm.payload.JsonBytes.digits;
import static dev.flinkesm.payload.JsonBytes.escapedLength;
import static dev.flinkesm.payload.JsonBytes.put;
import static dev.flinkesm.payload.JsonBytes.putEscaped;
import static dev.flinkesm.payload.JsonBytes.putLong;
import static dev.flinkesm.payload.JsonBytes.quoted;

/**
 * Encodes Kafka records into the event Lambda's own Kafka poller sends to a function, byte for byte:
 *
 * <pre>{@code
 * {"eventSource":"SelfManagedKafka","bootstrapServers":"b-2.demo:9092,b-1.demo:9092",
 *  "records":{"mytopic-0":[{"topic":"mytopic","partition":0,"offset":15,"timestamp":1545084650987,
 *    "timestampType":"CREATE_TIME","key":"a2V5","value":"SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==",
 *    "headers":[{"headerKey":[104,101,97,100,101,114,86,97,108,117,101]}]}]}}
 * }</pre>
 *
 * (without the line breaks). For MSK the top level is {@code "eventSource":"aws:kafka","eventSourceArn":"...",
 * "bootstrapServers":"..."}, the order of AWS's MSK example event (docs.aws.amazon.com/lambda/latest/dg/with-msk.html,
 * "Example event").
 *
 * <p>Within a record: topic, partition, offset, timestamp, timestampType, key, value, headers. timestampType is the
 * {@link TimestampType} enum constant's {@code name()} ({@code CREATE_TIME}, {@code LOG_APPEND_TIME}, and
 * {@code NO_TIMESTAMP_TYPE} passed through), not its {@code name} field, which holds {@code CreateTime} etc. Key and
 * value are standard base64 with padding. Headers are an array of one-entry objects in record order, duplicates kept,
 * each value the header bytes as signed integers (-128..127); {@code "headers":[]} when there are none. Strings
 * (topic, header keys, bootstrap servers, ARN) are escaped as Jackson does by default: {@code \"}, {@code \\},
 * {@code \b \f \n \r \t}, <code>&#92;u00XX</code> (upper-case hex) for other control characters, everything else
 * as raw UTF-8 (an unpaired surrogate becomes {@code ?}, as {@link String#getBytes} does). Characters outside the BMP
 * are written as 4-byte UTF-8; Jackson's UTF-8 generator would by default write them as an escaped surrogate pair
 * (6+6 bytes) unless {@code JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8} is on. Both parse to the same
 * string; which one Lambda's poller writes is not documented. Kafka topic names are ASCII by rule, so this can only
 * concern header keys.
 *
 * <h2>Nulls: decisions and evidence</h2>
 *
 * <ul>
 *   <li><b>Keyless record</b>: no {@code key} field. The example events of AWS's Lambda developer guide
 *       (docs.aws.amazon.com/lambda/latest/dg/with-kafka.html and with-msk.html, "Example event") have shown a
 *       record without one beside keyed ones, and aws-powertools/powertools-lambda-python PR #6523 made {@code key}
 *       optional in its Kafka model after keyless records from a Kafka trigger failed its validation. README.md,
 *       "What the function receives", says so to users.
 *   <li><b>Tombstone (null value)</b>: no {@code value} field. AWS's docs show no tombstone example. The evidence is
 *       aws-powertools/powertools-lambda-typescript: issue #4988 first assumed {@code "value":null} and was fixed for
 *       it (PR #4991), then the same reporter, consuming real MSK tombstones, filed follow-up #5016 ("message value =
 *       undefined", i.e. the property is absent), fixed by PR #5017 "handle tombstone events without value". The
 *       poller therefore omits null fields, as it does for a null key. An empty (zero-length) value is not a
 *       tombstone: it is sent as {@code "value":""}.
 *   <li><b>Header with a null value</b>: the header's entry is an empty object {@code {}}, kept in its place in the
 *       array. Evidence: Nike-Inc/hal PR #144 "support null headers" (2026), whose description shows a real event with
 *       {@code "headers":[{"traceparent":[...]},{"baggage":[...]},{}]} for a record whose {@code tracestate} header
 *       was null: the same null-omitting serialisation as for the value.
 * </ul>
 *
 * <h2>Performance</h2>
 *
 * This is the job's hottest path, so it writes straight to exact-size byte arrays: each record's size is computed
 * first, the array allocated once and filled; constant fragments are precomputed ASCII; numbers, base64, header
 * bytes and strings are written by {@link JsonBytes}.
 * {@link #event} for one topic-partition computes the exact size with {@link #eventSize}, allocates once and copies the
 * records' JSON in.
 *
 * <p>Thread-safety: instances are immutable apart from a benign single-entry topic cache; they can be shared.
 */
public final class KafkaEventEncoder implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final byte[] GROUP_OPEN = RecordJson.GROUP_OPEN;
    private static final byte[] EVENT_END = ascii("}}");

    private final EventSourceKind kind;
    private final String bootstrapServers;
    private final String eventSourceArn;
    /** Everything up to and including {@code "records":{}. */
    private final byte[] prefix;

    /** Last topic seen and its escaped bytes (without quotes). Racy but safe: the holder is immutable. */
    private transient TopicBytes lastTopic;

    public KafkaEventEncoder(EventSourceKind kind, String bootstrapServers, String eventSourceArn) {
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
        sb.append(quoted(kind.eventSource()));
        if (eventSourceArn != null) {
            sb.append(",\"eventSourceArn\":");
            sb.append(quoted(eventSourceArn));
        }
        sb.append(",\"bootstrapServers\":");
        sb.append(quoted(bootstrapServers));
        sb.append(",\"records\":{");
        this.prefix = utf8(sb.toString());
    }

    public EventSourceKind kind() {
        return kind;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The MSK cluster ARN; {@code null} for self-managed Kafka. */
    public String eventSourceArn() {
        return eventSourceArn;
    }

    // ------------------------------------------------------------------------------------------------ records

    /** Encodes one record as the JSON object Lambda puts in a {@code records} list. */
    public EncodedRecord encode(ConsumerRecord<byte[], byte[]> record) {
        return RecordJson.encode(record, topicBytes(record.topic()));
    }

    // ------------------------------------------------------------------------------------------------- events

    /**
     * The exact byte length {@link #event} produces for {@code recordCount} records of one topic-partition whose
     * {@link EncodedRecord#size()}s sum to {@code sumOfRecordSizes}. For {@code recordCount == 0} it is the size of
     * the event with no records ({@code "records":{}}).
     */
    public long eventSize(String topic, int partition, int recordCount, long sumOfRecordSizes) {
        if (recordCount < 0 || sumOfRecordSizes < 0) {
            throw new IllegalArgumentException("negative count or size");
        }
        if (recordCount == 0) {
            return prefix.length + EVENT_END.length;
        }
        return prefix.length + groupOverhead(topicBytes(topic).length, partition, recordCount) + sumOfRecordSizes
                + EVENT_END.length;
    }

    /** {@code "topic-partition":[} + commas + {@code ]}, for a group of {@code n >= 1} records. */
    private static long groupOverhead(int escapedTopicLength, int partition, int n) {
        return 1L + escapedTopicLength + 1 + digits(partition) + GROUP_OPEN.length + (n - 1) + 1;
    }

    /**
     * The full event for these records: grouped under {@code "<topic>-<partition>"} keys in first-seen order, each
     * group's records in list order.
     */
    public byte[] event(List<EncodedRecord> records) {
        int n = records.size();
        if (n == 0) {
            byte[] out = new byte[prefix.length + EVENT_END.length];
            put(out, put(out, 0, prefix), EVENT_END);
            return out;
        }
        EncodedRecord first = records.get(0);
        String topic = first.topic();
        int partition = first.partition();
        long sum = 0;
        boolean onePartition = true;
        for (int i = 0; i < n; i++) {
            EncodedRecord r = records.get(i);
            if (r.partition() != partition || !topic.equals(r.topic())) {
                onePartition = false;
                break;
            }
            sum += r.size();
        }
        if (!onePartition) {
            return multiPartitionEvent(records);
        }
        long size = eventSize(topic, partition, n, sum);
        byte[] out = new byte[checkedArraySize(size)];
        int p = put(out, 0, prefix);
        p = putGroup(out, p, topic, partition, records);
        p = put(out, p, EVENT_END);
        if (p != out.length) {
            throw new IllegalStateException("size computed " + out.length + " but wrote " + p);
        }
        return out;
    }

    /** The event for one record alone, e.g. for a dead-letter message. */
    public byte[] singleRecordEvent(EncodedRecord r) {
        return event(List.of(r));
    }

    private byte[] multiPartitionEvent(List<EncodedRecord> records) {
        Map<PartitionKey, List<EncodedRecord>> groups = new LinkedHashMap<>();
        for (EncodedRecord r : records) {
            groups.computeIfAbsent(new PartitionKey(r.topic(), r.partition()), k -> new ArrayList<>()).add(r);
        }
        long size = prefix.length + EVENT_END.length + (groups.size() - 1);
        for (Map.Entry<PartitionKey, List<EncodedRecord>> e : groups.entrySet()) {
            List<EncodedRecord> group = e.getValue();
            size += groupOverhead(escapedLength(e.getKey().topic), e.getKey().partition, group.size());
            for (EncodedRecord r : group) {
                size += r.size();
            }
        }
        byte[] out = new byte[checkedArraySize(size)];
        int p = put(out, 0, prefix);
        boolean firstGroup = true;
        for (Map.Entry<PartitionKey, List<EncodedRecord>> e : groups.entrySet()) {
            if (!firstGroup) {
                out[p++] = ',';
            }
            firstGroup = false;
            p = putGroup(out, p, e.getKey().topic, e.getKey().partition, e.getValue());
        }
        p = put(out, p, EVENT_END);
        if (p != out.length) {
            throw new IllegalStateException("size computed " + out.length + " but wrote " + p);
        }
        return out;
    }

    private int putGroup(byte[] out, int p, String topic, int partition, List<EncodedRecord> group) {
        out[p++] = '"';
        p = put(out, p, topicBytes(topic));
        out[p++] = '-';
        p = putLong(out, p, partition);
        p = put(out, p, GROUP_OPEN);
        for (int i = 0, n = group.size(); i < n; i++) {
            if (i > 0) {
                out[p++] = ',';
            }
            p = put(out, p, group.get(i).json());
        }
        out[p++] = ']';
        return p;
    }

    private static int checkedArraySize(long size) {
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("event of " + size + " bytes does not fit a Java array");
        }
        return (int) size;
    }

    private record PartitionKey(String topic, int partition) {}

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

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
