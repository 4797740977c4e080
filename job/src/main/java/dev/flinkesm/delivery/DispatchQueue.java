package dev.flinkesm.delivery;

import java.util.ArrayDeque;
import java.util.PriorityQueue;

/**
 * Which partitions the engine looks at on a dispatch, so that a poll costs what changed, not the partition count:
 *
 * <ul>
 *   <li>a FIFO of partitions that <em>may</em> be able to send. A partition enters it on every event that can let it
 *       send (a record arrives, a send ends, a commit is acknowledged, its deadline passes), at most once at a time
 *       (a flag on the partition); the dispatch takes them in arrival order, so with the cap reached the partition
 *       that waited longest goes first, the fairness a round-robin gave;
 *   <li>a min-heap of deadlines (a batching window's end, a retry's or a dead letter's backoff), one live entry per
 *       partition: {@link PartitionState#scheduledDeadlineNanos} names it. An entry whose partition has since moved
 *       on (another deadline, in flight, waiting for a commit) is stale and skipped when it reaches the top (lazy
 *       removal: no search through the heap).
 * </ul>
 *
 * Invariant the engine keeps: every change of a partition's state that could let it send, or change its deadline,
 * {@link #markReady marks it ready}; a partition taken from the FIFO that cannot send yet gets its deadline
 * {@link #schedule scheduled}. So no partition that could send is forgotten, and none is visited for nothing more
 * than once per event. Not thread-safe: the task thread's.
 */
final class DispatchQueue {
    private record Deadline(long atNanos, PartitionState partition) {}

    private final ArrayDeque<PartitionState> ready = new ArrayDeque<>();
    private final PriorityQueue<Deadline> deadlines =
            new PriorityQueue<>((a, b) -> Long.compare(a.atNanos, b.atNanos));

    /** The partition may be able to send: it gets a turn at the next dispatch, after those already waiting. */
    void markReady(PartitionState partition) {
        if (!partition.queuedReady) {
            partition.queuedReady = true;
            ready.add(partition);
        }
    }

    /** The partition that has waited longest for a turn, or null. */
    PartitionState pollReady() {
        PartitionState partition = ready.poll();
        if (partition != null) {
            partition.queuedReady = false;
        }
        return partition;
    }

    boolean hasReady() {
        return !ready.isEmpty();
    }

    /** The partition needs a turn at {@code atNanos} if nothing else gives it one; MAX_VALUE: no deadline. */
    void schedule(PartitionState partition, long atNanos) {
        if (atNanos == Long.MAX_VALUE || atNanos == partition.scheduledDeadlineNanos) {
            return; // none, or already in the heap
        }
        partition.scheduledDeadlineNanos = atNanos; // an older entry of this partition is stale from now on
        deadlines.add(new Deadline(atNanos, partition));
    }

    /** Marks ready every partition whose deadline is at or before {@code nowNanos}. */
    void releaseDue(long nowNanos) {
        Deadline top;
        while ((top = deadlines.peek()) != null && top.atNanos <= nowNanos) {
            deadlines.poll();
            if (isLive(top)) {
                top.partition.scheduledDeadlineNanos = Long.MAX_VALUE;
                markReady(top.partition);
            }
        }
    }

    /** The earliest deadline still meant, dropping stale entries on the way; MAX_VALUE: none. */
    long earliestDeadlineNanos() {
        Deadline top;
        while ((top = deadlines.peek()) != null) {
            if (isLive(top) && top.partition.nextDeadlineNanos() == top.atNanos) {
                return top.atNanos;
            }
            deadlines.poll();
            if (isLive(top)) {
                top.partition.scheduledDeadlineNanos = Long.MAX_VALUE; // its state moved on without a deadline
            }
        }
        return Long.MAX_VALUE;
    }

    /** Entries in the heap, stale ones included: for tests. */
    int scheduledEntries() {
        return deadlines.size();
    }

    private static boolean isLive(Deadline entry) {
        return entry.partition.scheduledDeadlineNanos == entry.atNanos;
    }
}
