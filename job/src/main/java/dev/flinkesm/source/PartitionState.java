package dev.flinkesm.source;

import dev.flinkesm.batch.Batch;
import dev.flinkesm.batch.PartitionBatcher;
import org.apache.kafka.common.TopicPartition;

/**
 * Delivery state of one topic-partition inside a reader. The rules it keeps:
 *
 * <ul>
 *   <li>at most one batch is {@link #current} (in flight, or waiting for its retry); the next batch is taken only
 *       after it is delivered, so the function sees the partition's records in offset order;
 *   <li>{@link #firstUndeliveredOffset()} is the lowest offset not yet delivered: what a checkpoint restarts from
 *       and what may be committed;
 *   <li>a stalled partition (a record no request can carry) keeps its batch as current, so nothing after it is
 *       sent or committed until an operator acts.
 * </ul>
 */
final class PartitionState {
    final TopicPartition topicPartition;
    final String splitId;
    final PartitionBatcher batcher;

    Batch current;
    boolean inFlight;
    long retryAtNanos = Long.MIN_VALUE;
    boolean paused;
    String stalledReason;
    long lastDeliveredOffset = -1;
    long logEndOffset = -1;

    PartitionState(TopicPartition topicPartition, String splitId, PartitionBatcher batcher) {
        this.topicPartition = topicPartition;
        this.splitId = splitId;
        this.batcher = batcher;
    }

    /** True if this partition may start an invocation now. */
    boolean canSend(long nowNanos) {
        if (inFlight || stalledReason != null) {
            return false;
        }
        if (current != null) {
            return nowNanos >= retryAtNanos;
        }
        return batcher.readyAtNanos() <= nowNanos;
    }

    /** The batch to send now: the one awaiting retry, or the next ready one. Call only after {@link #canSend}. */
    Batch batchToSend(long nowNanos) {
        if (current == null) {
            current = batcher.pollReady(nowNanos);
        }
        return current;
    }

    void delivered(Batch batch) {
        lastDeliveredOffset = batch.lastOffset();
        current = null;
    }

    /** When this partition next needs the task thread, if nothing arrives meanwhile. */
    long nextDeadlineNanos() {
        if (inFlight || stalledReason != null) {
            return Long.MAX_VALUE;
        }
        return current != null ? retryAtNanos : batcher.readyAtNanos();
    }

    long firstUndeliveredOffset() {
        return current != null ? current.firstOffset() : batcher.firstBufferedOffset();
    }

    /** Buffering further ahead would only grow memory: a full batch already waits, or nothing can be sent. */
    boolean shouldPause() {
        return batcher.hasFullBatchWaiting() || stalledReason != null;
    }

    boolean isIdle() {
        return current == null && batcher.isEmpty();
    }
}
