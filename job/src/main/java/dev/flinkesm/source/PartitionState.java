package dev.flinkesm.source;

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
 *   <li>{@link #pending} holds more than one batch only after a bisection: the halves, first half first;
 *   <li>{@link #firstUndeliveredOffset()} is the lowest offset not yet done (delivered, dead-lettered or dropped):
 *       what a checkpoint restarts from and what may be committed;
 *   <li>a stalled partition (a record nothing can carry, no destination) keeps its batch at the head, so nothing
 *       after it is sent or committed until an operator acts.
 * </ul>
 */
final class PartitionState {
    final TopicPartition topicPartition;
    final String splitId;
    final PartitionBatcher batcher;

    final ArrayDeque<Batch> pending = new ArrayDeque<>();
    boolean inFlight;
    long retryAtNanos = Long.MIN_VALUE;
    boolean paused;
    /** The head failed its last attempt and waits for a retry (or its dead-lettering). */
    boolean failing;
    String stalledReason;
    /** Set while the head is being given to the on-failure destination. */
    FailedBatch deadLetter;
    int deadLetterAttempts;
    long lastDeliveredOffset = -1;

    PartitionState(TopicPartition topicPartition, String splitId, PartitionBatcher batcher) {
        this.topicPartition = topicPartition;
        this.splitId = splitId;
        this.batcher = batcher;
    }

    Batch head() {
        return pending.peek();
    }

    /** True if this partition may start an invocation (or a destination write) now. */
    boolean canSend(long nowNanos) {
        if (inFlight || stalledReason != null) {
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

    /** The head's first {@code records} are done; a rest stays at the head for its retry. */
    void completeHead(int records, KafkaEventEncoder encoder) {
        Batch head = pending.poll();
        lastDeliveredOffset = head.records().get(records - 1).offset();
        if (records < head.size()) {
            pending.addFirst(head.remainderFrom(records, encoder));
        } else {
            failing = false;
        }
    }

    /** The head is done as a whole (delivered, dead-lettered or dropped). */
    void completeHead() {
        Batch head = pending.poll();
        lastDeliveredOffset = head.lastOffset();
        failing = false;
        deadLetter = null;
        deadLetterAttempts = 0;
    }

    /** Replaces the head by its halves; the first half goes at once. */
    void bisectHead(KafkaEventEncoder encoder) {
        List<Batch> halves = pending.poll().bisect(encoder);
        pending.addFirst(halves.get(1));
        pending.addFirst(halves.get(0));
        retryAtNanos = Long.MIN_VALUE;
    }

    /** When this partition next needs the task thread, if nothing arrives meanwhile. */
    long nextDeadlineNanos() {
        if (inFlight || stalledReason != null) {
            return Long.MAX_VALUE;
        }
        return pending.isEmpty() ? batcher.readyAtNanos() : retryAtNanos;
    }

    long firstUndeliveredOffset() {
        return pending.isEmpty() ? batcher.firstBufferedOffset() : pending.peek().firstOffset();
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

    boolean isIdle() {
        return pending.isEmpty() && batcher.isEmpty();
    }
}
