package dev.flinkesm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Partition scale: the 100 ms function over 256 and 1,024 partitions on one job at parallelism 2, with
 * {@code --max-concurrent-invocations} below, at and above what the partitions allow. The job runs alone in a
 * child JVM ({@link BenchJobMain}) so that its heap, CPU and checkpoints (from its MiniCluster's REST API) are its own.
 *
 * <p>The cap is per subtask, so at most {@code min(cap x parallelism, P)} invocations are in flight and the ideal
 * is that many x BatchSize / 0.1 s. Rows: {@code slow-p<P>} at the default cap (256), {@code slow-p<P>-cap<C>}
 * otherwise; each carries {@code fractionOfIdeal} and {@code secondsTo90Percent} as the slow-function rows do.
 * BatchSize is 1 by default ({@code --scale-batch-size}): the phase measures how many invocations the job keeps in
 * flight, and the backlog that BatchSize 10 would need to keep 1,024 partitions busy for the whole run (1.8 million
 * records) takes longer to produce than the phase may run.
 */
final class ScalePhase implements BenchPhase {
    static final int PARALLELISM = 2;
    /** DeliverySettings' default, per subtask. */
    static final int DEFAULT_CAP = 256;
    /** The job's default {@code --max-buffered-mb}, per subtask; the phase runs with it. */
    static final int MAX_BUFFERED_MB = 128;
    static final long CHECKPOINT_INTERVAL_MS = 5_000;
    static final int SECONDS = 14;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A run: P partitions, cap per subtask. */
    record Run(int partitions, int cap) {
        String id() {
            return "slow-p" + partitions + (cap == DEFAULT_CAP ? "" : "-cap" + cap);
        }

        /** At most this many invocations in flight: the cap on each subtask, or one per partition. */
        int concurrency() {
            return Math.min(cap * PARALLELISM, partitions);
        }
    }

    /**
     * Per P: a cap whose ideal 2 cores can carry (64 in flight, the slow-p64 row's ideal), one at half the
     * partitions in flight, one at exactly one per partition, and one above.
     */
    static final List<Run> RUNS = List.of(
            new Run(256, 32), new Run(256, 64), new Run(256, 128), new Run(256, DEFAULT_CAP),
            new Run(1024, 32), new Run(1024, DEFAULT_CAP), new Run(1024, 512), new Run(1024, 1024));

    @Override
    public String name() {
        return "scale";
    }

    @Override
    public boolean inDefaultRun(boolean quick) {
        return false; // about four minutes on its own: scripts/bench --phases scale
    }

    @Override
    public void run(BenchContext c) throws Exception {
        int batch = c.scaleBatchSize;
        int perPartition = (int) Math.ceil(batch / SlowFunctionPhase.LATENCY_SECONDS * (SECONDS + 4));
        int created = -1;
        for (Run run : runs(c)) {
            if (run.partitions() != created) {
                String topic = topic(run.partitions());
                long t = System.nanoTime();
                BenchData.createTopic(c.bootstrap(), topic, run.partitions());
                double createSeconds = BenchContext.secondsSince(t);
                t = System.nanoTime();
                long backlog = (long) perPartition * run.partitions();
                BenchData.produce(c.bootstrap(), topic, run.partitions(), backlog);
                double produceSeconds = BenchContext.secondsSince(t);
                c.extra.put("scaleTopicCreateSeconds-p" + run.partitions(), createSeconds);
                c.extra.put("scaleProduceSeconds-p" + run.partitions(), produceSeconds);
                c.log(String.format("topic %s: %d partitions created in %.2f s, %,d records produced in %.1f s",
                        topic, run.partitions(), createSeconds, backlog, produceSeconds));
                created = run.partitions();
            }
            measure(c, run, batch, perPartition);
        }
    }

    /** The default runs, or those {@code --scale-runs} names, grouped by partition count (one topic each). */
    static List<Run> runs(BenchContext c) {
        if (c.scaleRuns.isEmpty()) {
            return RUNS;
        }
        List<Run> runs = new ArrayList<>();
        for (String spec : c.scaleRuns) {
            String[] pc = spec.split(":");
            runs.add(new Run(Integer.parseInt(pc[0]), pc.length > 1 ? Integer.parseInt(pc[1]) : DEFAULT_CAP));
        }
        runs.sort(Comparator.comparingInt(Run::partitions));
        return runs;
    }

    private static String topic(int partitions) {
        return "scale-" + partitions;
    }

    private static void measure(BenchContext c, Run run, int batch, int perPartition) throws Exception {
        String function = SlowFunctionPhase.FUNCTION;
        c.stats().reset(function);
        double ideal = run.concurrency() * batch / SlowFunctionPhase.LATENCY_SECONDS;
        List<String> jvm = new ArrayList<>(BenchContext.javaOpens());
        jvm.add("-Xmx1g");
        jvm.add("-Dlog4j.configurationFile=bench/src/main/resources/log4j2-bench.xml");
        if (c.profile) {
            Path jfr = c.out.resolve("bench-" + c.stamp + "-" + run.id() + ".jfr").toAbsolutePath();
            jvm.add("-XX:StartFlightRecording=settings=profile,filename=" + jfr);
            c.addJfr(jfr);
        }
        int restPort = freePort();
        String mapping = BenchData.mapping(function, topic(run.partitions()), c.bootstrap(), c.group(run.id()),
                batch, null);
        List<String> args = new ArrayList<>(List.of(mapping, c.endpoint(), function, Long.toString(Long.MAX_VALUE),
                Integer.toString(PARALLELISM), Integer.toString(SECONDS),
                "--max-concurrent-invocations", Integer.toString(run.cap()),
                "--max-buffered-mb", Integer.toString(MAX_BUFFERED_MB),
                "--checkpoint-interval-ms", Long.toString(CHECKPOINT_INTERVAL_MS),
                "--rest-port", Integer.toString(restPort), "--no-forced-gc"));
        for (String property : c.scaleKafkaProperties) {
            args.add("--kafka-property");
            args.add(property);
        }
        try (ChildJvm child = ChildJvm.start(run.id(), jvm, BenchJobMain.class.getName(), args,
                Path.of("bench/target/bench-" + run.id() + ".log"))) {
            long submitted = Long.parseLong(child.awaitLine("BENCH-SUBMITTED ", 120).trim());
            IdealRate rate = new IdealRate(ideal);
            List<double[]> cpu = new ArrayList<>(); // [epochMs, job JVM CPU seconds]
            JsonNode s = c.stats().get(function);
            while (System.currentTimeMillis() < submitted + SECONDS * 1000L) {
                Thread.sleep(200);
                s = c.stats().get(function);
                long now = System.currentTimeMillis();
                rate.add(now, s.path("records").asLong());
                cpu.add(new double[] {now, child.cpuSeconds()});
            }
            JsonNode r = JSON.readTree(child.awaitLine("BENCH-RESULT ", 60));
            child.waitFor(30);
            long first = s.path("firstArrivalMs").asLong();
            long last = s.path("lastArrivalMs").asLong();
            String name = String.format("slow 100 ms, P=%d, cap %d x %d, BatchSize %d", run.partitions(),
                    run.cap(), PARALLELISM, batch);
            Map<String, Object> row = c.row(run.id(), name, s.path("records").asLong(), first, last, s);
            // the work is in the job's JVM, not this one: its CPU per million records over the same interval
            row.put("cpuSecondsPerMillion", perMillion(cpuBetween(cpu, first, last), s.path("records").asLong()));
            SlowFunctionPhase.putRate(row, rate, s, submitted);
            row.put("partitions", run.partitions());
            row.put("maxConcurrentInvocations", run.cap());
            row.put("parallelism", PARALLELISM);
            row.put("batchSize", batch);
            row.put("concurrencyLimit", run.concurrency());
            row.put("backlogPerPartition", perPartition);
            if (!c.scaleKafkaProperties.isEmpty()) {
                row.put("kafkaProperties", c.scaleKafkaProperties);
            }
            row.put("jobJvmCores", coresFrom(cpu, first + IdealRate.STEADY_AFTER_MS));
            row.put("peakHeapMb", r.path("peakHeapUsedBytes").asLong() / 1048576.0);
            row.put("peakHeapAfterGcMb", r.path("peakHeapAfterGcBytes").asLong() / 1048576.0);
            row.put("liveHeapAtEndMb", r.path("liveHeapAtEndBytes").asLong() / 1048576.0);
            row.put("maxHeapMb", r.path("maxHeapBytes").asLong() / 1048576.0);
            row.put("maxBufferedMbPerSubtask", MAX_BUFFERED_MB);
            row.put("bufferBudgetMb", MAX_BUFFERED_MB * PARALLELISM);
            row.put("vmHwmMb", r.path("vmHwmKb").asLong() / 1024.0);
            row.put("gcCount", r.path("gcCount").asLong());
            row.put("checkpointIntervalMs", CHECKPOINT_INTERVAL_MS);
            row.put("checkpoints", JSON.convertValue(r.path("checkpoints"), Map.class));
        }
    }

    /**
     * The scale rows of this run, in run order, rebuilt from their fields (a run may have used --scale-runs). The
     * phase is not in a default run, so it adds targets only for rows that ran.
     */
    private static List<Run> ranRuns(BenchRows rows) {
        List<Run> runs = new ArrayList<>();
        for (Map<String, Object> r : rows.asMap().values()) {
            if (r.get("partitions") instanceof Integer p && r.get("maxConcurrentInvocations") instanceof Integer cap) {
                runs.add(new Run(p, cap));
            }
        }
        return runs;
    }

    private static double perMillion(double cpuSeconds, long count) {
        return count > 0 ? cpuSeconds * 1e6 / count : Double.NaN;
    }

    /** CPU seconds between two instants, from the nearest samples at or after each. */
    private static double cpuBetween(List<double[]> cpu, long fromMs, long toMs) {
        double[] from = atOrAfter(cpu, fromMs);
        double[] to = atOrAfter(cpu, toMs);
        return from == null || to == null ? Double.NaN : to[1] - from[1];
    }

    /** Cores the job JVM kept busy from {@code fromMs} to the last sample. */
    private static double coresFrom(List<double[]> cpu, long fromMs) {
        double[] from = atOrAfter(cpu, fromMs);
        double[] to = cpu.isEmpty() ? null : cpu.get(cpu.size() - 1);
        return from == null || to[0] <= from[0] ? Double.NaN : (to[1] - from[1]) * 1000 / (to[0] - from[0]);
    }

    private static double[] atOrAfter(List<double[]> samples, long ms) {
        for (double[] x : samples) {
            if (x[0] >= ms) {
                return x;
            }
        }
        return samples.isEmpty() ? null : samples.get(samples.size() - 1);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void targets(BenchRows rows, BenchReport.Targets t) {
        for (Run run : ranRuns(rows)) {
            String label = String.format("scale P=%d, cap %d x %d", run.partitions(), run.cap(), PARALLELISM);
            t.addIdeal(label, rows, run.id());
            double heap = rows.num(run.id(), "liveHeapAtEndMb");
            double budget = rows.num(run.id(), "bufferBudgetMb");
            t.add(label + ": live heap within buffer budget", heap, String.format("<= %.0f MB", budget),
                    heap <= budget);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void summary(BenchRows rows, Consumer<String> line) {
        for (Run run : ranRuns(rows)) {
            Map<String, Object> r = rows.get(run.id());
            Map<String, Object> cp = (Map<String, Object>) r.get("checkpoints");
            Object size = cp == null || cp.get("stateSizeBytes") == null ? null
                    : ((Map<String, Object>) cp.get("stateSizeBytes")).get("max");
            Object duration = cp == null || cp.get("endToEndDurationMs") == null ? null
                    : ((Map<String, Object>) cp.get("endToEndDurationMs")).get("max");
            Object s90 = r.get("secondsTo90Percent");
            line.accept(String.format("%-18s %,.0f of ideal %,.0f records/s = %.0f %%, 90 %% after %s, peak in flight"
                            + " %s of %d, job JVM %.2f cores; heap live at end %.0f MB, peak after GC %.0f MB, budget"
                            + " %s MB; checkpoints %s, max %s B, max %s ms",
                    run.id(), r.get("steadyRecordsPerSecond"), r.get("idealRecordsPerSecond"),
                    100 * (Double) r.get("fractionOfIdeal"), s90 == null ? "never" : s90 + " s", r.get("peakInFlight"),
                    run.concurrency(), r.get("jobJvmCores"), r.get("liveHeapAtEndMb"), r.get("peakHeapAfterGcMb"),
                    r.get("bufferBudgetMb"), cp == null ? null : cp.get("completed"), size, duration));
        }
    }
}
