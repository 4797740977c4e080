package dev.flinkesm.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * From a mappings run's 1-mapping and N-mapping rows: the cost of one more mapping (each figure as a line through
 * the two points) and the {@link SizingRule}'s TaskManagers for a few mapping counts, as the JSON's "sizing".
 */
final class MappingsSizing {
    private MappingsSizing() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> derive(Map<String, Object> one, Map<String, Object> many, int mappings,
            int maxBufferedMb, String tmProcessSize, String tmMetaspaceSize) {
        Map<String, Object> b1 = (Map<String, Object>) one.get("busy");
        Map<String, Object> bn = (Map<String, Object>) many.get("busy");
        Map<String, Object> i1 = (Map<String, Object>) one.get("idle");
        Map<String, Object> in = (Map<String, Object>) many.get("idle");
        SizingRule.Linear idleCpu = line(mappings, i1, in, "tmCpuCores");
        SizingRule.Linear idleRss = line(mappings, i1, in, "tmRssMb");
        SizingRule.Linear idleHeap = line(mappings, i1, in, "tmLiveHeapMb");
        SizingRule.Linear busyHeap = line(mappings, b1, bn, "tmLiveHeapMidDrainMb");
        SizingRule.Linear busyRss = line(mappings, b1, bn, "tmPeakRssMb");
        SizingRule.Linear metaspace = line(mappings, i1, in, "tmMetaspaceMb");
        SizingRule.Linear nonHeap = SizingRule.Linear.through(1, Math.max(num(b1, "tmNonHeapRssMidDrainMb"),
                num(i1, "tmNonHeapRssMb")), mappings, Math.max(num(bn, "tmNonHeapRssMidDrainMb"),
                num(in, "tmNonHeapRssMb")));
        SizingRule.Linear jmMetaspace = line(mappings, i1, in, "jmMetaspaceMb");
        SizingRule.Linear jmRss = line(mappings, i1, in, "jmRssMb");
        SizingRule.Linear jmHeap = line(mappings, i1, in, "jmLiveHeapMb");
        SizingRule.Linear jmCpu = line(mappings, i1, in, "jmCpuCores");
        SizingRule rule = new SizingRule(busyHeap, metaspace, nonHeap, jmMetaspace, idleHeap, maxBufferedMb);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("perMappingIdleCpuCores", idleCpu.perMapping());
        s.put("perMappingIdleRssMb", idleRss.perMapping());
        s.put("perMappingIdleLiveHeapMb", idleHeap.perMapping());
        s.put("perMappingBusyLiveHeapMb", busyHeap.perMapping());
        s.put("perMappingBusyPeakRssMb", busyRss.perMapping());
        s.put("perMappingMetaspaceMb", metaspace.perMapping());
        s.put("perMappingNonHeapRssMb", nonHeap.perMapping());
        s.put("fixedNonHeapRssMb", nonHeap.fixed());
        s.put("perMappingJobManagerMetaspaceMb", jmMetaspace.perMapping());
        s.put("fixedJobManagerMetaspaceMb", jmMetaspace.fixed());
        s.put("perMappingJobManagerRssMb", jmRss.perMapping());
        s.put("perMappingJobManagerLiveHeapMb", jmHeap.perMapping());
        s.put("perMappingJobManagerIdleCpuCores", jmCpu.perMapping());
        s.put("fixedBusyLiveHeapMb", busyHeap.fixed());
        s.put("fixedMetaspaceMb", metaspace.fixed());
        s.put("fixedBusyPeakRssMb", busyRss.fixed());
        s.put("heapHeadroom", SizingRule.HEAP_HEADROOM);
        s.put("bufferBudgetMbPerMapping", maxBufferedMb);
        s.put("nativeHeadroom", SizingRule.NATIVE_HEADROOM);
        s.put("metaspaceHeadroom", SizingRule.METASPACE_HEADROOM);
        List<SizingRule.Plan> plans = new ArrayList<>();
        for (int m : new int[] {1, 2, 10, mappings, 50}) {
            if (plans.stream().noneMatch(p -> p.mappings() == m)) {
                plans.add(rule.plan(m, 1));
            }
        }
        plans.sort(Comparator.comparingInt(SizingRule.Plan::mappings));
        s.put("plans", plans);
        s.put("maxMappingsOfThisTaskManager", rule.maxMappings(megabytes(tmProcessSize), megabytes(tmMetaspaceSize)));
        s.put("maxMappingsOfDefaultTaskManager1280m", rule.maxMappings(1280, (long) FlinkMemory.DEFAULT_METASPACE_MB));
        return s;
    }

    /** A figure of the 1-mapping and the N-mapping row, as fixed + per mapping. */
    private static SizingRule.Linear line(int mappings, Map<String, Object> one, Map<String, Object> many, String key) {
        return SizingRule.Linear.through(1, ((Number) one.get(key)).doubleValue(),
                mappings, ((Number) many.get(key)).doubleValue());
    }

    static long megabytes(String flinkSize) {
        String s = flinkSize.trim().toLowerCase();
        long n = Long.parseLong(s.replaceAll("[^0-9]", ""));
        return s.endsWith("g") ? n * 1024 : n;
    }


    private static double num(Map<String, Object> row, String key) {
        Object v = row.get(key);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
