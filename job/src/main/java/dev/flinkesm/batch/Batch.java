package dev.flinkesm.batch;

import dev.flinkesm.payload.EncodedRecord;
import java.util.List;

/**
 * Consecutive records of one topic-partition, sent together as one event. The records are already encoded, so a
 * retry resends the same bytes without re-encoding.
 */
public final class Batch {
    private final String topic;
    private final int partition;
    private final List<EncodedRecord> records;
    private final long eventBytes;
    private int attempts;

    Batch(String topic, int partition, List<EncodedRecord> records, long eventBytes) {
        this.topic = topic;
        this.partition = partition;
        this.records = records;
        this.eventBytes = eventBytes;
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    public List<EncodedRecord> records() {
        return records;
    }

    public int size() {
        return records.size();
    }

    /** The exact size of this batch's event (request body). */
    public long eventBytes() {
        return eventBytes;
    }

    public long firstOffset() {
        return records.get(0).offset();
    }

    public long lastOffset() {
        return records.get(records.size() - 1).offset();
    }

    /** Invocations made for this batch so far. */
    public int attempts() {
        return attempts;
    }

    public void recordAttempt() {
        attempts++;
    }

    @Override
    public String toString() {
        return topic + "-" + partition + " offsets " + firstOffset() + ".." + lastOffset()
                + " (" + size() + " records, " + eventBytes + " bytes)";
    }
}
