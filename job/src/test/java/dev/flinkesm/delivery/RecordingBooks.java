package dev.flinkesm.delivery;

import dev.flinkesm.batch.Batch;
import dev.flinkesm.failure.MappingStoppedException;
import dev.flinkesm.invoke.InvokeResult;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's books for a part tested alone: changes the partition as the engine does (a send started or ended, a
 * head done) and records what it was told, in order, as short lines such as {@code "delivered orders-0 0..4"}.
 */
final class RecordingBooks implements EngineBooks {
    final List<String> told = new ArrayList<>();
    /** The status codes of the answers told, apart from {@link #told}: most tests are about the partition's moves. */
    final List<Integer> answered = new ArrayList<>();

    @Override
    public void sendingStarted(PartitionState partition) {
        partition.startSending();
        told.add("started " + partition.splitId());
    }

    @Override
    public void invocationAnswered(InvokeResult result, long sentAtNanos) {
        answered.add(result.statusCode());
    }

    @Override
    public void sendingEnded(PartitionState partition) {
        partition.sendingEnded();
        told.add("ended " + partition.splitId());
    }

    @Override
    public void delivered(PartitionState partition, Batch batch, int records) {
        told.add("delivered " + partition.splitId() + " " + batch.firstOffset() + ".."
                + batch.records().get(records - 1).offset());
        partition.completeHead(records, EngineFixture.ENCODER);
    }

    @Override
    public void completedHead(PartitionState partition) {
        told.add("completed " + partition.splitId() + " " + partition.head().firstOffset() + ".."
                + partition.head().lastOffset());
        partition.completeHead();
    }

    @Override
    public void changedWithoutSend(PartitionState partition) {
        told.add("changed " + partition.splitId());
    }

    @Override
    public void stalled(PartitionState partition) {
        told.add("stalled " + partition.splitId());
    }

    @Override
    public void stopMapping(MappingStoppedException reason) {
        told.add("stop " + reason.getMessage());
    }
}
