package dev.flinkesm.bench;

/**
 * Flink 2.2's TaskManager memory model for a configuration that sets only {@code taskmanager.memory.process.size}
 * (as flink-conf/config.yaml does) and, optionally, {@code taskmanager.memory.jvm-metaspace.size}; the other
 * components at Flink's defaults. Invariant: {@link #processMbFor} is the smallest process size (in 64 MB steps)
 * whose derived task heap and metaspace are at least the ones asked for.
 */
final class FlinkMemory {
    static final double FRAMEWORK_HEAP_MB = 128;
    static final double FRAMEWORK_OFF_HEAP_MB = 128;
    static final double NETWORK_FRACTION = 0.1;
    static final double NETWORK_MIN_MB = 64;
    static final double NETWORK_MAX_MB = 1024;
    static final double MANAGED_FRACTION = 0.4;
    static final double OVERHEAD_FRACTION = 0.1;
    static final double OVERHEAD_MIN_MB = 192;
    static final double OVERHEAD_MAX_MB = 1024;
    static final double DEFAULT_METASPACE_MB = 256;
    private static final long STEP_MB = 64;

    private FlinkMemory() {}

    /** The task heap Flink derives from a process size: what is left of total Flink memory after the rest. */
    static double taskHeapMb(double processMb, double metaspaceMb) {
        double overhead = clamp(OVERHEAD_FRACTION * processMb, OVERHEAD_MIN_MB, OVERHEAD_MAX_MB);
        double totalFlink = processMb - metaspaceMb - overhead;
        double network = clamp(NETWORK_FRACTION * totalFlink, NETWORK_MIN_MB, NETWORK_MAX_MB);
        double managed = MANAGED_FRACTION * totalFlink;
        return totalFlink - FRAMEWORK_HEAP_MB - FRAMEWORK_OFF_HEAP_MB - network - managed;
    }

    /** The JVM's -Xmx: framework heap plus task heap. */
    static double heapMb(double processMb, double metaspaceMb) {
        return FRAMEWORK_HEAP_MB + taskHeapMb(processMb, metaspaceMb);
    }

    /** The smallest process size, a multiple of 64 MB, whose -Xmx is at least {@code heapMb} with that metaspace. */
    static long processMbFor(double heapMb, double metaspaceMb) {
        long process = STEP_MB;
        while (heapMb(process, metaspaceMb) < heapMb) {
            process += STEP_MB;
        }
        return process;
    }

    private static double clamp(double v, double min, double max) {
        return Math.max(min, Math.min(max, v));
    }
}
