package dev.flinkesm.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The engine's per-event bookkeeping: which partitions a dispatch looks at, which deadlines wake it, and which
 * partitions the reader re-checks for pausing. A dispatch looks only at partitions marked ready, so each event that
 * can let a partition send must mark it, or its records would wait for ever.
 */
class DispatchQueueTest {

    @Test
    void aPartitionBecomesReadyOnEveryEventThatCanLetItSend() {
        EngineFixture f = EngineFixture.rules().batchSize(5).window(Duration.ofMillis(200)).commitBeforeNextBatch()
                .build();
        f.commitsReported = true;
        PartitionState p = f.partition(0);
        assertThat(p.queuedReady).isFalse();

        f.feed(p, 0, 5); // a record arrives
        assertThat(p.queuedReady).isTrue();
        f.step();
        assertThat(p.queuedReady).isFalse();
        assertThat(f.invoker.calls).hasSize(1);

        f.feed(p, 5, 2); // behind the one in flight: visited once, then forgotten until an event
        f.step();
        assertThat(p.queuedReady).isFalse();

        f.invoker.last().ok();
        f.taskThread.poll().run(); // the send ends
        assertThat(p.queuedReady).isTrue();
        f.step(); // done: now it waits for the commit of 5
        assertThat(p.queuedReady).isFalse();
        assertThat(f.invoker.calls).hasSize(1);

        f.engine.committed(p.topicPartition(), 5); // the commit is acknowledged
        assertThat(p.queuedReady).isTrue();
        f.step(); // 5..6 wait for their window: a deadline, not a turn
        assertThat(p.queuedReady).isFalse();
        assertThat(f.invoker.calls).hasSize(1);

        f.advanceMillis(200); // the deadline passes
        f.engine.tick();
        f.engine.dispatch();
        assertThat(f.invoker.calls).hasSize(2);
        assertThat(f.invoker.last().offsetList()).containsExactly(5L, 6L);
    }

    @Test
    void commitsPausingMakesEveryWaitingPartitionReady() {
        EngineFixture f = EngineFixture.rules().batchSize(1).commitBeforeNextBatch().build();
        f.commitsReported = true;
        PartitionState p = f.partition(0);
        PartitionState idle = f.partition(1);
        f.feed(p, 0, 2);
        f.step();
        f.invoker.last().ok();
        f.step(); // waits for the commit of 1
        assertThat(p.queuedReady).isFalse();
        f.engine.commitsPaused();
        assertThat(p.queuedReady).isTrue();
        assertThat(idle.queuedReady).isFalse(); // it waited for nothing
    }

    @Test
    void aStaleDeadlineIsSkippedNotWokenFor() {
        EngineFixture f = EngineFixture.rules().batchSize(10).window(Duration.ofMillis(200)).build();
        PartitionState a = f.partition(0);
        PartitionState b = f.partition(1);
        f.feed(a, 0, 3);
        f.step(); // a's window ends at +200 ms
        f.advanceMillis(100);
        f.feed(b, 0, 3);
        f.step(); // b's at +300 ms
        assertThat(f.engine.nextWakeUpNanos() - f.clock.nanos).isEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        f.feed(a, 3, 7); // a's batch fills and goes before its window ends: its heap entry is stale now
        f.step();
        assertThat(f.invoker.calls).hasSize(1);
        assertThat(f.engine.nextWakeUpNanos() - f.clock.nanos).isEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
    }

    @Test
    void aPartitionHasOneLiveDeadlineHoweverOftenItIsVisited() {
        EngineFixture f = EngineFixture.rules().batchSize(1_000).window(Duration.ofMillis(200)).build();
        PartitionState p = f.partition(0);
        for (int i = 0; i < 100; i++) {
            f.feed(p, i, 1); // each record marks it ready; its window end stays the same
            f.step();
        }
        assertThat(f.engine.nextWakeUpNanos() - f.clock.nanos).isEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
        assertThat(f.engine.scheduledDeadlineEntries()).isEqualTo(1);
    }

    @Test
    void withACapOfOneEachOfThreeReadyPartitionsGetsATurnBeforeAnyGetsASecond() {
        EngineFixture f = EngineFixture.rules().batchSize(1).cap(1).build();
        PartitionState[] partitions = {f.partition(0), f.partition(1), f.partition(2)};
        for (PartitionState p : partitions) {
            f.feed(p, 0, 3);
        }
        List<String> turns = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            f.step();
            assertThat(f.invoker.unanswered()).hasSize(1);
            turns.add(f.invoker.last().offsets().keySet().iterator().next());
            f.invoker.last().ok();
        }
        assertThat(turns).containsExactly("orders-0", "orders-1", "orders-2", "orders-0", "orders-1", "orders-2",
                "orders-0", "orders-1", "orders-2");
    }

    @Test
    void onlyPartitionsWhoseBatchesChangedAreHandedToThePauseCheck() {
        EngineFixture f = EngineFixture.rules().batchSize(5).build();
        PartitionState a = f.partition(0);
        PartitionState b = f.partition(1);
        f.feed(b, 0, 2); // an open batch only: its pause state cannot have changed
        List<PartitionState> checked = new ArrayList<>();
        f.engine.drainPauseChecks(checked::add);
        assertThat(checked).isEmpty();
        f.feed(a, 0, 10); // two closed batches
        f.engine.drainPauseChecks(checked::add);
        assertThat(checked).containsExactly(a);
        assertThat(f.engine.shouldPause(a)).isTrue();
        checked.clear();
        f.step(); // one leaves the batcher; b's open batch too (window 0)
        f.engine.drainPauseChecks(checked::add);
        assertThat(checked).containsExactlyInAnyOrder(a, b);
        checked.clear();
        f.engine.drainPauseChecks(checked::add);
        assertThat(checked).isEmpty(); // handed over once
    }
}
