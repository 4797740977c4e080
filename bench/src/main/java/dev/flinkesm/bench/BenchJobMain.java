package dev.flinkesm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkesm.config.MappingParser;
import dev.flinkesm.local.FlinkRest;
import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.OperatingSystemMXBean;
import dev.flinkesm.pipeline.EsmPipeline;
import dev.flinkesm.pipeline.JobOptions;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.management.NotificationEmitter;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job alone in its own JVM, for the memory and scale phases: runs the mapping on a local MiniCluster until the
 * function host counted {@code target} records (a target of 0, e.g. a function failing forever: for
 * {@code timeoutSeconds}) or {@code timeoutSeconds} passed since submission, sampling heap
 * every 20 ms, then prints one {@code BENCH-RESULT {json}} line with peak heap, peak heap after GC, VmHWM/VmRSS, CPU
 * and (with {@code --rest-port}) the job's checkpoint statistics, and exits. Right after submitting it prints
 * {@code BENCH-SUBMITTED <epochMs>}.
 *
 * <p>Args: mappingJson endpoint function target parallelism timeoutSeconds [options], options being
 * {@code --max-concurrent-invocations N}, {@code --max-buffered-mb N}, {@code --checkpoint-interval-ms N},
 * {@code --rest-port N}, {@code --kafka-property K=V} (repeatable) and {@code --no-forced-gc} (the scale phase: peak heap after GC from the collector's own
 * collections instead of a full GC forced every 250 ms, which would pause the job four times a second).
 */
public final class BenchJobMain {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        BenchData.fakeAws().forEach((k, v) -> {
            if (System.getProperty(k) == null) {
                System.setProperty(k, v);
            }
        });
        String mapping = args[0];
        String endpoint = args[1];
        String function = args[2];
        long target = Long.parseLong(args[3]);
        int parallelism = Integer.parseInt(args[4]);
        long timeoutSeconds = Long.parseLong(args[5]);
        JobOptions options = new JobOptions().lambdaEndpoint(endpoint).parallelism(parallelism);
        Configuration conf = new Configuration();
        int restPort = -1;
        boolean forcedGc = true;
        for (int i = 6; i < args.length; i++) {
            switch (args[i]) {
                case "--max-concurrent-invocations" -> options.maxConcurrentInvocations(Integer.parseInt(args[++i]));
                case "--max-buffered-mb" -> options.maxBufferedBytes(Long.parseLong(args[++i]) * 1024 * 1024);
                case "--checkpoint-interval-ms" ->
                        options.checkpointInterval(Duration.ofMillis(Long.parseLong(args[++i])));
                case "--rest-port" -> conf.set(RestOptions.PORT, restPort = Integer.parseInt(args[++i]));
                case "--no-forced-gc" -> forcedGc = false;
                case "--kafka-property" -> {
                    String[] kv = args[++i].split("=", 2);
                    options.kafkaProperties.put(kv[0], kv[1]);
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }

        HeapSampler heap = new HeapSampler(forcedGc);
        heap.start();
        HostStats stats = new HostStats(endpoint);
        if (target > 0) {
            stats.reset(function);
        }
        long startMs = System.currentTimeMillis();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        EsmPipeline.build(env, MappingParser.parse(mapping), options);
        JobClient job = env.executeAsync("bench job");
        System.out.println("BENCH-SUBMITTED " + System.currentTimeMillis());
        System.out.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long delivered = 0;
        while (System.nanoTime() < deadline && (target <= 0 || (delivered = stats.records(function)) < target)) {
            Thread.sleep(100);
        }
        var s = target > 0 ? stats.get(function) : new ObjectMapper().createObjectNode();
        heap.stopSampling();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("delivered", delivered);
        r.put("seconds", (System.currentTimeMillis() - startMs) / 1000.0);
        r.put("firstArrivalMs", s.path("firstArrivalMs").asLong());
        r.put("lastArrivalMs", s.path("lastArrivalMs").asLong());
        r.put("invocations", s.path("invocations").asLong());
        r.put("peakHeapUsedBytes", heap.peakUsed);
        r.put("peakHeapAfterGcBytes", heap.peakAfterGc);
        r.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        r.put("gcCount", gcCount());
        if (!forcedGc) {
            // one full collection now, the job still running: what it holds live at the end of the run
            System.gc();
            r.put("liveHeapAtEndBytes", ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        r.put("maxBufferedBytes", options.maxBufferedBytes);
        long pid = ProcessHandle.current().pid();
        r.put("vmHwmKb", ChildJvm.procStatusKb(pid, "VmHWM"));
        r.put("vmRssKb", ChildJvm.procStatusKb(pid, "VmRSS"));
        r.put("cpuSeconds", ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9);
        if (restPort > 0) {
            r.put("checkpoints", checkpoints(new FlinkRest("http://127.0.0.1:" + restPort), job));
        }
        // what the heap holds at the end (in this JVM's log, bench/target/bench-memory-*.log)
        try {
            String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            histogram.lines().limit(25).forEach(System.out::println);
        } catch (Exception e) {
            System.out.println("no class histogram: " + e);
        }
        System.out.println("BENCH-RESULT " + JSON.writeValueAsString(r));
        System.out.flush();
        try {
            job.cancel().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // exiting anyway
        }
        System.exit(delivered >= target ? 0 : 1);
    }

    /** The job's checkpoint counts, the summary (size and duration min/avg/max) and the latest completed one. */
    private static Map<String, Object> checkpoints(FlinkRest rest, JobClient job) {
        Map<String, Object> m = new LinkedHashMap<>();
        try {
            JsonNode c = rest.get("/jobs/" + job.getJobID() + "/checkpoints");
            System.out.println("checkpoint statistics: " + c); // the whole answer, in this JVM's log
            m.put("completed", c.at("/counts/completed").asLong());
            m.put("failed", c.at("/counts/failed").asLong());
            m.put("stateSizeBytes", JSON.convertValue(c.at("/summary/state_size"), Map.class));
            m.put("endToEndDurationMs", JSON.convertValue(c.at("/summary/end_to_end_duration"), Map.class));
            for (JsonNode h : c.path("history")) {
                if ("FAILED".equals(h.path("status").asText())) {
                    m.put("failedCheckpoint", Map.of("id", h.path("id").asLong(),
                            "failureMessage", h.path("failure_message").asText(""),
                            "triggerTimestampMs", h.path("trigger_timestamp").asLong()));
                }
            }
            JsonNode latest = c.at("/latest/completed");
            if (!latest.isMissingNode() && !latest.isNull()) {
                m.put("latestStateSizeBytes", latest.path("state_size").asLong());
                m.put("latestDurationMs", latest.path("end_to_end_duration").asLong());
            }
        } catch (RuntimeException e) {
            m.put("error", e.toString());
        }
        return m;
    }

    private static long gcCount() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    /**
     * Peak heap in use (sampled every 20 ms: depends on when the collector runs, so on run length and GC
     * heuristics) and peak heap after GC. With {@code forcedGc}, the latter is the heap in use right after a full
     * collection forced every 250 ms: what grows if the job holds records it should not. Without, it is the heap
     * in use after each of the collector's own collections: an upper bound on live heap (a young collection leaves
     * old-generation garbage in place) that costs the job nothing.
     */
    static final class HeapSampler extends Thread {
        volatile long peakUsed;
        volatile long peakAfterGc;
        private final boolean forcedGc;
        private volatile boolean running = true;

        HeapSampler(boolean forcedGc) {
            super("bench-heap-sampler");
            this.forcedGc = forcedGc;
            setDaemon(true);
            if (!forcedGc) {
                Set<String> heapPools = new HashSet<>();
                for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                    if (pool.getType() == MemoryType.HEAP) {
                        heapPools.add(pool.getName());
                    }
                }
                for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                    ((NotificationEmitter) gc).addNotificationListener((n, h) -> {
                        if (running && n.getUserData() instanceof CompositeData data) {
                            long after = GarbageCollectionNotificationInfo.from(data).getGcInfo()
                                    .getMemoryUsageAfterGc().entrySet().stream()
                                    .filter(e -> heapPools.contains(e.getKey()))
                                    .mapToLong(e -> e.getValue().getUsed()).sum();
                            synchronized (this) {
                                peakAfterGc = Math.max(peakAfterGc, after);
                            }
                        }
                    }, n -> n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION), null);
                }
            }
        }

        @Override
        public void run() {
            var memory = ManagementFactory.getMemoryMXBean();
            long nextGc = System.nanoTime();
            while (running) {
                peakUsed = Math.max(peakUsed, memory.getHeapMemoryUsage().getUsed());
                if (forcedGc && System.nanoTime() >= nextGc) {
                    System.gc();
                    peakAfterGc = Math.max(peakAfterGc, memory.getHeapMemoryUsage().getUsed());
                    nextGc = System.nanoTime() + 250_000_000L;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stopSampling() {
            running = false;
        }
    }
}
