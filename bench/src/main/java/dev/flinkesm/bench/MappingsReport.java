package dev.flinkesm.bench;

import java.util.List;
import java.util.Map;

/** Prints a mappings run (its JSON as a map) as the table, the cost per mapping, the sizing rule and the verdict. */
final class MappingsReport {
    private MappingsReport() {}

    @SuppressWarnings("unchecked")
    static void print(Map<String, Object> result) {
        Map<String, Object> rows = (Map<String, Object>) result.get("rows");
        List<String> problems = (List<String>) result.get("problems");
        int mappings = ((Number) result.get("mappings")).intValue();
        System.out.println();
        System.out.printf("%-12s %-5s %9s %9s %10s %8s %9s %9s %10s %9s%n", "row", "phase", "TM cores",
                "per map", "records/s", "CPU s/M", "RSS MB", "heap MB", "metasp MB", "seconds");
        for (Map.Entry<String, Object> e : rows.entrySet()) {
            if (!e.getKey().startsWith("mappings-")) {
                continue;
            }
            Map<String, Object> row = (Map<String, Object>) e.getValue();
            if (row.containsKey("tmRssMb")) { // the empty TaskManager
                System.out.printf("%-12s %-5s %9s %9s %10s %8s %9.0f %9.0f %10.0f %9s%n", e.getKey(), "-", "", "",
                        "", "", row.get("tmRssMb"), row.get("tmLiveHeapMb"), row.get("tmMetaspaceMb"), "");
                continue;
            }
            int m = (Integer) row.get("mappings");
            Map<String, Object> b = (Map<String, Object>) row.get("busy");
            Map<String, Object> i = (Map<String, Object>) row.get("idle");
            if (b != null) {
                System.out.printf("%-12s %-5s %9.3f %9.4f %10.0f %8.1f %9.0f %9.0f %10.0f %9.1f%n", e.getKey(),
                        "busy", b.get("tmCpuCores"), num(b, "tmCpuCores") / m, b.get("recordsPerSecond"),
                        b.get("tmCpuSecondsPerMillionRecords"), num(b, "tmPeakRssMb"),
                        b.get("tmLiveHeapMidDrainMb"), b.get("tmMetaspaceMb"), b.get("seconds"));
            }
            if (i != null) {
                System.out.printf("%-12s %-5s %9.3f %9.4f %10s %8s %9.0f %9.0f %10.0f %9.1f%n", e.getKey(), "idle",
                        i.get("tmCpuCores"), i.get("tmCpuCoresPerMapping"), "", "", i.get("tmRssMb"),
                        i.get("tmLiveHeapMb"), i.get("tmMetaspaceMb"), i.get("seconds"));
            }
        }
        System.out.println("  (busy: peak RSS and live heap after one forced full GC mid-drain; idle: RSS at the end"
                + " of the window, live heap after a full GC)");
        Map<String, Object> s = (Map<String, Object>) result.get("sizing");
        if (s != null) {
            printSizing(s, ((Number) result.get("maxBufferedMbPerMapping")).intValue(),
                    ((Number) result.get("partitionsPerMapping")).intValue(), (String) result.get("tmProcessSize"),
                    (String) result.get("tmMetaspaceSize"));
        }
        Map<String, Object> d = (Map<String, Object>) rows.get("delivery");
        if (d != null) {
            System.out.printf("delivery: %s of %d mappings received exactly the records produced, %s partitions "
                    + "committed short of the end%n", d.get("mappingsDeliveringEveryRecord"), mappings,
                    d.get("partitionsCommittedBehindEnd"));
        }
        Map<String, Object> machine = (Map<String, Object>) result.get("machine");
        System.out.printf("load before %s, after %s; total %.0f s%n", machine.get("loadavgBefore"),
                machine.get("loadavgAfter"), result.get("totalSeconds"));
        System.out.println(problems.isEmpty() ? "PASS: every mapping delivered" : "FAIL: " + problems);
    }

    @SuppressWarnings("unchecked")
    static void printSizing(Map<String, Object> s, int maxBufferedMb, int partitions, String tmProcessSize,
            String tmMetaspaceSize) {
        System.out.printf("%none more mapping costs: idle %.4f cores, %.1f MB RSS, %.1f MB live heap; busy %.1f MB "
                        + "live heap, %.1f MB peak RSS; %.1f MB metaspace; %.1f MB resident outside the heap; "
                        + "JobManager %.1f MB metaspace, %.1f MB RSS, %.1f MB live heap, %.4f cores idle%n",
                s.get("perMappingIdleCpuCores"), s.get("perMappingIdleRssMb"), s.get("perMappingIdleLiveHeapMb"),
                s.get("perMappingBusyLiveHeapMb"), s.get("perMappingBusyPeakRssMb"),
                s.get("perMappingMetaspaceMb"), s.get("perMappingNonHeapRssMb"),
                s.get("perMappingJobManagerMetaspaceMb"), s.get("perMappingJobManagerRssMb"),
                s.get("perMappingJobManagerLiveHeapMb"), s.get("perMappingJobManagerIdleCpuCores"));
        System.out.printf("sizing (-Xmx >= %.0f x busy live heap and >= idle live heap + mappings x "
                + "--max-buffered-mb %d, metaspace >= %.2f x measured, process >= -Xmx + "
                + "%.2f x resident outside the heap; Flink's default fractions otherwise), %d partitions per "
                + "mapping, parallelism 1:%n", SizingRule.HEAP_HEADROOM, maxBufferedMb,
                SizingRule.METASPACE_HEADROOM, SizingRule.NATIVE_HEADROOM, partitions);
        for (SizingRule.Plan p : (List<SizingRule.Plan>) s.get("plans")) {
            System.out.printf("  %3d mappings: %3d slots, taskmanager.memory.process.size %,6d MB "
                            + "(-Xmx %,d MB of %,d needed, jvm-metaspace.size %,d MB), RSS once the heap is all "
                            + "resident %,.0f MB; JobManager metaspace %,d MB%n", p.mappings(), p.slots(),
                    p.processMb(), p.heapMb(), p.heapNeededMb(), p.metaspaceMb(), p.expectedRssMb(),
                    p.jobManagerMetaspaceMb());
        }
        System.out.printf("  this run's TaskManager (%s, metaspace %s) fits %s mappings; flink-conf's default "
                + "(1280m, 2 slots) fits %s by memory%n", tmProcessSize, tmMetaspaceSize,
                s.get("maxMappingsOfThisTaskManager"), s.get("maxMappingsOfDefaultTaskManager1280m"));
    }

    private static double num(Map<String, Object> row, String key) {
        Object v = row.get(key);
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }
}
