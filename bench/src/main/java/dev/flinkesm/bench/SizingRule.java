package dev.flinkesm.bench;

/**
 * From two measured points (1 mapping and M mappings on one TaskManager), the cost of one more mapping and the
 * TaskManager that runs a given number of them. Each resource is modelled as {@code fixed + perMapping × mappings}
 * through the two points; the TaskManager is then sized so that:
 * <ul>
 *   <li>slots = mappings × parallelism (one slot per subtask; a job's source is its only task);
 *   <li>-Xmx (framework + task heap) ≥ {@link #HEAP_HEADROOM} × the live heap while every mapping drains a backlog
 *       (the heap after a forced full GC in mid-drain): the collector needs room beyond what is live; and ≥ the
 *       live heap when idle plus every mapping's whole {@code --max-buffered-mb}, what the readers may hold at once
 *       behind backlogs larger than the budget (a mid-drain sample may catch buffers half full);
 *   <li>metaspace ≥ {@link #METASPACE_HEADROOM} × the measured metaspace: every job loads the shaded job jar's
 *       classes in its own class loader, so metaspace grows with each mapping and a full metaspace fails the job;
 *   <li>the process size is the smallest one (in 64 MB steps) for which Flink's memory model ({@link FlinkMemory})
 *       derives those, and that holds the whole heap (Flink sets -Xms = -Xmx, so a long-running TaskManager ends up
 *       with all of it resident) plus {@link #NATIVE_HEADROOM} × the measured resident memory outside the heap
 *       (metaspace, code, threads, direct buffers, CRT's native memory), which Flink's model does not bound.
 * </ul>
 * The JobManager keeps each running job's class loader too (its Kafka split enumerator runs there), so its
 * metaspace is sized the same way: {@code jobmanager.memory.jvm-metaspace.size} ≥ {@link #METASPACE_HEADROOM} × the
 * measured JobManager metaspace.
 */
final class SizingRule {
    static final double HEAP_HEADROOM = 2.0;
    static final double METASPACE_HEADROOM = 1.25;
    static final double NATIVE_HEADROOM = 1.25;
    private static final long STEP_MB = 64;

    /** {@code fixed + perMapping × m}, through two measurements. */
    record Linear(double fixed, double perMapping) {
        static Linear through(int m1, double x1, int m2, double x2) {
            if (m1 == m2) {
                throw new IllegalArgumentException("two different mapping counts are needed, got " + m1 + " twice");
            }
            double slope = (x2 - x1) / (m2 - m1);
            return new Linear(x1 - slope * m1, slope);
        }

        double at(int mappings) {
            return fixed + perMapping * mappings;
        }
    }

    /** What one TaskManager needs for {@code mappings} mappings. */
    /**
     * One TaskManager for {@code mappings}: its slots, the -Xmx and metaspace it needs, the process size that gives
     * both, the -Xmx Flink derives from that size, and the resident set to expect once the heap is all resident.
     */
    record Plan(int mappings, int parallelism, int slots, long heapNeededMb, long metaspaceMb, long processMb,
            long heapMb, double expectedRssMb, long jobManagerMetaspaceMb) {}

    final Linear liveHeapBusyMb;
    final Linear metaspaceMb;
    final Linear nonHeapRssMb;
    final Linear jobManagerMetaspaceMb;
    final Linear liveHeapIdleMb;
    final double bufferBudgetMb;

    SizingRule(Linear liveHeapBusyMb, Linear metaspaceMb, Linear nonHeapRssMb, Linear jobManagerMetaspaceMb,
            Linear liveHeapIdleMb, double bufferBudgetMb) {
        this.liveHeapIdleMb = liveHeapIdleMb;
        this.bufferBudgetMb = bufferBudgetMb;
        this.liveHeapBusyMb = liveHeapBusyMb;
        this.metaspaceMb = metaspaceMb;
        this.nonHeapRssMb = nonHeapRssMb;
        this.jobManagerMetaspaceMb = jobManagerMetaspaceMb;
    }

    Plan plan(int mappings, int parallelism) {
        long heapNeeded = roundUp(heapNeeded(mappings), 16);
        long metaspace = metaspaceFor(metaspaceMb, mappings);
        long process = FlinkMemory.processMbFor(heapNeeded, metaspace);
        while (!fits(process, metaspace, mappings)) {
            process += STEP_MB;
        }
        double heap = FlinkMemory.heapMb(process, metaspace);
        return new Plan(mappings, parallelism, mappings * parallelism, heapNeeded, metaspace, process,
                (long) Math.floor(heap), heap + nonHeapRssMb.at(mappings),
                metaspaceFor(jobManagerMetaspaceMb, mappings));
    }

    /** The most mappings a TaskManager of {@code processMb} with {@code metaspaceMb} of metaspace runs. */
    int maxMappings(long processMb, long metaspaceMb) {
        int m = 0;
        while (m < 10_000 && fits(processMb, metaspaceMb, m + 1)) {
            m++;
        }
        return m;
    }

    private boolean fits(long processMb, long metaspaceMb, int mappings) {
        double heap = FlinkMemory.heapMb(processMb, metaspaceMb);
        return heapNeeded(mappings) <= heap
                && METASPACE_HEADROOM * this.metaspaceMb.at(mappings) <= metaspaceMb
                && heap + NATIVE_HEADROOM * nonHeapRssMb.at(mappings) <= processMb;
    }

    private double heapNeeded(int mappings) {
        return Math.max(HEAP_HEADROOM * liveHeapBusyMb.at(mappings),
                liveHeapIdleMb.at(mappings) + mappings * bufferBudgetMb);
    }

    private static long metaspaceFor(Linear measured, int mappings) {
        return Math.max((long) FlinkMemory.DEFAULT_METASPACE_MB,
                roundUp(METASPACE_HEADROOM * measured.at(mappings), 64));
    }

    private static long roundUp(double v, long step) {
        return (long) Math.ceil(v / step) * step;
    }
}
