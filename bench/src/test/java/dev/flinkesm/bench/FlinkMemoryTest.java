package dev.flinkesm.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class FlinkMemoryTest {

    @Test
    void derivesTheTaskHeapFlinkReportedForAThreeGigabyteTaskManager() {
        // GET /taskmanagers of a 2.2.1 TaskManager with process.size 3g: taskHeap 1046898257 bytes
        assertThat(FlinkMemory.taskHeapMb(3072, 256)).isCloseTo(1046898257 / 1048576.0, within(0.01));
    }

    @Test
    void derivesTheTaskHeapFlinkDerivesForTheProjectsDefaultTaskManager() {
        // BashJavaUtils GET_TM_RESOURCE_PARAMS on flink-conf (1280m): task.heap.size=167772154b (overhead at its
        // 192 MB minimum)
        assertThat(FlinkMemory.taskHeapMb(1280, 256)).isCloseTo(167772154 / 1048576.0, within(0.01));
    }

    @Test
    void derivesTheHeapFlinkDerivesWithALargerMetaspace() {
        // BashJavaUtils with process.size=2560m, jvm-metaspace.size=768m: -Xmx671088627
        assertThat(FlinkMemory.heapMb(2560, 768)).isCloseTo(671088627 / 1048576.0, within(0.01));
    }

    @Test
    void theProcessSizeForAHeapIsTheSmallestStepThatGivesIt() {
        long process = FlinkMemory.processMbFor(1000, 256);
        assertThat(FlinkMemory.heapMb(process, 256)).isGreaterThanOrEqualTo(1000);
        assertThat(FlinkMemory.heapMb(process - 64, 256)).isLessThan(1000);
        assertThat(process % 64).isZero();
    }

    @Test
    void moreMetaspaceLeavesLessHeapInTheSameProcess() {
        assertThat(FlinkMemory.heapMb(3072, 768)).isLessThan(FlinkMemory.heapMb(3072, 256));
    }
}
