package dev.flinkesm.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MappingsSizingTest {

    private static Map<String, Object> row(double busyHeap, double idleHeap, double metaspace, double nonHeap,
            double cores, double jmMetaspace) {
        Map<String, Object> busy = Map.of("tmLiveHeapMidDrainMb", busyHeap, "tmPeakRssMb", 900.0,
                "tmNonHeapRssMidDrainMb", nonHeap);
        Map<String, Object> idle = Map.of("tmCpuCores", cores, "tmRssMb", 900.0, "tmLiveHeapMb", idleHeap,
                "tmMetaspaceMb", metaspace, "tmNonHeapRssMb", nonHeap - 10, "jmMetaspaceMb", jmMetaspace,
                "jmRssMb", 400.0, "jmLiveHeapMb", 40.0, "jmCpuCores", 0.04);
        return Map.of("busy", busy, "idle", idle);
    }

    @Test
    void theCostOfOneMoreMappingIsTheSlopeBetweenTheOneAndTheManyRun() {
        Map<String, Object> sizing = MappingsSizing.derive(row(46, 30, 66, 378, 0.032, 81),
                row(198, 163, 446, 1023, 0.146, 353), 20, 16, "2560m", "768m");
        assertThat((double) sizing.get("perMappingMetaspaceMb")).isCloseTo(20, within(1e-9));
        assertThat((double) sizing.get("perMappingBusyLiveHeapMb")).isCloseTo(8, within(1e-9));
        assertThat((double) sizing.get("perMappingIdleCpuCores")).isCloseTo(0.006, within(1e-9));
        assertThat((double) sizing.get("perMappingNonHeapRssMb")).isCloseTo(645.0 / 19, within(1e-9));
        assertThat((double) sizing.get("perMappingJobManagerMetaspaceMb")).isCloseTo(272.0 / 19, within(1e-9));
    }

    @Test
    void plansCoverTheMeasuredCountAndTheTaskManagerItRanOn() {
        Map<String, Object> sizing = MappingsSizing.derive(row(46, 30, 66, 378, 0.032, 81),
                row(198, 163, 446, 1023, 0.146, 353), 20, 16, "2560m", "768m");
        @SuppressWarnings("unchecked")
        List<SizingRule.Plan> plans = (List<SizingRule.Plan>) sizing.get("plans");
        assertThat(plans).extracting(SizingRule.Plan::mappings).containsExactly(1, 2, 10, 20, 50);
        assertThat((int) sizing.get("maxMappingsOfThisTaskManager")).isGreaterThanOrEqualTo(20);
    }

    @Test
    void readsFlinkMemorySizesInMegabytes() {
        assertThat(MappingsSizing.megabytes("2560m")).isEqualTo(2560);
        assertThat(MappingsSizing.megabytes("2g")).isEqualTo(2048);
    }
}
