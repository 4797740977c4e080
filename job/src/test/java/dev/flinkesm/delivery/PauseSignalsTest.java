package dev.flinkesm.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which partitions the reader is told to look at: each once per drain, and only those something happened to. */
class PauseSignalsTest {
    private static final long NOW = 1_000_000_000L;

    private final DeliveryRules rules = EngineFixture.rules().batchSize(2).deliveryRules();
    private final PauseSignals signals = new PauseSignals();

    private List<PartitionState> pauseChecks() {
        List<PartitionState> out = new ArrayList<>();
        signals.drainPauseChecks(out::add);
        return out;
    }

    private List<PartitionState> filledUp() {
        List<PartitionState> out = new ArrayList<>();
        signals.drainFilledUp(out::add);
        return out;
    }

    private void addOne(PartitionState partition, long offset) {
        int closedBefore = partition.batcher.closedBatches();
        partition.batcher.add(EngineFixture.record(partition.topicPartition(), offset, 8), NOW);
        signals.recordAdded(partition, closedBefore);
    }

    @Test
    void aPartitionToCheckIsHandedOverOncePerDrain() {
        PartitionState p = EngineFixture.loosePartition(rules, 0);
        PartitionState q = EngineFixture.loosePartition(rules, 1);
        signals.pauseCheck(p);
        signals.pauseCheck(q);
        signals.pauseCheck(p);
        assertThat(pauseChecks()).containsExactly(p, q);
        assertThat(pauseChecks()).isEmpty();
        signals.pauseCheck(p);
        assertThat(pauseChecks()).containsExactly(p);
    }

    @Test
    void aClosedBatchAsksForACheckButFillsUpOnlyBehindTheHeadOrAnotherClosedBatch() {
        PartitionState p = EngineFixture.loosePartition(rules, 0);
        addOne(p, 0);
        assertThat(pauseChecks()).isEmpty(); // no batch closed
        addOne(p, 1);
        assertThat(pauseChecks()).containsExactly(p);
        assertThat(filledUp()).isEmpty(); // the next dispatch sends it

        p.batchToSend(NOW); // it is the head now
        addOne(p, 2);
        addOne(p, 3);
        assertThat(pauseChecks()).containsExactly(p);
        assertThat(filledUp()).containsExactly(p);
        assertThat(filledUp()).isEmpty();
    }
}
