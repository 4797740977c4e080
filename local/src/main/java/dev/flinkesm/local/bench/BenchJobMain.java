package dev.flinkesm.local.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkesm.EsmPipeline;
import dev.flinkesm.JobOptions;
import dev.flinkesm.config.MappingParser;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The job alone in its own JVM, for the memory phase: runs the mapping on a local MiniCluster until the function
 * host counted {@code target} records (or, with a target of 0, e.g. for a function that fails forever, for
 * {@code timeoutSeconds}), sampling heap every 20 ms, then prints one {@code BENCH-RESULT {json}} line with peak
 * heap, peak heap after GC, VmHWM/VmRSS and CPU, and exits.
 * Args: mappingJson endpoint function target parallelism timeoutSeconds [maxBufferedMb]
 */
public final class BenchJobMain {
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
        if (args.length > 6) {
            options.maxBufferedBytes(Long.parseLong(args[6]) << 20);
        }

        HeapSampler heap = new HeapSampler();
        heap.start();
        HostStats stats = new HostStats(endpoint);
        if (target > 0) {
            stats.reset(function);
        }
        long startMs = System.currentTimeMillis();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, new Configuration());
        EsmPipeline.build(env, MappingParser.parse(mapping), options);
        JobClient job = env.executeAsync("bench memory");
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
        r.put("maxBufferedBytes", options.maxBufferedBytes);
        long pid = ProcessHandle.current().pid();
        r.put("vmHwmKb", ChildJvm.procStatusKb(pid, "VmHWM"));
        r.put("vmRssKb", ChildJvm.procStatusKb(pid, "VmRSS"));
        r.put("cpuSeconds", ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9);
        // what the heap holds at the end (in this JVM's log, local/target/bench-memory-*.log)
        try {
            String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            histogram.lines().limit(25).forEach(System.out::println);
        } catch (Exception e) {
            System.out.println("no class histogram: " + e);
        }
        System.out.println("BENCH-RESULT " + new ObjectMapper().writeValueAsString(r));
        System.out.flush();
        try {
            job.cancel().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // exiting anyway
        }
        System.exit(delivered >= target ? 0 : 1);
    }

    /**
     * Peak heap in use (sampled every 20 ms: depends on when the collector runs, so on run length and GC
     * heuristics) and peak live heap: heap in use right after a full collection forced every 250 ms, which is
     * what grows if the job holds records it should not.
     */
    static final class HeapSampler extends Thread {
        volatile long peakUsed;
        volatile long peakAfterGc;
        private volatile boolean running = true;

        HeapSampler() {
            super("bench-heap-sampler");
            setDaemon(true);
        }

        @Override
        public void run() {
            var memory = ManagementFactory.getMemoryMXBean();
            long nextGc = System.nanoTime();
            while (running) {
                peakUsed = Math.max(peakUsed, memory.getHeapMemoryUsage().getUsed());
                if (System.nanoTime() >= nextGc) {
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
