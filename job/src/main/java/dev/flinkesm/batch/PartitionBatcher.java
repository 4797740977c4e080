package dev.flinkesm.batch;

import dev.flinkesm.payload.EncodedRecord;
import dev.flinkesm.payload.KafkaEventEncoder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts one partition's records, in offset order, into batches. This class is where the ESM's batching rules live:
 *
 * <ul>
 *   <li>a batch closes when it holds {@link BatchLimits#maxRecords()} records;
 *   <li>it closes before a record that would take its event past {@link BatchLimits#maxRequestBytes()} (sizes are
 *       exact: {@link KafkaEventEncoder#eventSize} is the length of the bytes that will be sent);
 *   <li>it becomes ready when the batching window, started by its first record, has ended; a window of 0 makes it
 *       ready at once;
 *   <li>a record whose event alone exceeds the limit forms a batch of its own, marked {@link #isOversized}: never
 *       dropped here, the caller decides.
 * </ul>
 *
 * Not thread-safe: owned by the source reader's task thread.
 */
public final class PartitionBatcher {
    private final String topic;
    private final int partition;
    private final BatchLimits limits;
    private final KafkaEventEncoder encoder;

    private final ArrayDeque<Batch> closed = new ArrayDeque<>();
    private List<EncodedRecord> open;
    private long openRecordBytes;
    private long openedAtNanos;

    private int bufferedRecords;
    private long bufferedRecordBytes;

    public PartitionBatcher(String topic, int partition, BatchLimits limits, KafkaEventEncoder encoder) {
        this.topic = topic;
        this.partition = partition;
        this.limits = limits;
        this.encoder = encoder;
    }

    public void add(EncodedRecord record, long nowNanos) {
        if (open != null && !fits(open.size() + 1, openRecordBytes + record.size())) {
            closeOpen();
        }
        if (open == null) {
            open = new ArrayList<>(Math.min(limits.maxRecords(), 512));
            openRecordBytes = 0;
            openedAtNanos = nowNanos;
        }
        open.add(record);
        openRecordBytes += record.size();
        bufferedRecords++;
        bufferedRecordBytes += record.size();
        if (open.size() >= limits.maxRecords()) {
            closeOpen();
        }
    }

    /** The next batch to send, if one is ready now; it leaves the batcher. */
    public Batch pollReady(long nowNanos) {
        if (closed.isEmpty() && open != null && nowNanos - openedAtNanos >= limits.windowNanos()) {
            closeOpen();
        }
        Batch batch = closed.poll();
        if (batch != null) {
            bufferedRecords -= batch.size();
            bufferedRecordBytes -= batch.recordBytes();
        }
        return batch;
    }

    /** When {@link #pollReady} will next return a batch if nothing else arrives; {@code Long.MAX_VALUE}: never. */
    public long readyAtNanos() {
        if (!closed.isEmpty()) {
            return Long.MIN_VALUE;
        }
        return open == null ? Long.MAX_VALUE : openedAtNanos + limits.windowNanos();
    }

    /**
     * True when a full batch waits behind the one in flight. Reading further ahead would only grow memory: a
     * partition sends one batch at a time, so the reader pauses the partition here.
     */
    public boolean hasFullBatchWaiting() {
        return !closed.isEmpty();
    }

    /** Closed batches waiting to be sent. */
    public int closedBatches() {
        return closed.size();
    }

    public boolean isEmpty() {
        return bufferedRecords == 0;
    }

    /** Offset of the oldest buffered record, or -1 when empty. */
    public long firstBufferedOffset() {
        if (!closed.isEmpty()) {
            return closed.peek().firstOffset();
        }
        return open == null || open.isEmpty() ? -1 : open.get(0).offset();
    }

    public int bufferedRecords() {
        return bufferedRecords;
    }

    public long bufferedRecordBytes() {
        return bufferedRecordBytes;
    }

    /** True if a batch of exactly this one record would exceed the request limit. */
    public static boolean isOversized(Batch batch, BatchLimits limits) {
        return batch.eventBytes() > limits.maxRequestBytes();
    }

    private boolean fits(int records, long recordBytes) {
        return encoder.eventSize(topic, partition, records, recordBytes) <= limits.maxRequestBytes();
    }

    private void closeOpen() {
        long eventBytes = encoder.eventSize(topic, partition, open.size(), openRecordBytes);
        closed.add(new Batch(topic, partition, open, openRecordBytes, eventBytes));
        open = null;
        openRecordBytes = 0;
    }
}
