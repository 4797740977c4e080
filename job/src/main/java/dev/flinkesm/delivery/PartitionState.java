package dev.flinkesm.delivery;

import dev.flinkesm.batch.Batch;
import dev.flinkesm.batch.PartitionBatcher;
import dev.flinkesm.failure.destination.FailedBatch;
import dev.flinkesm.payload.KafkaEventEncoder;
import java.util.ArrayDeque;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * Delivery state of one topic-partition inside a reader. The rules it keeps:
 *
 * <ul>
 *   <li>only the {@link #head()} batch is ever in flight (to the function, or to the on-failure destination); the
 *       next is taken only after the head is done, so the function sees the partition's records in offset order;
 *   <li>{@link #pending} holds more than one batch only after a split (bisection, or a request Lambda refused as too
 *       large): the parts, first part first;
 *   <li>{@link #firstUndeliveredOffset()} is the lowest offset not yet done (delivered, dead-lettered or dropped):
 *       what a checkpoint restarts from and what may be committed; every offset up to {@link #lastDoneOffset()} is
 *       done;
 *   <li>after a batch is done, the partition sends nothing until the group's commit of its next offset is
 *       acknowledged, so a crash re-sends at most the one batch that was in flight (unless commits fail: then it
 *       goes on, and a restore may re-send more);
 *   <li>a stalled partition (a record nothing can carry, no destination) keeps its batch at the head, so nothing
 *       after it is sent or committed until an operator acts.
 * </ul>
 *
 * Not thread-safe: owned by the task thread, except {@link #publishedBufferedRecords()}, which a metric reporter
 * reads.
 */
public final class PartitionState {
    final TopicPartition topicPartition;
    final String splitId;
    final PartitionBatcher batcher;

    private final ArrayDeque<Batch> pending = new ArrayDeque<>();
    private boolean inFlight;
    private long retryAtNanos = Long.MIN_VALUE;
    /** The head failed its last attempt and waits for a retry (or its dead-lettering). */
    private boolean failing;
    private String stalledReason;
    /** Set while the head is being given to the on-failure destination. */
    private FailedBatch deadLetter;
    private int deadLetterAttempts;
    private long lastDoneOffset = -1;
    /** The offset whose commit this partition waits for before it sends again; -1: none. */
    private long awaitingCommit = -1;
    private volatile long publishedBufferedRecords;

    /** In {@link DispatchQueue}'s ready FIFO now (so it is never there twice). */
    boolean queuedReady;
    /** The deadline of this partition's live entry in {@link DispatchQueue}'s heap; MAX_VALUE: none. */
    long scheduledDeadlineNanos = Long.MAX_VALUE;
    /** In {@link PauseSignals}' list of partitions whose fetching may have to pause or resume (never there twice). */
    boolean queuedPauseCheck;

    PartitionState(TopicPartition topicPartition, String splitId, PartitionBatcher batcher) {
        this.topicPartition = topicPartition;
        this.splitId = splitId;
        this.batcher = batcher;
    }

    public String splitId() {
        return splitId;
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    Batch head() {
        return pending.peek();
    }

    /** True if this partition may start an invocation (or a destination write) now. */
    boolean canSend(long nowNanos) {
        if (inFlight || stalledReason != null || awaitingCommit >= 0) {
            return false;
        }
        if (!pending.isEmpty()) {
            return nowNanos >= retryAtNanos;
        }
        return batcher.readyAtNanos() <= nowNanos;
    }

    /** The batch to work on now: the pending head, or the next ready one. Call only after {@link #canSend}. */
    Batch batchToSend(long nowNanos) {
        if (pending.isEmpty()) {
            Batch next = batcher.pollReady(nowNanos);
            if (next != null) {
                pending.add(next);
            }
        }
        return pending.peek();
    }

    void startSending() {
        inFlight = true;
    }

    void sendingEnded() {
        inFlight = false;
    }

    boolean inFlight() {
        return inFlight;
    }

    /** The head's first {@code records} are done; a rest stays at the head for its retry. */
    void completeHead(int records, KafkaEventEncoder encoder) {
        Batch head = pending.poll();
        lastDoneOffset = head.records().get(records - 1).offset();
        if (records < head.size()) {
            pending.addFirst(head.remainderFrom(records, encoder));
        } else {
            failing = false;
        }
    }

    /** The head is done as a whole (delivered, dead-lettered or dropped). */
    void completeHead() {
        Batch head = pending.poll();
        lastDoneOffset = head.lastOffset();
        failing = false;
        deadLetter = null;
        deadLetterAttempts = 0;
    }

    /** Replaces the head by its halves; the first half goes at once. */
    void splitHead(KafkaEventEncoder encoder) {
        List<Batch> halves = pending.poll().bisect(encoder);
        pending.addFirst(halves.get(1));
        pending.addFirst(halves.get(0));
        retryAtNanos = Long.MIN_VALUE;
    }

    /** Nothing more is sent until the group's commit of {@code nextOffset} is acknowledged (or commits pause). */
    void awaitCommit(long nextOffset) {
        awaitingCommit = nextOffset;
    }

    /** The group holds {@code offset} for this partition; a wait for it (or an older one) ends. */
    void committed(long offset) {
        if (awaitingCommit >= 0 && offset >= awaitingCommit) {
            awaitingCommit = -1;
        }
    }

    /** Commits paused: waiting for one would stop delivery, so stop waiting. */
    void stopAwaitingCommit() {
        awaitingCommit = -1;
    }

    boolean awaitingCommit() {
        return awaitingCommit >= 0;
    }

    /** The head failed and is sent again at {@code atNanos}; nothing behind it goes first. */
    void retryHeadAt(long atNanos) {
        failing = true;
        retryAtNanos = atNanos;
    }

    /** The head is given up and goes to the on-failure destination before anything behind it moves. */
    void deadLetterHead(FailedBatch failed) {
        failing = true;
        deadLetter = failed;
        deadLetterAttempts = 0;
    }

    /** Writing the dead letter failed; returns the failed writes so far. */
    int deadLetterFailed() {
        return ++deadLetterAttempts;
    }

    /** The next write of the dead letter waits until {@code atNanos}. */
    void retryDeadLetterAt(long atNanos) {
        retryAtNanos = atNanos;
    }

    /** The head's dead letter, while one is being written; null otherwise. */
    FailedBatch deadLetter() {
        return deadLetter;
    }

    /** Nothing can carry the head: nothing from it on is sent or committed. */
    void stall(String reason) {
        stalledReason = reason;
        failing = true;
    }

    /** When this partition next needs the task thread, if nothing arrives meanwhile; MAX_VALUE: not by itself. */
    long nextDeadlineNanos() {
        if (inFlight || stalledReason != null || awaitingCommit >= 0) {
            return Long.MAX_VALUE;
        }
        return pending.isEmpty() ? batcher.readyAtNanos() : retryAtNanos;
    }

    /** The first offset not yet done, or -1 when nothing is held (everything read so far is done). */
    long firstUndeliveredOffset() {
        return pending.isEmpty() ? batcher.firstBufferedOffset() : pending.peek().firstOffset();
    }

    /** The last offset done (delivered, dead-lettered or dropped) by this reader, or -1 if none yet. */
    long lastDoneOffset() {
        return lastDoneOffset;
    }

    /** Buffering further ahead would only grow memory: a full batch already waits, or nothing can be sent. */
    boolean shouldPause() {
        return batcher.hasFullBatchWaiting() || stalledReason != null;
    }

    /** Retrying, dead-lettering or stopped: not moving forward right now. */
    boolean isStalled() {
        return failing || stalledReason != null;
    }

    /** Records held for this partition: waiting batches and the pending (in-flight or retrying) ones. */
    long bufferedRecords() {
        long held = batcher.bufferedRecords();
        for (Batch b : pending) {
            held += b.size();
        }
        return held;
    }

    /** Bytes of the records held for this partition (their encoded size). */
    long bufferedBytes() {
        long held = batcher.bufferedRecordBytes();
        for (Batch b : pending) {
            held += b.recordBytes();
        }
        return held;
    }

    /** Copies what reporters may read; called on the task thread. */
    void publish() {
        publishedBufferedRecords = bufferedRecords();
    }

    long publishedBufferedRecords() {
        return publishedBufferedRecords;
    }

    boolean isIdle() {
        return pending.isEmpty() && batcher.isEmpty();
    }
}
