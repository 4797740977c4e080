package dev.flinkesm.bench;

import static dev.flinkesm.bench.ManyMappingsBench.log;
import static dev.flinkesm.bench.MappingsRig.function;
import static dev.flinkesm.bench.MappingsRig.topic;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The measured phases of the mappings bench, each returning its row: the TaskManager with no job, then a number of
 * mappings busy (draining a backlog) and idle (caught up, nothing produced).
 */
final class MappingsPhases {
    private final MappingsRig rig;
    private final MappingsDelivery delivery;
    private final List<String> problems;
    private final int idleSeconds;

    MappingsPhases(MappingsRig rig, MappingsDelivery delivery, List<String> problems, int idleSeconds) {
        this.rig = rig;
        this.delivery = delivery;
        this.problems = problems;
        this.idleSeconds = idleSeconds;
    }

    /** The TaskManager before any job: the fixed cost every mapping shares. */
    Map<String, Object> emptyTaskManager() throws Exception {
        JvmProbe.HeapInfo heap = rig.tm.afterFullGc();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("mappings", 0);
        row.put("tmRssMb", rig.tm.rssMb());
        row.put("tmLiveHeapMb", heap.heapUsedMb());
        row.put("tmHeapRssMb", rig.tm.heapRssMb(heap));
        row.put("tmNonHeapRssMb", rig.tm.rssMb() - rig.tm.heapRssMb(heap));
        row.put("tmMetaspaceMb", heap.metaspaceUsedMb());
        row.put("jmMetaspaceMb", rig.jm.afterFullGc().metaspaceUsedMb());
        log(String.format("empty TaskManager: RSS %.0f MB, live heap %.0f MB, metaspace %.0f MB", rig.tm.rssMb(),
                heap.heapUsedMb(), heap.metaspaceUsedMb()));
        return row;
    }

    /**
     * The first {@code active} mappings drain {@code recordsEach} records each at once: produced by one producer,
     * topic after topic, so that each topic's backlog lands in a burst far faster than its mapping drains it (and
     * batches fill as they would behind a real backlog; interleaving the topics instead fed each partition at about
     * its drain rate, and the batching window closed batches a third full); measured from the first to the last
     * arrival at any of their functions, with one forced full GC (through jcmd) once a third has arrived, for the
     * live heap while busy.
     */
    Map<String, Object> busy(int active, long recordsEach) throws Exception {
        for (int i = 0; i < active; i++) {
            delivery.deliveredBefore(i, rig.stats.reset(function(i)).path("records").asLong());
        }
        boolean peakReset = rig.tm.resetPeakRss();
        double[] jitGcBefore = rig.tm.jitAndGcCpuSeconds();
        double cpuBefore = rig.tm.cpuSeconds();
        CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> produce(active, recordsEach));
        long expectedTotal = active * recordsEach;
        long deadline = System.currentTimeMillis() + 300_000;
        JvmProbe.HeapInfo midHeap = null;
        double midNonHeapRss = Double.NaN;
        long total;
        while (true) {
            total = 0;
            boolean all = true;
            for (int i = 0; i < active; i++) {
                long got = rig.stats.records(function(i));
                total += got;
                all &= got >= recordsEach;
            }
            if (midHeap == null && total >= expectedTotal / 3 && total < expectedTotal) {
                midHeap = rig.tm.afterFullGc();
                midNonHeapRss = rig.tm.rssMb() - rig.tm.heapRssMb(midHeap);
            }
            if (all) {
                break;
            }
            if (System.currentTimeMillis() > deadline) {
                problems.add(active + " mappings busy: " + total + " of " + expectedTotal + " records after 300 s");
                break;
            }
            Thread.sleep(200);
        }
        double[] jitGcAfter = rig.tm.jitAndGcCpuSeconds();
        double cpuAfter = rig.tm.cpuSeconds();
        producing.get(60, TimeUnit.SECONDS);
        for (int i = 0; i < active; i++) {
            delivery.produced(i, recordsEach);
        }
        long first = Long.MAX_VALUE;
        long last = 0;
        long invocations = 0;
        for (int i = 0; i < active; i++) {
            JsonNode s = rig.stats.get(function(i));
            first = Math.min(first, s.path("firstArrivalMs").asLong());
            last = Math.max(last, s.path("lastArrivalMs").asLong());
            invocations += s.path("invocations").asLong();
        }
        double peakRss = rig.tm.peakRssMb();
        delivery.awaitCommitted(active);
        double seconds = Math.max(0.001, (last - first) / 1000.0);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("records", total);
        row.put("invocations", invocations);
        row.put("seconds", seconds);
        row.put("recordsPerSecond", total / seconds);
        double tmCpu = rig.cpu.between(1, first, last);
        row.put("tmCpuSeconds", tmCpu);
        row.put("tmCpuCores", tmCpu / seconds);
        row.put("tmCpuSecondsPerMillionRecords", tmCpu / total * 1e6);
        row.put("jmCpuCores", rig.cpu.between(2, first, last) / seconds);
        // From the first record produced to the last delivered, by thread: how much of the TaskManager's CPU was
        // compiling (every job's classes are its own, so each is JIT-compiled on its own) and collecting.
        Map<String, Object> threads = new LinkedHashMap<>();
        threads.put("allThreads", cpuAfter - cpuBefore);
        threads.put("jitCompilerThreads", jitGcAfter[0] - jitGcBefore[0]);
        threads.put("gcThreads", jitGcAfter[1] - jitGcBefore[1]);
        row.put("tmCpuSecondsByThreads", threads);
        row.put("hostCpuSecondsPerMillionRecords", rig.cpu.between(3, first, last) / total * 1e6);
        row.put("brokerCpuSecondsPerMillionRecords", rig.cpu.between(4, first, last) / total * 1e6);
        row.put("tmPeakRssMb", peakRss);
        row.put("tmPeakRssIsSinceStart", !peakReset); // the kernel refused to reset VmHWM
        row.put("tmLiveHeapMidDrainMb", midHeap == null ? Double.NaN : midHeap.heapUsedMb());
        row.put("tmHeapCommittedMidDrainMb", midHeap == null ? Double.NaN : midHeap.heapCommittedMb());
        row.put("tmMetaspaceMb", midHeap == null ? Double.NaN : midHeap.metaspaceUsedMb());
        row.put("tmNonHeapRssMidDrainMb", midNonHeapRss);
        log(String.format("%d busy: %,d records in %.1f s = %,.0f/s, TaskManager %.2f cores, %.1f CPU s/M records, "
                        + "peak RSS %.0f MB, live heap mid-drain %.0f MB; TaskManager CPU s produce-to-done %.1f, "
                        + "of which JIT %.1f, GC %.1f", active, total, seconds, total / seconds,
                tmCpu / seconds, tmCpu / total * 1e6, peakRss, midHeap == null ? Double.NaN : midHeap.heapUsedMb(),
                cpuAfter - cpuBefore, jitGcAfter[0] - jitGcBefore[0], jitGcAfter[1] - jitGcBefore[1]));
        return row;
    }

    private void produce(int active, long recordsEach) {
        Random random = new Random(active);
        try (KafkaProducer<byte[], byte[]> producer = BenchData.producer(rig.bootstrap, 5)) {
            for (int i = 0; i < active; i++) {
                for (long n = 0; n < recordsEach; n++) {
                    producer.send(BenchData.record(random, topic(i), (int) (n % rig.settings.partitions())));
                }
            }
            producer.flush();
        }
    }

    /**
     * The first {@code active} mappings caught up, then {@code idleSeconds} with nothing produced: TaskManager and
     * JobManager CPU over the window; resident set at its end; live heap and metaspace after a full GC once the
     * window is over (so the GC is not in the window's CPU).
     */
    Map<String, Object> idle(int active) throws Exception {
        Thread.sleep(5_000); // the drain's last commits and collections settle
        long before = deliveredNow(active);
        boolean peakReset = rig.tm.resetPeakRss();
        long from = System.currentTimeMillis();
        rig.cpu.sample();
        Thread.sleep(idleSeconds * 1000L);
        rig.cpu.sample();
        long to = System.currentTimeMillis();
        double rss = rig.tm.rssMb();
        double peakRss = rig.tm.peakRssMb();
        long during = deliveredNow(active) - before;
        if (during != 0) {
            problems.add(active + " mappings idle: " + during + " records delivered while nothing was produced");
        }
        JvmProbe.HeapInfo heap = rig.tm.afterFullGc();
        double seconds = (to - from) / 1000.0;
        double tmCores = rig.cpu.between(1, from, to) / seconds;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("seconds", seconds);
        row.put("recordsDeliveredDuring", during);
        row.put("tmCpuCores", tmCores);
        row.put("tmCpuCoresPerMapping", tmCores / active);
        row.put("jmCpuCores", rig.cpu.between(2, from, to) / seconds);
        row.put("tmRssMb", rss);
        row.put("tmPeakRssMb", peakRss);
        row.put("tmPeakRssIsSinceStart", !peakReset); // the kernel refused to reset VmHWM
        row.put("tmLiveHeapMb", heap.heapUsedMb());
        row.put("tmHeapRssMb", rig.tm.heapRssMb(heap));
        row.put("tmNonHeapRssMb", rig.tm.rssMb() - rig.tm.heapRssMb(heap));
        row.put("tmHeapCommittedMb", heap.heapCommittedMb());
        row.put("tmMetaspaceMb", heap.metaspaceUsedMb());
        row.put("tmMetaspaceCommittedMb", heap.metaspaceCommittedMb());
        JvmProbe.HeapInfo jmHeap = rig.jm.afterFullGc();
        row.put("jmRssMb", rig.jm.rssMb());
        row.put("jmLiveHeapMb", jmHeap.heapUsedMb());
        row.put("jmMetaspaceMb", jmHeap.metaspaceUsedMb());
        Map<String, Double> nativeMemory = rig.tm.nativeMemoryCommittedMb();
        if (!nativeMemory.isEmpty()) {
            row.put("tmNativeMemoryCommittedMb", nativeMemory);
        }
        log(String.format("%d idle: TaskManager %.3f cores (%.4f per mapping), JobManager %.3f cores, RSS %.0f MB, "
                        + "live heap %.0f MB, metaspace %.0f MB; JobManager metaspace %.0f MB", active, tmCores,
                tmCores / active, rig.cpu.between(2, from, to) / seconds, rss, heap.heapUsedMb(),
                heap.metaspaceUsedMb(), jmHeap.metaspaceUsedMb()));
        return row;
    }

    private long deliveredNow(int active) {
        long sum = 0;
        for (int i = 0; i < active; i++) {
            sum += rig.stats.records(function(i));
        }
        return sum;
    }
}
