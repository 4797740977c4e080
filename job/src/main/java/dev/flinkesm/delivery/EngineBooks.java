package dev.flinkesm.delivery;

import dev.flinkesm.batch.Batch;
import dev.flinkesm.failure.MappingStoppedException;
import dev.flinkesm.invoke.InvokeResult;

/**
 * What the classes that send a partition's head ({@link BatchSender}, {@link DeadLetterWriter}) tell the engine
 * when a partition's head moves. The books themselves (the in-flight count, the held bytes, the ready queue, the
 * reports and {@link DeliveryEngine.Progress}) are kept by {@link DeliveryEngine} alone: nothing else changes them,
 * so their invariants are stated and kept in one place. Called on the task thread only.
 */
interface EngineBooks {

    /** The partition's head goes out (to the function or the on-failure destination): one more send in flight. */
    void sendingStarted(PartitionState partition);

    /**
     * An invocation sent at {@code sentAtNanos} came back with {@code result} (before its {@link #sendingEnded}, so
     * the in-flight count still includes it): a throttle lowers the concurrency limit, an answer of the function
     * lets it climb.
     */
    void invocationAnswered(InvokeResult result, long sentAtNanos);

    /** The partition's send ended, whatever its outcome: one send less in flight, and it may send again. */
    void sendingEnded(PartitionState partition);

    /** The function took the first {@code records} of the partition's head {@code batch}. */
    void delivered(PartitionState partition, Batch batch, int records);

    /** The head is done as a whole without the function (dead-lettered or dropped). */
    void completedHead(PartitionState partition);

    /** The partition's head changed without a send (split, dropped, stalled): it may be able to send again. */
    void changedWithoutSend(PartitionState partition);

    /** The partition stalled: its fetching must pause. */
    void stalled(PartitionState partition);

    /** The mapping must stop, saying why (once). */
    void stopMapping(MappingStoppedException reason);
}
