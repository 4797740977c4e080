package dev.flinkesm.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The partitions whose fetching the reader should look at, so that a poll costs what changed, not the partition
 * count:
 *
 * <ul>
 *   <li>filled up: a full batch waits behind another, so reading further ahead would only grow memory; the reader
 *       pauses them at once, mid-poll;
 *   <li>pause checks: {@link PartitionState#shouldPause()} may have changed (a batch closed or left the batcher, or
 *       the partition stalled); each at most once per drain ({@link PartitionState#queuedPauseCheck}).
 * </ul>
 *
 * Not thread-safe: the task thread's.
 */
final class PauseSignals {
    private final List<PartitionState> filledUp = new ArrayList<>();
    private final List<PartitionState> pauseChecks = new ArrayList<>();

    /** A record went into the partition's batcher, which had {@code closedBefore} closed batches before it. */
    void recordAdded(PartitionState partition, int closedBefore) {
        int closed = partition.batcher.closedBatches();
        if (closed > closedBefore) {
            pauseCheck(partition);
        }
        // A batch just closed behind one in flight or retrying (or behind another closed one, which the next
        // dispatch sends): reading further ahead for this partition would only grow memory.
        if (closed > closedBefore && (partition.head() != null || closed >= 2)) {
            filledUp.add(partition);
        }
    }

    /** The partition's {@link PartitionState#shouldPause()} may have changed. */
    void pauseCheck(PartitionState partition) {
        if (!partition.queuedPauseCheck) {
            partition.queuedPauseCheck = true;
            pauseChecks.add(partition);
        }
    }

    /** Hands over (and forgets) the partitions that filled up since the last call. */
    void drainFilledUp(Consumer<PartitionState> out) {
        if (filledUp.isEmpty()) {
            return;
        }
        filledUp.forEach(out);
        filledUp.clear();
    }

    /** Hands over (and forgets) the partitions to check since the last call, each once. */
    void drainPauseChecks(Consumer<PartitionState> out) {
        for (int i = 0; i < pauseChecks.size(); i++) {
            PartitionState partition = pauseChecks.get(i);
            partition.queuedPauseCheck = false;
            out.accept(partition);
        }
        pauseChecks.clear();
    }
}
