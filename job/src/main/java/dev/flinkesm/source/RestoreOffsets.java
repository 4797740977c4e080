package dev.flinkesm.source;

/**
 * Where a restored partition starts (job option {@code --restore-offsets}).
 *
 * <p>{@link #LATER}, the default: at the later of the checkpointed offset and the consumer group's committed offset.
 * The group is committed after every delivered batch, the checkpoint only every checkpoint interval, so after a crash
 * this re-sends only what was in flight.
 *
 * <p>{@link #CHECKPOINT}: at the checkpointed (savepoint) offset, whatever the group holds: a deliberate rewind, e.g.
 * restoring an older savepoint to process its records again. The same rewind without the option: reset the group's
 * offsets (or delete the group) before restoring, or use a new {@code ConsumerGroupId}.
 */
public enum RestoreOffsets {
    LATER,
    CHECKPOINT
}
