package dev.flinkesm.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Many mappings on one Flink session cluster: a real multi-process cluster ({@code scripts/flink-cluster}, one
 * TaskManager with a slot per mapping), the broker and the function host as child JVMs, each mapping its own job,
 * topic, consumer group and counting function. Measures the TaskManager (CPU from {@code /proc}, resident set, live
 * heap and metaspace through {@code jcmd}) with 1 mapping and with N, each busy (draining a backlog) and then idle
 * (caught up, nothing produced), checks that every mapping delivered every record and committed its group to the
 * end, and derives the cost of one more mapping and a TaskManager sizing rule ({@link SizingRule}). See
 * docs/performance.md.
 */
@Command(name = "mappings-bench", mixinStandardHelpOptions = true,
        description = "N mappings on one Flink session cluster: delivery, memory and CPU per mapping, sizing.")
public final class ManyMappingsBench implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int BATCH_SIZE = 100;

    @Option(names = "--mappings", defaultValue = "20", description = "Mappings at once (default ${DEFAULT-VALUE}).")
    int mappings;

    @Option(names = "--partitions", defaultValue = "4",
            description = "Partitions per topic (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--records-per-mapping", defaultValue = "20000",
            description = "Backlog per mapping when all drain at once (default ${DEFAULT-VALUE}); the single mapping "
                    + "drains mappings x this, the same total.")
    int recordsPerMapping;

    @Option(names = "--idle-seconds", defaultValue = "60",
            description = "Idle window after each drain (default ${DEFAULT-VALUE}).")
    int idleSeconds;

    @Option(names = "--max-buffered-mb", defaultValue = "16",
            description = "Each job's --max-buffered-mb (default ${DEFAULT-VALUE}; the job's own default, 128, lets "
                    + "every mapping behind a backlog hold up to 128 MB of records: 20 of them need gigabytes of "
                    + "heap).")
    int maxBufferedMb;

    @Option(names = "--tm-process-size", defaultValue = "2560m",
            description = "taskmanager.memory.process.size (default ${DEFAULT-VALUE}: -Xmx 640 MB; 1792m, sized from "
                    + "a run whose backlogs never filled the buffers, failed with OutOfMemoryError once they did at the job's "
                    + "128 MB budget).")
    String tmProcessSize;

    @Option(names = "--tm-metaspace-size", defaultValue = "768m",
            description = "taskmanager.memory.jvm-metaspace.size (default ${DEFAULT-VALUE}; each mapping loads the job "
                    + "jar's classes again, about 21 MB).")
    String tmMetaspaceSize;

    @Option(names = "--jm-process-size", defaultValue = "1536m",
            description = "jobmanager.memory.process.size (default ${DEFAULT-VALUE}).")
    String jmProcessSize;

    @Option(names = "--jm-metaspace-size", defaultValue = "512m",
            description = "jobmanager.memory.jvm-metaspace.size (default ${DEFAULT-VALUE}; Flink's 256m holds "
                    + "about 19 running mappings).")
    String jmMetaspaceSize;

    @Option(names = "--repo", defaultValue = ".", description = "The repository root (default: the working dir).")
    Path repo;

    @Option(names = "--out", defaultValue = "bench-results") Path out;

    @Option(names = "--sizing-from", paramLabel = "FILE",
            description = "Runs nothing: prints the sizing rule again from a mappings-<timestamp>.json.")
    Path sizingFrom;

    @Option(names = "--sizing-budget-mb",
            description = "With --sizing-from: size for this --max-buffered-mb instead of the run's.")
    Integer sizingBudgetMb;

    private final String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    private final Map<String, Object> rows = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private long[] produced;
    private long[] deliveredBefore;
    private final List<String> jobs = new ArrayList<>();

    private Path work;
    private ChildJvm broker;
    private ChildJvm host;
    private SessionCluster cluster;
    private CpuClock cpu;
    private JvmProbe tm;
    private JvmProbe jm;
    private HostStats stats;
    private String bootstrap;
    private String endpoint;
    private String jarId;

    public static void main(String[] args) {
        // Kafka clients leave non-daemon threads behind.
        System.exit(new CommandLine(new ManyMappingsBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (sizingFrom != null) {
            return sizingOnly();
        }
        if (mappings < 2 || partitions < 1 || recordsPerMapping < partitions || idleSeconds < 1) {
            System.err.println("need --mappings >= 2 (the cost of one more mapping comes from 1 vs N), "
                    + "--partitions >= 1, --records-per-mapping >= --partitions, --idle-seconds >= 1");
            return 2;
        }
        repo = repo.toAbsolutePath().normalize();
        Path jar = jobJar();
        work = repo.resolve("local/target/mappings-bench");
        deleteTree(work);
        Files.createDirectories(out);
        produced = new long[mappings];
        deliveredBefore = new long[mappings];
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        long t0 = System.nanoTime();
        log(String.format("mappings bench: %d mappings x %d partitions, %,d records each, --max-buffered-mb %d, "
                        + "idle %d s, TaskManager %s (metaspace %s), %d cores, load %s", mappings, partitions,
                recordsPerMapping, maxBufferedMb, idleSeconds, tmProcessSize, tmMetaspaceSize,
                Runtime.getRuntime().availableProcessors(), loadBefore));
        Thread hook = new Thread(this::stopAll, "mappings-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        Map<String, Object> sizing = null;
        Map<String, Object> tmConfig = null;
        try {
            startAll();
            tmConfig = taskManagerMemory();
            createTopics();
            jarId = cluster.upload(jar);
            rows.put("mappings-0", emptyTaskManager());

            submit(0, 1);
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("mappings", 1);
            one.put("busy", busy(1, (long) mappings * recordsPerMapping));
            one.put("idle", idle(1));
            rows.put("mappings-1", one);

            submit(1, mappings);
            Map<String, Object> many = new LinkedHashMap<>();
            many.put("mappings", mappings);
            many.put("busy", busy(mappings, recordsPerMapping));
            many.put("idle", idle(mappings));
            rows.put("mappings-" + mappings, many);

            rows.put("delivery", verifyDelivery());
            sizing = MappingsSizing.derive(one, many, mappings, maxBufferedMb, tmProcessSize, tmMetaspaceSize);
        } catch (Exception e) {
            problems.add("run failed: " + e);
            e.printStackTrace();
        } finally {
            stopAll();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // already shutting down
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("loadavgBefore", loadBefore);
        machine.put("loadavgAfter", Files.readString(Path.of("/proc/loadavg")).trim());
        machine.put("java", System.getProperty("java.version"));
        result.put("timestamp", stamp);
        result.put("machine", machine);
        result.put("mappings", mappings);
        result.put("partitionsPerMapping", partitions);
        result.put("recordsPerMapping", recordsPerMapping);
        result.put("batchSize", BATCH_SIZE);
        result.put("maxBufferedMbPerMapping", maxBufferedMb);
        result.put("tmProcessSize", tmProcessSize);
        result.put("tmMetaspaceSize", tmMetaspaceSize);
        result.put("idleSeconds", idleSeconds);
        result.put("taskManager", tmConfig);
        result.put("rows", rows);
        result.put("sizing", sizing);
        result.put("problems", problems);
        result.put("totalSeconds", (System.nanoTime() - t0) / 1e9);
        Path file = out.resolve("mappings-" + stamp + ".json");
        JSON.writeValue(file.toFile(), result);
        MappingsReport.print(result);
        System.out.println("JSON: " + file);
        return problems.isEmpty() ? 0 : 1;
    }

    // ---------------------------------------------------------------------------------------------- set-up

    private Path jobJar() throws IOException {
        try (Stream<Path> files = Files.list(repo.resolve("job/target"))) {
            return files.filter(p -> p.getFileName().toString().matches("flink-lambda-esm-job-.*-flink\\.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException(
                            "no shaded job jar in job/target: mvn -B -DskipTests package"));
        }
    }

    private void startAll() throws Exception {
        Map<String, String> flink = new LinkedHashMap<>();
        flink.put("taskmanager.numberOfTaskSlots", Integer.toString(mappings));
        flink.put("taskmanager.memory.process.size", tmProcessSize);
        flink.put("taskmanager.memory.jvm-metaspace.size", tmMetaspaceSize);
        flink.put("jobmanager.memory.process.size", jmProcessSize);
        flink.put("jobmanager.memory.jvm-metaspace.size", jmMetaspaceSize);
        cluster = new SessionCluster(repo, work.resolve("flink"), flink);
        CompletableFuture<Void> clusterUp = CompletableFuture.runAsync(cluster::start);
        List<String> jvm = new ArrayList<>(javaOpens());
        jvm.add("-Xmx1g");
        broker = ChildJvm.start("broker", jvm, "dev.flinkesm.local.kafka.KafkaBrokerMain",
                List.of("--port", "0", "--data-dir", work.resolve("kafka").toString()),
                work.resolve("broker.log"));
        List<String> hostArgs = new ArrayList<>(List.of("--port", "0"));
        for (int i = 0; i < mappings; i++) {
            hostArgs.add("--bench-function");
            hostArgs.add(function(i));
        }
        List<String> hostJvm = new ArrayList<>(javaOpens());
        hostJvm.add("-Xmx512m");
        hostJvm.add("-Dsun.net.httpserver.nodelay=true");
        host = ChildJvm.start("function-host", hostJvm, "dev.flinkesm.local.lambda.FunctionHostMain", hostArgs,
                work.resolve("function-host.log"));
        bootstrap = broker.awaitLine("Kafka broker ready: bootstrap.servers=", 120);
        endpoint = host.awaitLine("Function host ready: endpoint=", 120);
        if (endpoint.endsWith("/")) {
            endpoint = endpoint.substring(0, endpoint.length() - 1);
        }
        clusterUp.get(200, TimeUnit.SECONDS);
        tm = new JvmProbe(cluster.taskManagerPid());
        jm = new JvmProbe(cluster.jobManagerPid());
        cpu = new CpuClock(tm.pid, jm.pid, host.pid(), broker.pid());
        stats = new HostStats(endpoint);
        log("cluster " + cluster.restUrl + " (TaskManager pid " + tm.pid + "), broker " + bootstrap
                + ", function host " + endpoint);
    }

    private synchronized void stopAll() {
        if (cpu != null) {
            cpu.close();
        }
        if (cluster != null) {
            try {
                cluster.close();
            } catch (RuntimeException e) {
                System.err.println("stopping the cluster: " + e.getMessage());
            }
        }
        if (host != null) {
            host.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (work != null) {
            // the backlogs and checkpoints; the logs stay
            deleteTree(work.resolve("kafka"));
            deleteTree(work.resolve("flink/checkpoints"));
            deleteTree(work.resolve("flink/savepoints"));
        }
    }

    private static List<String> javaOpens() {
        String opens = System.getenv("JAVA17_OPENS");
        return opens == null || opens.isBlank() ? List.of() : Arrays.asList(opens.trim().split("\\s+"));
    }

    private Map<String, Object> taskManagerMemory() throws Exception {
        JsonNode tmInfo = cluster.get("/taskmanagers").path("taskmanagers").get(0);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("slots", tmInfo.path("slotsNumber").asInt());
        m.put("processSize", tmProcessSize);
        tmInfo.path("memoryConfiguration").fields()
                .forEachRemaining(f -> m.put(f.getKey() + "Mb", Math.round(f.getValue().asLong() / 1048576.0)));
        return m;
    }

    private void createTopics() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(IntStream.range(0, mappings)
                    .mapToObj(i -> new org.apache.kafka.clients.admin.NewTopic(topic(i), partitions, (short) 1))
                    .collect(Collectors.toList())).all().get(60, TimeUnit.SECONDS);
        }
    }

    private Admin admin() {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        return Admin.create(p);
    }

    private static String topic(int i) {
        return String.format("mappings-bench-%02d", i);
    }

    private static String function(int i) {
        return String.format("bench-m%02d", i);
    }

    private String group(int i) {
        return "mappings-bench-" + runId + "-" + i;
    }

    /** Submits mappings {@code from} (inclusive) to {@code to} as jobs and waits until all of them run. */
    private void submit(int from, int to) throws Exception {
        long t = System.nanoTime();
        for (int i = from; i < to; i++) {
            String mapping = BenchData.mapping(function(i), topic(i), bootstrap, group(i), BATCH_SIZE, null);
            jobs.add(cluster.run(jarId, List.of("--mapping-json", mapping, "--lambda-endpoint", endpoint,
                    "--parallelism", "1", "--max-buffered-mb", Integer.toString(maxBufferedMb))));
        }
        long deadline = System.currentTimeMillis() + 180_000;
        while (true) {
            Map<String, String> states = cluster.jobStates();
            long running = jobs.stream().filter(j -> "RUNNING".equals(states.get(j))).count();
            if (running == jobs.size()) {
                break;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(running + " of " + jobs.size() + " jobs running after 180 s: "
                        + states);
            }
            Thread.sleep(500);
        }
        log(String.format("%d jobs running (%d submitted in %.1f s)", jobs.size(), to - from,
                (System.nanoTime() - t) / 1e9));
    }

    // ---------------------------------------------------------------------------------------------- phases

    /** The TaskManager before any job: the fixed cost every mapping shares. */
    private Map<String, Object> emptyTaskManager() throws Exception {
        JvmProbe.HeapInfo heap = tm.afterFullGc();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("mappings", 0);
        row.put("tmRssMb", tm.rssMb());
        row.put("tmLiveHeapMb", heap.heapUsedMb());
        row.put("tmHeapRssMb", tm.heapRssMb(heap));
        row.put("tmNonHeapRssMb", tm.rssMb() - tm.heapRssMb(heap));
        row.put("tmMetaspaceMb", heap.metaspaceUsedMb());
        row.put("jmMetaspaceMb", jm.afterFullGc().metaspaceUsedMb());
        log(String.format("empty TaskManager: RSS %.0f MB, live heap %.0f MB, metaspace %.0f MB", tm.rssMb(),
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
    private Map<String, Object> busy(int active, long recordsEach) throws Exception {
        for (int i = 0; i < active; i++) {
            deliveredBefore[i] += stats.reset(function(i)).path("records").asLong();
        }
        boolean peakReset = tm.resetPeakRss();
        double[] jitGcBefore = tm.jitAndGcCpuSeconds();
        double cpuBefore = tm.cpuSeconds();
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
                long got = stats.records(function(i));
                total += got;
                all &= got >= recordsEach;
            }
            if (midHeap == null && total >= expectedTotal / 3 && total < expectedTotal) {
                midHeap = tm.afterFullGc();
                midNonHeapRss = tm.rssMb() - tm.heapRssMb(midHeap);
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
        double[] jitGcAfter = tm.jitAndGcCpuSeconds();
        double cpuAfter = tm.cpuSeconds();
        producing.get(60, TimeUnit.SECONDS);
        for (int i = 0; i < active; i++) {
            produced[i] += recordsEach;
        }
        long first = Long.MAX_VALUE;
        long last = 0;
        long invocations = 0;
        for (int i = 0; i < active; i++) {
            JsonNode s = stats.get(function(i));
            first = Math.min(first, s.path("firstArrivalMs").asLong());
            last = Math.max(last, s.path("lastArrivalMs").asLong());
            invocations += s.path("invocations").asLong();
        }
        double peakRss = tm.peakRssMb();
        awaitCommitted(active);
        double seconds = Math.max(0.001, (last - first) / 1000.0);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("records", total);
        row.put("invocations", invocations);
        row.put("seconds", seconds);
        row.put("recordsPerSecond", total / seconds);
        double tmCpu = cpu.between(1, first, last);
        row.put("tmCpuSeconds", tmCpu);
        row.put("tmCpuCores", tmCpu / seconds);
        row.put("tmCpuSecondsPerMillionRecords", tmCpu / total * 1e6);
        row.put("jmCpuCores", cpu.between(2, first, last) / seconds);
        // From the first record produced to the last delivered, by thread: how much of the TaskManager's CPU was
        // compiling (every job's classes are its own, so each is JIT-compiled on its own) and collecting.
        Map<String, Object> threads = new LinkedHashMap<>();
        threads.put("allThreads", cpuAfter - cpuBefore);
        threads.put("jitCompilerThreads", jitGcAfter[0] - jitGcBefore[0]);
        threads.put("gcThreads", jitGcAfter[1] - jitGcBefore[1]);
        row.put("tmCpuSecondsByThreads", threads);
        row.put("hostCpuSecondsPerMillionRecords", cpu.between(3, first, last) / total * 1e6);
        row.put("brokerCpuSecondsPerMillionRecords", cpu.between(4, first, last) / total * 1e6);
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
        try (KafkaProducer<byte[], byte[]> producer = BenchData.producer(bootstrap, 5)) {
            for (int i = 0; i < active; i++) {
                for (long n = 0; n < recordsEach; n++) {
                    producer.send(BenchData.record(random, topic(i), (int) (n % partitions)));
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
    private Map<String, Object> idle(int active) throws Exception {
        Thread.sleep(5_000); // the drain's last commits and collections settle
        long before = deliveredNow(active);
        boolean peakReset = tm.resetPeakRss();
        long from = System.currentTimeMillis();
        cpu.sample();
        Thread.sleep(idleSeconds * 1000L);
        cpu.sample();
        long to = System.currentTimeMillis();
        double rss = tm.rssMb();
        double peakRss = tm.peakRssMb();
        long during = deliveredNow(active) - before;
        if (during != 0) {
            problems.add(active + " mappings idle: " + during + " records delivered while nothing was produced");
        }
        JvmProbe.HeapInfo heap = tm.afterFullGc();
        double seconds = (to - from) / 1000.0;
        double tmCores = cpu.between(1, from, to) / seconds;
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("seconds", seconds);
        row.put("recordsDeliveredDuring", during);
        row.put("tmCpuCores", tmCores);
        row.put("tmCpuCoresPerMapping", tmCores / active);
        row.put("jmCpuCores", cpu.between(2, from, to) / seconds);
        row.put("tmRssMb", rss);
        row.put("tmPeakRssMb", peakRss);
        row.put("tmPeakRssIsSinceStart", !peakReset); // the kernel refused to reset VmHWM
        row.put("tmLiveHeapMb", heap.heapUsedMb());
        row.put("tmHeapRssMb", tm.heapRssMb(heap));
        row.put("tmNonHeapRssMb", tm.rssMb() - tm.heapRssMb(heap));
        row.put("tmHeapCommittedMb", heap.heapCommittedMb());
        row.put("tmMetaspaceMb", heap.metaspaceUsedMb());
        row.put("tmMetaspaceCommittedMb", heap.metaspaceCommittedMb());
        JvmProbe.HeapInfo jmHeap = jm.afterFullGc();
        row.put("jmRssMb", jm.rssMb());
        row.put("jmLiveHeapMb", jmHeap.heapUsedMb());
        row.put("jmMetaspaceMb", jmHeap.metaspaceUsedMb());
        Map<String, Double> nativeMemory = tm.nativeMemoryCommittedMb();
        if (!nativeMemory.isEmpty()) {
            row.put("tmNativeMemoryCommittedMb", nativeMemory);
        }
        log(String.format("%d idle: TaskManager %.3f cores (%.4f per mapping), JobManager %.3f cores, RSS %.0f MB, "
                        + "live heap %.0f MB, metaspace %.0f MB; JobManager metaspace %.0f MB", active, tmCores,
                tmCores / active, cpu.between(2, from, to) / seconds, rss, heap.heapUsedMb(),
                heap.metaspaceUsedMb(), jmHeap.metaspaceUsedMb()));
        return row;
    }

    private long deliveredNow(int active) {
        long sum = 0;
        for (int i = 0; i < active; i++) {
            sum += stats.records(function(i));
        }
        return sum;
    }

    /** Waits until each active mapping's consumer group has committed the end offset of every partition. */
    private void awaitCommitted(int active) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        List<String> behind = committedBehind(active);
        while (!behind.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
            behind = committedBehind(active);
        }
        if (!behind.isEmpty()) {
            problems.add("committed offsets not at the end 60 s after delivery: " + behind);
        }
    }

    /** "topic-partition committed/end" for every partition whose group has not committed its end offset. */
    private List<String> committedBehind(int active) throws Exception {
        List<String> behind = new ArrayList<>();
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            for (int i = 0; i < active; i++) {
                for (int p = 0; p < partitions; p++) {
                    latest.put(new TopicPartition(topic(i), p), OffsetSpec.latest());
                }
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                    admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
            for (int i = 0; i < active; i++) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group(i))
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                for (int p = 0; p < partitions; p++) {
                    TopicPartition tp = new TopicPartition(topic(i), p);
                    OffsetAndMetadata c = committed.get(tp);
                    long end = ends.get(tp).offset();
                    if (c == null || c.offset() != end) {
                        behind.add(tp + " " + (c == null ? "none" : c.offset()) + "/" + end);
                    }
                }
            }
        }
        return behind;
    }

    /**
     * Every mapping: the records its function received (all phases) equal the records produced to its topic, its
     * group committed the end of every partition, and its job never restarted.
     */
    private Map<String, Object> verifyDelivery() throws Exception {
        List<Map<String, Object>> perMapping = new ArrayList<>();
        int ok = 0;
        List<String> behind = committedBehind(mappings);
        for (int i = 0; i < mappings; i++) {
            long delivered = deliveredBefore[i] + stats.records(function(i));
            long restartCount = restarts(jobs.get(i));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("topic", topic(i));
            m.put("produced", produced[i]);
            m.put("delivered", delivered);
            m.put("restarts", restartCount);
            perMapping.add(m);
            if (delivered == produced[i] && restartCount == 0) {
                ok++;
            } else {
                problems.add(topic(i) + ": produced " + produced[i] + ", function received " + delivered
                        + ", job restarts " + restartCount);
            }
        }
        if (!behind.isEmpty()) {
            problems.add("committed offsets not at the end: " + behind);
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("mappingsDeliveringEveryRecord", ok);
        row.put("partitionsCommittedBehindEnd", behind.size());
        row.put("perMapping", perMapping);
        log(String.format("delivery: %d of %d mappings received exactly what was produced, %d partitions not "
                + "committed to the end", ok, mappings, behind.size()));
        return row;
    }

    /** The job's numRestarts metric; -1 if the REST API never reports it (its first answer may still be empty). */
    private long restarts(String job) throws Exception {
        for (int attempt = 0; attempt < 20; attempt++) {
            JsonNode values = cluster.get("/jobs/" + job + "/metrics?get=numRestarts");
            if (!values.isEmpty()) {
                return values.get(0).path("value").asLong();
            }
            Thread.sleep(500);
        }
        return -1;
    }

    @SuppressWarnings("unchecked")
    private int sizingOnly() throws IOException {
        Map<String, Object> result = JSON.readValue(sizingFrom.toFile(), Map.class);
        mappings = ((Number) result.get("mappings")).intValue();
        partitions = ((Number) result.get("partitionsPerMapping")).intValue();
        Object budget = result.get("maxBufferedMbPerMapping");
        maxBufferedMb = sizingBudgetMb != null ? sizingBudgetMb : budget == null ? 128 : ((Number) budget).intValue();
        Map<String, Object> measured = (Map<String, Object>) result.get("rows");
        Map<String, Object> tmConfig = (Map<String, Object>) result.get("taskManager");
        tmProcessSize = String.valueOf(tmConfig.get("processSize"));
        tmMetaspaceSize = tmConfig.get("jvmMetaspaceMb") + "m";
        MappingsReport.printSizing(MappingsSizing.derive((Map<String, Object>) measured.get("mappings-1"),
                (Map<String, Object>) measured.get("mappings-" + mappings), mappings, maxBufferedMb, tmProcessSize,
                tmMetaspaceSize), maxBufferedMb, partitions, tmProcessSize, tmMetaspaceSize);
        return 0;
    }

    private static void log(String message) {
        System.out.println(message);
        System.out.flush();
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
