package dev.flinkesm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scale phase's rows: keys, the concurrency its ideal assumes, and the targets of the rows that ran. */
class BenchScalePhaseTest {
    @Test
    void rowsAtTheDefaultCapAreKeyedByPartitionsAloneOthersAlsoByCap() {
        assertThat(new ScalePhase.Run(1024, ScalePhase.DEFAULT_CAP).id()).isEqualTo("slow-p1024");
        assertThat(new ScalePhase.Run(1024, 512).id()).isEqualTo("slow-p1024-cap512");
    }

    @Test
    void theCapIsPerSubtaskAndNoPartitionHasTwoInvocationsInFlight() {
        assertThat(new ScalePhase.Run(1024, 32).concurrency()).isEqualTo(64); // 32 on each of 2 subtasks
        assertThat(new ScalePhase.Run(1024, 512).concurrency()).isEqualTo(1024);
        assertThat(new ScalePhase.Run(256, 256).concurrency()).isEqualTo(256); // one per partition
    }

    @Test
    void theDefaultRunsPutTheCapBelowAtAndAboveOnePerPartition() {
        for (int p : new int[] {256, 1024}) {
            List<Integer> concurrency = ScalePhase.RUNS.stream().filter(r -> r.partitions() == p)
                    .map(ScalePhase.Run::concurrency).toList();
            assertThat(concurrency).anyMatch(c -> c < p / 2);
            assertThat(ScalePhase.RUNS.stream().filter(r -> r.partitions() == p))
                    .anyMatch(r -> r.cap() * ScalePhase.PARALLELISM == p)
                    .anyMatch(r -> r.cap() * ScalePhase.PARALLELISM > p);
        }
    }

    @Test
    void targetsCoverOnlyTheScaleRowsThatRan() {
        BenchRows rows = new BenchRows();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("partitions", 1024);
        row.put("maxConcurrentInvocations", 512);
        row.put("fractionOfIdeal", 0.5);
        row.put("secondsTo90Percent", null);
        row.put("liveHeapAtEndMb", 200.0);
        row.put("bufferBudgetMb", 256);
        rows.put("slow-p1024-cap512", row);
        BenchReport.Targets targets = new BenchReport.Targets();

        new ScalePhase().targets(rows, targets);

        assertThat(targets.asList()).extracting(t -> t.get("target") + " " + t.get("result")).containsExactly(
                "scale P=1024, cap 512 x 2: >= 90 % of ideal within 10 s FAIL",
                "scale P=1024, cap 512 x 2: live heap within buffer budget PASS");
    }
}
