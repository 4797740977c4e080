package dev.flinkesm.payload;

import java.io.Serializable;
import java.util.Objects;

/**
 * One Kafka record, already encoded as the JSON object Lambda puts in the event's {@code records} lists
 * ({@code {"topic":...,"headers":[...]}}). It is encoded once, when read, and the same bytes are reused for every
 * retry and for each half of a bisected batch.
 *
 * <p>The arrays are shared, not copied: neither the encoder nor callers may modify them.
 */
public final class EncodedRecord implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final int partition;
    private final long offset;
    private final long timestamp;
    private final byte[] key;
    private final byte[] json;

    EncodedRecord(String topic, int partition, long offset, long timestamp, byte[] key, byte[] json) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.key = key;
        this.json = Objects.requireNonNull(json, "json");
    }

    /**
     * Rebuilds a record from its parts, e.g. when restoring state. {@code json} must be bytes that
     * {@link KafkaEventEncoder#encode} produced for this record; nothing checks that.
     */
    public static EncodedRecord restore(
            String topic, int partition, long offset, long timestamp, byte[] key, byte[] json) {
        return new EncodedRecord(topic, partition, offset, timestamp, key, json);
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    public long offset() {
        return offset;
    }

    /** The Kafka record timestamp, milliseconds since the epoch (-1 when the record has none). */
    public long timestamp() {
        return timestamp;
    }

    /** The original key bytes, or {@code null} for a keyless record. Not a copy. */
    public byte[] key() {
        return key;
    }

    /** The record's JSON object, UTF-8. Not a copy. */
    public byte[] json() {
        return json;
    }

    /** {@code json().length}: what this record adds to an event, not counting the separating comma. */
    public int size() {
        return json.length;
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset + " (" + json.length + " B)";
    }
}
