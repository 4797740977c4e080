package dev.flinkesm.batch;

import dev.flinkesm.payload.EncodedRecord;
import dev.flinkesm.payload.KafkaEventEncoder;
import java.util.ArrayList;
import java.util.List;

/**
 * Consecutive records of one topic-partition, sent together as one event. The records are already encoded, so a
 * retry resends the same bytes without re-encoding.
 */
public final class Batch {
    private final String topic;
    private final int partition;
    private final List<EncodedRecord> records;
    private final long recordBytes;
    private final long eventBytes;
    private int attempts;
    private int functionErrors;

    Batch(String topic, int partition, List<EncodedRecord> records, long recordBytes, long eventBytes) {
        this.topic = topic;
        this.partition = partition;
        this.records = records;
        this.recordBytes = recordBytes;
        this.eventBytes = eventBytes;
    }

    /** A batch of these records (one topic-partition, offset order), sized exactly for {@code encoder}'s event. */
    public static Batch of(List<EncodedRecord> records, KafkaEventEncoder encoder) {
        EncodedRecord first = records.get(0);
        long recordBytes = 0;
        for (EncodedRecord r : records) {
            recordBytes += r.size();
        }
        return new Batch(first.topic(), first.partition(), records, recordBytes,
                encoder.eventSize(first.topic(), first.partition(), records.size(), recordBytes));
    }

    /**
     * The records from {@code index} on, for a retry after the function reported the earlier ones done. The retry
     * counts carry over: it is the same work being retried.
     */
    public Batch remainderFrom(int index, KafkaEventEncoder encoder) {
        Batch rest = of(new ArrayList<>(records.subList(index, records.size())), encoder);
        rest.attempts = attempts;
        rest.functionErrors = functionErrors;
        return rest;
    }

    /**
     * The two halves of a failing batch ({@code BisectBatchOnFunctionError}), first half first. Each half starts a
     * fresh count of invocations and function errors: as on AWS, splitting does not count towards the retry quota.
     */
    public List<Batch> bisect(KafkaEventEncoder encoder) {
        int middle = records.size() / 2;
        return List.of(of(new ArrayList<>(records.subList(0, middle)), encoder),
                of(new ArrayList<>(records.subList(middle, records.size())), encoder));
    }

    /** The oldest record timestamp in the batch (Kafka timestamps are not monotonic within a partition). */
    public long oldestTimestamp() {
        long oldest = Long.MAX_VALUE;
        for (EncodedRecord r : records) {
            oldest = Math.min(oldest, r.timestamp());
        }
        return oldest;
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

    /** The encoded size of the records alone: what holding this batch costs in memory, roughly. */
    public long recordBytes() {
        return recordBytes;
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

    /**
     * Invocations made for this batch so far, whatever their outcome: Lambda's {@code approximateInvokeCount} and
     * the backoff's exponent. Not what {@code MaximumRetryAttempts} counts: that is {@link #functionErrors()}.
     */
    public int attempts() {
        return attempts;
    }

    public void recordAttempt() {
        attempts++;
    }

    /**
     * Invocations of this batch the function ran and failed (an error, a timeout, a failed partial answer): what
     * {@code MaximumRetryAttempts} counts. Throttles and other invocations the function never ran are not in it.
     */
    public int functionErrors() {
        return functionErrors;
    }

    public void recordFunctionError() {
        functionErrors++;
    }

    @Override
    public String toString() {
        return topic + "-" + partition + " offsets " + firstOffset() + ".." + lastOffset()
                + " (" + size() + " records, " + eventBytes + " bytes)";
    }
}
