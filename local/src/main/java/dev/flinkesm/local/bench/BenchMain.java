package dev.flinkesm.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.flinkesm.EsmPipeline;
import dev.flinkesm.JobOptions;
import dev.flinkesm.config.MappingParser;
import dev.flinkesm.payload.EncodedRecord;
import dev.flinkesm.payload.EventSourceKind;
import dev.flinkesm.payload.KafkaEventEncoder;
import dev.flinkesm.source.KafkaRecordEncoding;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeRequest;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * scripts/bench: the job against the limit (a plain consumer), its own source alone, and a hand-written
 * consumer-plus-synchronous-invoke baseline, all in one run, on one broker and one function host (child JVMs).
 * See docs/performance.md.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures the job against the limit and the alternatives, in one run.")
public final class BenchMain implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final String TOPIC = "bench";
    /** The filter phase's topic: 1 KB JSON values, one in ten an order, one in ten a refund. */
    static final String JSON_TOPIC = "bench-json";
    static final int PARTITIONS = 8;

    @Option(names = "--quick", description = "Fewer records and shorter phases (under 90 s).")
    boolean quick;

    @Option(names = "--records", description = "Records in the main backlog (default 200000; --quick 40000).")
    Long records;

    @Option(names = "--phases", split = ",",
            description = "Phases to run (default all; --quick: all but filter and memory): "
                    + "limit,source,baseline,job,filter,slow20,latency,slowfn,memory,budget")
    List<String> phases;

    @Option(names = "--profile", description = "Record JFR of this JVM during the BatchSize 100 job phase.")
    boolean profile;

    @Option(names = "--slow-batch-size", defaultValue = "10",
            description = "BatchSize of the slow-function phase (default ${DEFAULT-VALUE}).")
    int slowBatchSize;

    @Option(names = "--out", defaultValue = "bench-results") Path out;

    private long n;
    private String bootstrap;
    private String endpoint;
    private ChildJvm broker;
    private ChildJvm host;
    private CpuClock cpu;
    private HostStats stats;
    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    private final String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    private final Map<String, Map<String, Object>> rows = new LinkedHashMap<>();
    private final Map<String, Object> extra = new LinkedHashMap<>();
    private final long t0 = System.nanoTime();
    private KafkaEventEncoder encoder;

    public static void main(String[] args) {
        int code;
        try {
            code = new CommandLine(new BenchMain()).execute(args);
        } finally {
            // Flink and Kafka leave non-daemon threads behind
        }
        System.exit(code);
    }

    @Override
    public Integer call() throws Exception {
        BenchData.fakeAws().forEach((k, v) -> {
            if (System.getProperty(k) == null) {
                System.setProperty(k, v);
            }
        });
        n = records != null ? records : quick ? 40_000 : 200_000;
        if (phases == null) {
            phases = new ArrayList<>(List.of("limit", "source", "baseline", "job", "slow20", "latency", "slowfn"));
            if (!quick) {
                phases.add("filter"); // three more jobs on a second topic: about a minute
                phases.add("memory"); // two more JVMs: 30 s, more than --quick can spend
            }
        }
        Files.createDirectories(out);
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        log("bench: " + n + " records, " + Runtime.getRuntime().availableProcessors() + " cores, load " + loadBefore);
        try {
            startChildren();
            cpu = new CpuClock(broker.pid(), host.pid());
            stats = new HostStats(endpoint);
            encoder = new KafkaEventEncoder(EventSourceKind.SELF_MANAGED, bootstrap, null);
            BenchData.createTopic(bootstrap, TOPIC, PARTITIONS);
            long t = System.nanoTime();
            BenchData.produce(bootstrap, TOPIC, PARTITIONS, n);
            log(String.format("produced %d records in %.1f s", n, secondsSince(t)));

            if (phases.contains("limit")) {
                if (!quick) {
                    limit("limit-cold", Math.min(n, 50_000)); // warms the consumer code every phase shares
                }
                limit("limit", n);
            }
            if (phases.contains("source")) {
                sourceOnly();
            }
            if (phases.contains("baseline")) {
                // warm-up first: otherwise the first row also pays for JIT-compiling the SDK and client code
                if (!quick) {
                    baseline("baseline-warm", "bench-count", 100, Math.min(n, 20_000), 0, false);
                }
                baseline("baseline-b100", "bench-count", 100, n, 0, profile);
                baseline("baseline-b1000", "bench-count", 1000, n, 0, false);
            }
            if (phases.contains("job")) {
                if (!quick) {
                    job("job-warm", "bench-count", TOPIC, 100, null, 2, Math.min(n, 20_000), 0, false);
                }
                job("job-b100", "bench-count", TOPIC, 100, null, 2, n, 0, profile);
                job("job-b1000", "bench-count", TOPIC, 1000, null, 2, n, 0, false);
            }
            if (phases.contains("filter")) {
                BenchData.createTopic(bootstrap, JSON_TOPIC, PARTITIONS);
                BenchData.produceJson(bootstrap, JSON_TOPIC, PARTITIONS, n);
                if (!quick) {
                    // JIT warm-up, not printed: otherwise the first row also pays for compiling the job's code
                    filterJob("filter-warm", null, Math.min(n, 20_000), "100 %");
                }
                filterJob("filter-none", null, n, "100 % (no filter)");
                filterJob("filter-10pct", "{\\\"value\\\":{\\\"kind\\\":[\\\"order\\\"]}}", n / 10, "10 %");
                filterJob("filter-90pct",
                        "{\\\"value\\\":{\\\"kind\\\":[{\\\"anything-but\\\":[\\\"refund\\\"]}]}}",
                        n - n / 10, "90 %");
            }
            if (phases.contains("slow20")) {
                int cap = quick ? 4 : 10;
                baseline("baseline-20ms", "bench-count-20", 100, n, cap, false);
                job("job-20ms", "bench-count-20", TOPIC, 100, null, 2, n, cap, false);
            }
            if (phases.contains("latency")) {
                latency();
            }
            if (phases.contains("slowfn")) {
                for (int p : quick ? new int[] {4, 64} : new int[] {4, 16, 64}) {
                    slowFunction(p);
                }
            }
            if (phases.contains("memory") || phases.contains("budget")) {
                memory();
            }
        } finally {
            if (cpu != null) {
                cpu.close();
            }
            if (host != null) {
                host.close();
            }
            if (broker != null) {
                broker.close();
            }
        }
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();
        Map<String, Object> result = new LinkedHashMap<>();
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("loadavgBefore", loadBefore);
        machine.put("loadavgAfter", loadAfter);
        machine.put("java", System.getProperty("java.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        result.put("timestamp", stamp);
        result.put("machine", machine);
        result.put("records", n);
        result.put("quick", quick);
        result.put("recordBytes", BenchData.RECORD_BYTES);
        result.put("totalSeconds", secondsSince(t0));
        result.put("rows", rows);
        result.put("ratios", ratios());
        result.put("targets", targets());
        result.put("cpuModel", cpuModel());
        result.putAll(extra);
        Path file = out.resolve("bench-" + stamp + ".json");
        JSON.writeValue(file.toFile(), result);
        printTable(result);
        System.out.println("JSON: " + file);
        return 0;
    }

    // ------------------------------------------------------------------------------------------------ children

    private void startChildren() throws Exception {
        List<String> jvm = new ArrayList<>(javaOpens());
        jvm.add("-Xmx1g");
        broker = ChildJvm.start("broker", jvm, "dev.flinkesm.local.kafka.KafkaBrokerMain",
                List.of("--port", "0"), Path.of("local/target/bench-broker.log"));
        List<String> hostJvm = new ArrayList<>(jvm);
        hostJvm.add("-Dsun.net.httpserver.nodelay=true");
        host = ChildJvm.start("function-host", hostJvm, "dev.flinkesm.local.lambda.FunctionHostMain",
                List.of("--port", "0", "--bench-function", "bench-count", "--bench-function", "bench-count-20:20",
                        "--bench-function", "bench-latency", "--bench-function", "bench-slow:100"),
                Path.of("local/target/bench-host.log"));
        bootstrap = broker.awaitLine("Kafka broker ready: bootstrap.servers=", 120);
        endpoint = host.awaitLine("Function host ready: endpoint=", 120);
        if (endpoint.endsWith("/")) {
            endpoint = endpoint.substring(0, endpoint.length() - 1);
        }
        log("broker " + bootstrap + " (pid " + broker.pid() + "), function host " + endpoint + " (pid " + host.pid()
                + ")");
    }

    private static List<String> javaOpens() {
        String opens = System.getenv("JAVA17_OPENS");
        return opens == null || opens.isBlank() ? List.of() : Arrays.asList(opens.trim().split("\\s+"));
    }

    // -------------------------------------------------------------------------------------------------- phases

    /** 1. The limit: one plain KafkaConsumer reading every record. */
    private void limit(String id, long count) {
        Properties p = consumerProperties("bench-" + runId + "-" + id);
        long first = 0;
        long last = 0;
        long seen = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            long sink = 0;
            while (seen < count && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    sink += r.value().length; // touch the record, as any consumer would
                }
                if (!batch.isEmpty()) {
                    seen += batch.count();
                    last = System.currentTimeMillis();
                    if (first == 0) {
                        first = last;
                    }
                }
            }
            extra.put("limitChecksum-" + id, sink);
        }
        row(id, "limit: plain KafkaConsumer", Math.min(seen, count), first, last, null);
    }

    /** 2. The job's own KafkaSource (same deserializer) into a discarding sink, parallelism 2. */
    private void sourceOnly() throws Exception {
        CountingSink.reset();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, new Configuration());
        // The job keeps records inside its reader; without object reuse the chained sink would Kryo-copy each one.
        env.getConfig().enableObjectReuse();
        KafkaSource<EncodedRecord> source = KafkaSource.<EncodedRecord>builder()
                .setBootstrapServers(bootstrap)
                .setTopics(TOPIC)
                .setGroupId("bench-" + runId + "-source")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setBounded(OffsetsInitializer.latest())
                .setDeserializer(new KafkaRecordEncoding(encoder))
                .setProperty("commit.offsets.on.checkpoint", "false")
                .build();
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "source only").sinkTo(new CountingSink<>());
        long start = System.currentTimeMillis();
        env.execute("bench source only");
        Map<String, Object> row = row("source", "source only: KafkaSource + encoding, p=2", CountingSink.COUNT.get(),
                CountingSink.FIRST_MS.get(), CountingSink.LAST_MS.get(), null);
        row.put("wallSecondsWithStartup", (System.currentTimeMillis() - start) / 1000.0);
    }

    /**
     * 3. The hand-written baseline: one consumer poll loop, per-partition batches of BatchSize with our encoder,
     * the SDK's synchronous LambdaClient (Apache HTTP client), one invocation at a time, commitSync after each poll.
     */
    private void baseline(String id, String function, int batchSize, long count, int capSeconds, boolean jfr)
            throws Exception {
        stats.reset(function);
        jdk.jfr.Recording recording = jfr ? startRecording() : null;
        Properties p = consumerProperties("bench-" + runId + "-" + id);
        // a poll brings about one full batch per partition, so batches are full as in the job
        p.setProperty("max.poll.records", Integer.toString(batchSize * PARTITIONS));
        long sent = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        long capDeadline = Long.MAX_VALUE;
        try (KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
                LambdaClient lambda = LambdaClient.builder()
                        .httpClientBuilder(ApacheHttpClient.builder())
                        .endpointOverride(URI.create(endpoint))
                        .region(Region.US_EAST_1)
                        .credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create("local", "local")))
                        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                        .build()) {
            consumer.subscribe(List.of(TOPIC));
            while (sent < count && System.nanoTime() < Math.min(deadline, capDeadline)) {
                ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(200));
                for (TopicPartition tp : polled.partitions()) {
                    List<ConsumerRecord<byte[], byte[]>> records = polled.records(tp);
                    for (int from = 0; from < records.size(); from += batchSize) {
                        List<EncodedRecord> batch = new ArrayList<>(batchSize);
                        for (ConsumerRecord<byte[], byte[]> r : records.subList(from,
                                Math.min(records.size(), from + batchSize))) {
                            batch.add(encoder.encode(r));
                        }
                        InvokeResponse response = lambda.invoke(InvokeRequest.builder()
                                .functionName(function)
                                .payload(SdkBytes.fromByteArrayUnsafe(encoder.event(batch)))
                                .build());
                        if (response.functionError() != null) {
                            throw new IllegalStateException("function error " + response.functionError());
                        }
                        sent += batch.size();
                        if (capSeconds > 0 && capDeadline == Long.MAX_VALUE) {
                            capDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(capSeconds);
                        }
                    }
                }
                if (!polled.isEmpty()) {
                    consumer.commitSync();
                }
            }
        }
        if (recording != null) {
            stopRecording(recording, id);
        }
        JsonNode s = stats.get(function);
        row(id, (capSeconds > 0 ? "baseline, 20 ms function" : "baseline: poll + sync invoke")
                        + ", BatchSize " + batchSize, s.path("records").asLong(),
                s.path("firstArrivalMs").asLong(), s.path("lastArrivalMs").asLong(), s);
    }

    /** 4. The job end to end on a local MiniCluster; stops once the function counted {@code count} records. */
    private void job(String id, String function, String topic, int batchSize, Integer window, int parallelism,
            long count, int capSeconds, boolean jfr) throws Exception {
        stats.reset(function);
        jdk.jfr.Recording recording = null;
        long start = System.currentTimeMillis();
        JobClient job = startJob(function, topic, batchSize, window, parallelism, "bench-" + runId + "-" + id);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        JsonNode s = stats.get(function);
        while (s.path("records").asLong() < count && System.nanoTime() < deadline) {
            if (jfr && recording == null && s.path("firstArrivalMs").asLong() > 0) {
                recording = startRecording(); // steady state only: from the first delivery
            }
            long first = s.path("firstArrivalMs").asLong();
            if (capSeconds > 0 && first > 0 && System.currentTimeMillis() - first > capSeconds * 1000L) {
                break;
            }
            Thread.sleep(50);
            s = stats.get(function);
        }
        long doneMs = System.currentTimeMillis();
        stop(job);
        if (recording != null) {
            stopRecording(recording, id);
        }
        String name = "job" + (capSeconds > 0 ? ", 20 ms function" : "") + ", BatchSize " + batchSize + ", p="
                + parallelism;
        Map<String, Object> row = row(id, name, s.path("records").asLong(), s.path("firstArrivalMs").asLong(),
                s.path("lastArrivalMs").asLong(), s);
        row.put("wallSecondsWithStartup", (doneMs - start) / 1000.0);
    }

    /**
     * The job on {@link #JSON_TOPIC} with one filter (none when null) passing {@code expected} of its {@code n} JSON
     * records. The row
     * counts records read (delivered or filtered out) per second between the first and last delivery; rec/inv is
     * delivered records per invocation.
     */
    private void filterJob(String id, String escapedPattern, long expected, String share) throws Exception {
        String function = "bench-count";
        stats.reset(function);
        long start = System.currentTimeMillis();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, new Configuration());
        String mapping = BenchData.mapping(function, JSON_TOPIC, bootstrap, "bench-" + runId + "-" + id, 100, null);
        if (escapedPattern != null) {
            mapping = mapping.substring(0, mapping.length() - 1)
                    + ",\"FilterCriteria\":{\"Filters\":[{\"Pattern\":\"" + escapedPattern + "\"}]}}";
        }
        EsmPipeline.build(env, MappingParser.parse(mapping), new JobOptions().lambdaEndpoint(endpoint).parallelism(2));
        JobClient job = env.executeAsync("bench " + id);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        JsonNode s = stats.get(function);
        while (s.path("records").asLong() < expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
            s = stats.get(function);
        }
        long doneMs = System.currentTimeMillis();
        stop(job);
        long delivered = s.path("records").asLong();
        Map<String, Object> row = row(id, "job, JSON values, filter passing " + share + ", p=2",
                delivered >= expected ? n : delivered, s.path("firstArrivalMs").asLong(),
                s.path("lastArrivalMs").asLong(), s);
        row.put("delivered", delivered);
        if (s.path("invocations").asLong() > 0) {
            row.put("recordsPerInvocation", (double) delivered / s.path("invocations").asLong());
        }
        row.put("wallSecondsWithStartup", (doneMs - start) / 1000.0);
    }

    /** JFR of this JVM, sampling Java stacks every 2 ms (scripts/jfr-summary reads it). */
    private static jdk.jfr.Recording startRecording() throws Exception {
        jdk.jfr.Recording recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(2));
        recording.start();
        return recording;
    }

    @SuppressWarnings("unchecked")
    private void stopRecording(jdk.jfr.Recording recording, String id) throws Exception {
        recording.stop();
        Path file = out.resolve("bench-" + stamp + "-" + id + ".jfr");
        recording.dump(file);
        recording.close();
        ((List<String>) extra.computeIfAbsent("jfr", k -> new ArrayList<String>())).add(file.toString());
    }

    private JobClient startJob(String function, String topic, int batchSize, Integer window, int parallelism,
            String group) throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(parallelism, new Configuration());
        JobOptions options = new JobOptions().lambdaEndpoint(endpoint).parallelism(parallelism);
        EsmPipeline.build(env, MappingParser.parse(
                BenchData.mapping(function, topic, bootstrap, group, batchSize, window)), options);
        return env.executeAsync("bench " + group);
    }

    private static void stop(JobClient job) {
        try {
            job.cancel().get(30, TimeUnit.SECONDS);
            job.getJobExecutionResult().handle((r, e) -> null).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the job ends with the cancellation; its per-job MiniCluster shuts down behind it
        }
    }

    /** 5. Latency at a steady 2,000 records/s, window 0, from record timestamp to arrival at the function. */
    private void latency() throws Exception {
        String function = "bench-latency";
        String topic = "latency";
        BenchData.createTopic(bootstrap, topic, PARTITIONS);
        int rate = 2_000;
        int measureSeconds = quick ? 3 : 10;
        consumerLatency(rate, measureSeconds);
        JobClient job = startJob(function, topic, 100, 0, 2, "bench-" + runId + "-latency");
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicLong produced = new AtomicLong();
        Thread producer = steadyProducer(topic, rate, producing, produced);
        producer.start();
        // warm-up: until the job delivers, then 2 s more; latencies from then on count
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (stats.records(function) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(quick ? 1_000 : 2_000);
        stats.reset(function);
        long producedAtStart = produced.get();
        jdk.jfr.Recording recording = profile ? startRecording() : null;
        Thread.sleep(measureSeconds * 1000L);
        if (recording != null) {
            stopRecording(recording, "latency");
        }
        producing.set(false);
        producer.join();
        long expected = produced.get() - producedAtStart;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (stats.records(function) < expected && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        JsonNode s = stats.get(function);
        stop(job);
        Map<String, Object> row = row("latency", "latency: 2,000/s, window 0, BatchSize 100, p=2",
                s.path("records").asLong(), s.path("firstArrivalMs").asLong(), s.path("lastArrivalMs").asLong(), s);
        row.put("producedInWindow", expected);
        row.put("p50Ms", s.path("latencyP50Ms").asLong());
        row.put("p99Ms", s.path("latencyP99Ms").asLong());
        row.put("maxMs", s.path("latencyMaxMs").asLong());
    }

    private Thread steadyProducer(String topic, int rate, AtomicBoolean producing, AtomicLong produced) {
        return new Thread(() -> {
            Random random = new Random(7);
            try (KafkaProducer<byte[], byte[]> kp = BenchData.producer(bootstrap, 0)) {
                long startNanos = System.nanoTime();
                long i = 0;
                while (producing.get()) {
                    long due = (System.nanoTime() - startNanos) * rate / 1_000_000_000L;
                    while (i < due) {
                        kp.send(BenchData.record(random, topic, (int) (i++ % PARTITIONS)));
                    }
                    produced.set(i);
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }, "bench-steady-producer");
    }

    /**
     * The latency floor on this machine right now: the same steady stream read by a plain KafkaConsumer in this
     * JVM, latency = poll time - record timestamp. The job's latency is compared with it.
     */
    private void consumerLatency(int rate, int measureSeconds) throws Exception {
        String topic = "latency-limit";
        BenchData.createTopic(bootstrap, topic, PARTITIONS);
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicLong produced = new AtomicLong();
        Thread producer = steadyProducer(topic, rate, producing, produced);
        long[] histogram = new long[60_001];
        long seen = 0;
        long max = 0;
        long firstMs = 0;
        long lastMs = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                consumerProperties("bench-" + runId + "-latency-limit"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            producer.start();
            long warmUntil = System.currentTimeMillis() + (quick ? 1_500 : 3_000);
            long endMs = warmUntil + measureSeconds * 1000L;
            long now;
            while ((now = System.currentTimeMillis()) < endMs) {
                ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(100));
                now = System.currentTimeMillis();
                if (now < warmUntil || polled.isEmpty()) {
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> r : polled) {
                    long ms = Math.max(0, now - r.timestamp());
                    histogram[(int) Math.min(ms, histogram.length - 1)]++;
                    max = Math.max(max, ms);
                    seen++;
                }
                firstMs = firstMs == 0 ? now : firstMs;
                lastMs = now;
            }
        } finally {
            producing.set(false);
            producer.join();
        }
        Map<String, Object> row = row("latency-limit", "latency floor: plain KafkaConsumer, 2,000/s", seen, firstMs,
                lastMs, null);
        row.put("p50Ms", percentile(histogram, seen, 0.50));
        row.put("p99Ms", percentile(histogram, seen, 0.99));
        row.put("maxMs", max);
    }

    private static long percentile(long[] histogram, long n, double q) {
        long rank = (long) Math.ceil(q * n);
        long seen = 0;
        for (int i = 0; i < histogram.length; i++) {
            seen += histogram[i];
            if (seen >= rank) {
                return i;
            }
        }
        return -1;
    }

    /** 6. A function taking 100 ms per batch: delivered throughput against P x BatchSize / 0.1 s. */
    private void slowFunction(int partitions) throws Exception {
        String function = "bench-slow";
        String topic = "slow-" + partitions;
        int batch = slowBatchSize;
        double ideal = partitions * batch / 0.1;
        int seconds = quick ? 5 : 14;
        long backlog = (long) (ideal * (seconds + 4));
        BenchData.createTopic(bootstrap, topic, partitions);
        BenchData.produce(bootstrap, topic, partitions, backlog);
        stats.reset(function);
        int parallelism = Math.min(4, partitions);
        long start = System.currentTimeMillis();
        JobClient job = startJob(function, topic, batch, null, parallelism, "bench-" + runId + "-" + topic);
        List<long[]> samples = new ArrayList<>(); // [epochMs, records]
        long end = start + seconds * 1000L;
        long reached90 = -1;
        JsonNode s = null;
        while (System.currentTimeMillis() < end) {
            Thread.sleep(200);
            s = stats.get(function);
            long now = System.currentTimeMillis();
            samples.add(new long[] {now, s.path("records").asLong()});
            if (reached90 < 0) {
                long[] back = null;
                for (long[] x : samples) {
                    if (x[0] <= now - 1000) {
                        back = x;
                    }
                }
                if (back != null && (samples.get(samples.size() - 1)[1] - back[1]) * 1000.0 / (now - back[0])
                        >= 0.9 * ideal) {
                    reached90 = now;
                }
            }
        }
        stop(job);
        long first = s.path("firstArrivalMs").asLong();
        // steady rate: from 2 s after the first invocation to the end
        long[] from = null;
        for (long[] x : samples) {
            if (from == null && x[0] >= first + 2000) {
                from = x;
            }
        }
        long[] to = samples.get(samples.size() - 1);
        double steady = from == null || to[0] == from[0] ? 0 : (to[1] - from[1]) * 1000.0 / (to[0] - from[0]);
        Map<String, Object> row = row("slow-p" + partitions, "slow 100 ms, P=" + partitions + ", BatchSize " + batch
                        + ", p=" + parallelism, s.path("records").asLong(), first,
                s.path("lastArrivalMs").asLong(), s);
        row.put("idealRecordsPerSecond", ideal);
        row.put("steadyRecordsPerSecond", steady);
        row.put("fractionOfIdeal", steady / ideal);
        row.put("secondsTo90Percent", reached90 < 0 ? null : (reached90 - start) / 1000.0);
        row.put("peakInFlight", s.path("peakInFlight").asLong());
    }

    /**
     * 7. The job alone in a child JVM: peak heap and RSS with a backlog of 1x and 10x ({@code memory}); and, with
     * {@code budget}, the cases that must stay inside {@code --max-buffered-mb}: a function failing forever over
     * 1 KB records and over 1 MB records, and 256 partitions on one subtask.
     */
    private void memory() throws Exception {
        if (phases.contains("memory")) {
            long one = n / 10;
            String topic1 = "memory-1x";
            BenchData.createTopic(bootstrap, topic1, PARTITIONS);
            BenchData.produce(bootstrap, topic1, PARTITIONS, one);
            memoryRun("memory-1x", topic1, one, "bench-count", 2, null, 180);
            memoryRun("memory-10x", TOPIC, n, "bench-count", 2, null, 180);
        }
        if (phases.contains("budget")) {
            // demo-fails fails every invocation: nothing is delivered, every partition holds what it may
            memoryRun("memory-stall-1k", TOPIC, 0, "demo-fails", 1, 128L, 20);
            String large = "memory-1mb";
            BenchData.createTopic(bootstrap, large, 16);
            BenchData.produce(bootstrap, large, 16, 16 * 16, 1_000_000);
            memoryRun("memory-stall-1m", large, 0, "demo-fails", 1, 64L, 20);
            String wide = "memory-p256";
            BenchData.createTopic(bootstrap, wide, 256);
            BenchData.produce(bootstrap, wide, 256, 256 * 600);
            memoryRun("memory-p256", wide, 0, "demo-fails", 1, 128L, 25);
        }
    }

    /**
     * One child JVM: until the function counted {@code count} records, or for {@code seconds} when count is 0;
     * {@code budgetMb} null: the job's default budget.
     */
    private void memoryRun(String id, String topic, long count, String function, int parallelism, Long budgetMb,
            int seconds) throws Exception {
        if (count > 0) {
            stats.reset(function);
        }
        List<String> jvm = new ArrayList<>(javaOpens());
        jvm.add("-Xmx1g");
        jvm.add("-Dlog4j.configurationFile=local/src/main/resources/log4j2.xml");
        String mapping = BenchData.mapping(function, topic, bootstrap, "bench-" + runId + "-" + id, 100, null);
        List<String> args = new ArrayList<>(List.of(mapping, endpoint, function, Long.toString(count),
                Integer.toString(parallelism), Integer.toString(seconds)));
        if (budgetMb != null) {
            args.add(Long.toString(budgetMb));
        }
        try (ChildJvm child = ChildJvm.start(id, jvm, BenchJobMain.class.getName(), args,
                Path.of("local/target/bench-" + id + ".log"))) {
            JsonNode r = JSON.readTree(child.awaitLine("BENCH-RESULT ", 240));
            child.waitFor(30);
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", count > 0 ? "memory: job JVM, backlog " + count + " records"
                    : "memory: job JVM, " + function + " for " + seconds + " s on " + topic + ", p=" + parallelism);
            row.put("records", r.path("delivered").asLong());
            long first = r.path("firstArrivalMs").asLong();
            long last = r.path("lastArrivalMs").asLong();
            double sec = (last - first) / 1000.0;
            row.put("seconds", sec);
            row.put("recordsPerSecond", sec > 0 ? r.path("delivered").asLong() / sec : null);
            row.put("wallSecondsWithStartup", r.path("seconds").asDouble());
            row.put("cpuSecondsTotalJobJvm", r.path("cpuSeconds").asDouble());
            row.put("peakHeapMb", r.path("peakHeapUsedBytes").asLong() / 1048576.0);
            row.put("peakLiveHeapMb", r.path("peakHeapAfterGcBytes").asLong() / 1048576.0);
            row.put("maxHeapMb", r.path("maxHeapBytes").asLong() / 1048576.0);
            row.put("maxBufferedMb", r.path("maxBufferedBytes").asLong() / 1048576.0);
            row.put("vmHwmMb", r.path("vmHwmKb").asLong() / 1024.0);
            row.put("vmRssMb", r.path("vmRssKb").asLong() / 1024.0);
            rows.put(id, row);
            log(String.format("%-15s %,d records delivered  peak heap %.0f MB (live %.0f MB; budget %.0f MB per subtask,"
                            + " p=%d)  VmHWM %.0f MB", id, r.path("delivered").asLong(), row.get("peakHeapMb"),
                    row.get("peakLiveHeapMb"), row.get("maxBufferedMb"), parallelism, row.get("vmHwmMb")));
        }
    }

    // ------------------------------------------------------------------------------------------------- results

    private Properties consumerProperties(String group) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        p.setProperty("group.id", group);
        p.setProperty("auto.offset.reset", "earliest");
        p.setProperty("enable.auto.commit", "false");
        return p;
    }

    private Map<String, Object> row(String id, String name, long count, long firstMs, long lastMs, JsonNode s) {
        cpu.sample();
        Map<String, Object> row = new LinkedHashMap<>();
        double seconds = (lastMs - firstMs) / 1000.0;
        double rate = seconds > 0 ? count / seconds : Double.NaN;
        row.put("name", name);
        row.put("records", count);
        row.put("seconds", seconds);
        row.put("recordsPerSecond", rate);
        row.put("mbPerSecond", rate * BenchData.RECORD_BYTES / 1e6);
        row.put("cpuSecondsPerMillion", perMillion(cpu.between(0, firstMs, lastMs), count));
        row.put("brokerCpuSecondsPerMillion", perMillion(cpu.between(1, firstMs, lastMs), count));
        row.put("hostCpuSecondsPerMillion", perMillion(cpu.between(2, firstMs, lastMs), count));
        if (s != null && s.path("invocations").asLong() > 0) {
            row.put("invocations", s.path("invocations").asLong());
            row.put("recordsPerInvocation", (double) count / s.path("invocations").asLong());
            row.put("peakInFlight", s.path("peakInFlight").asLong());
        }
        rows.put(id, row);
        log(String.format("%-14s %,9d records in %6.2f s = %,8.0f records/s  %6.1f MB/s  CPU %5.1f s/M", id, count,
                seconds, rate, rate * BenchData.RECORD_BYTES / 1e6, row.get("cpuSecondsPerMillion")));
        return row;
    }

    private static double perMillion(double cpuSeconds, long count) {
        return count > 0 ? cpuSeconds * 1e6 / count : Double.NaN;
    }

    private double rate(String id) {
        Map<String, Object> r = rows.get(id);
        return r == null ? Double.NaN : ((Number) r.get("recordsPerSecond")).doubleValue();
    }

    private double num(String id, String field) {
        Map<String, Object> r = rows.get(id);
        Object v = r == null ? null : r.get(field);
        return v instanceof Number ? ((Number) v).doubleValue() : Double.NaN;
    }

    private Map<String, Object> ratios() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job/source (4/2)", rate("job-b100") / rate("source"));
        m.put("job/limit (4/1)", rate("job-b100") / rate("limit"));
        m.put("job/baseline (4/3)", rate("job-b100") / rate("baseline-b100"));
        m.put("job b1000/source", rate("job-b1000") / rate("source"));
        m.put("job b1000/limit", rate("job-b1000") / rate("limit"));
        m.put("job b1000/baseline b100", rate("job-b1000") / rate("baseline-b100"));
        m.put("job b1000/baseline b1000", rate("job-b1000") / rate("baseline-b1000"));
        m.put("latency p99 job/plain consumer", num("latency", "p99Ms") / num("latency-limit", "p99Ms"));
        m.put("job 20ms/baseline 20ms", rate("job-20ms") / rate("baseline-20ms"));
        m.put("job CPU/M / baseline CPU/M", num("job-b100", "cpuSecondsPerMillion")
                / num("baseline-b100", "cpuSecondsPerMillion"));
        m.put("peak heap 10x / 1x", num("memory-10x", "peakHeapMb") / num("memory-1x", "peakHeapMb"));
        m.put("peak live heap 10x / 1x", num("memory-10x", "peakLiveHeapMb") / num("memory-1x", "peakLiveHeapMb"));
        m.put("VmHWM 10x / 1x", num("memory-10x", "vmHwmMb") / num("memory-1x", "vmHwmMb"));
        return m;
    }

    /**
     * CPU per million records = per-record part + invocations per million x per-invocation part, solved from the
     * BatchSize 100 and 1,000 rows (same records, 10x fewer invocations).
     */
    private Map<String, Object> cpuModel() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String who : List.of("job", "baseline")) {
            double c100 = num(who + "-b100", "cpuSecondsPerMillion");
            double c1000 = num(who + "-b1000", "cpuSecondsPerMillion");
            double perInvocation = (c100 - c1000) / (10_000 - 1_000); // seconds
            double perRecordPart = c1000 - perInvocation * 1_000; // seconds per million records
            m.put(who + " CPU ms per invocation", perInvocation * 1000);
            m.put(who + " CPU s per million records, invocations aside", perRecordPart);
        }
        return m;
    }

    private List<Map<String, Object>> targets() {
        List<Map<String, Object>> t = new ArrayList<>();
        double jobSource = rate("job-b100") / rate("source");
        target(t, "BatchSize 100: job >= 0.5 x source only", jobSource, ">= 0.5", jobSource >= 0.5);
        double jobBase = rate("job-b100") / rate("baseline-b100");
        target(t, "BatchSize 100: job >= 1.5 x baseline", jobBase, ">= 1.5", jobBase >= 1.5);
        double cpuRatio = num("job-b100", "cpuSecondsPerMillion") / num("baseline-b100", "cpuSecondsPerMillion");
        target(t, "BatchSize 100: job CPU/M <= baseline CPU/M", cpuRatio, "<= 1.0", cpuRatio <= 1.0);
        double slow20 = rate("job-20ms") / rate("baseline-20ms");
        target(t, "20 ms function: job >= 5 x baseline", slow20, ">= 5", slow20 >= 5);
        double p99 = num("latency", "p99Ms");
        target(t, "latency p99 < 100 ms at 2,000/s, window 0", p99, "< 100 ms", p99 < 100);
        for (int p : new int[] {4, 16, 64}) {
            double f = num("slow-p" + p, "fractionOfIdeal");
            double s = num("slow-p" + p, "secondsTo90Percent");
            target(t, "slow function P=" + p + ": >= 90 % of ideal within 10 s", f, ">= 0.9 (90 % after "
                    + (Double.isNaN(s) ? "never" : String.format("%.1f s", s)) + ")", f >= 0.9 && s <= 10);
        }
        double live = num("memory-10x", "peakLiveHeapMb") / num("memory-1x", "peakLiveHeapMb");
        target(t, "memory: peak live heap 10x backlog within 10 % of 1x", live, "<= 1.10", live <= 1.10);
        double heap = num("memory-10x", "peakHeapMb") / num("memory-1x", "peakHeapMb");
        target(t, "memory: peak sampled heap 10x within 10 % of 1x", heap, "<= 1.10", heap <= 1.10);
        return t;
    }

    private static void target(List<Map<String, Object>> list, String name, double value, String goal, boolean ok) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", name);
        m.put("value", Double.isNaN(value) ? null : value);
        m.put("goal", goal);
        m.put("result", Double.isNaN(value) ? "not run" : ok ? "PASS" : "FAIL");
        list.add(m);
    }

    @SuppressWarnings("unchecked")
    private void printTable(Map<String, Object> result) {
        StringBuilder sb = new StringBuilder();
        Map<String, Object> machine = (Map<String, Object>) result.get("machine");
        sb.append(String.format("%n%d records of %d B (16 B key, 1 KB value, one header), %d partitions; "
                        + "%s cores; load before %s, after %s%n%n", n, BenchData.RECORD_BYTES, PARTITIONS,
                machine.get("cores"), machine.get("loadavgBefore"), machine.get("loadavgAfter")));
        sb.append(String.format("%-14s %-48s %9s %9s %7s %8s %8s %8s %7s%n", "row", "what", "records", "rec/s",
                "MB/s", "CPU s/M", "host s/M", "brkr s/M", "rec/inv"));
        for (Map.Entry<String, Map<String, Object>> e : rows.entrySet()) {
            Map<String, Object> r = e.getValue();
            if (e.getKey().startsWith("memory") || e.getKey().endsWith("-warm")) {
                continue;
            }
            sb.append(String.format("%-14s %-48s %9d %9.0f %7.1f %8.2f %8.2f %8.2f %7s%n", e.getKey(),
                    r.get("name"), r.get("records"), r.get("recordsPerSecond"), r.get("mbPerSecond"),
                    r.get("cpuSecondsPerMillion"), r.get("hostCpuSecondsPerMillion"),
                    r.get("brokerCpuSecondsPerMillion"),
                    r.get("recordsPerInvocation") == null ? "" : String.format("%.0f", r.get("recordsPerInvocation"))));
        }
        sb.append('\n');
        for (String id : List.of("latency-limit", "latency")) {
            Map<String, Object> r = rows.get(id);
            if (r != null) {
                sb.append(String.format("%-14s (2,000/s%s): p50 %s ms, p99 %s ms, max %s ms over %s records%n", id,
                        id.equals("latency") ? ", job, window 0" : ", plain consumer", r.get("p50Ms"),
                        r.get("p99Ms"), r.get("maxMs"), r.get("records")));
            }
        }
        for (int p : new int[] {4, 16, 64}) {
            Map<String, Object> r = rows.get("slow-p" + p);
            if (r != null) {
                sb.append(String.format("slow 100 ms, P=%-2d: %,.0f of ideal %,.0f records/s = %.0f %%, 90 %% after %s s,"
                                + " peak in flight %s%n", p, r.get("steadyRecordsPerSecond"),
                        r.get("idealRecordsPerSecond"), 100 * (Double) r.get("fractionOfIdeal"),
                        r.get("secondsTo90Percent"), r.get("peakInFlight")));
            }
        }
        for (String id : List.of("memory-1x", "memory-10x")) {
            Map<String, Object> r = rows.get(id);
            if (r != null) {
                sb.append(String.format("%-10s: %,d records, peak heap %.0f MB (live after full GC %.0f MB) of %.0f MB, VmHWM %.0f MB,"
                                + " VmRSS %.0f MB%n", id, r.get("records"), r.get("peakHeapMb"),
                        r.get("peakLiveHeapMb"), r.get("maxHeapMb"), r.get("vmHwmMb"), r.get("vmRssMb")));
            }
        }
        sb.append("\nratios\n");
        ((Map<String, Object>) result.get("ratios")).forEach((k, v) ->
                sb.append(String.format("  %-32s %s%n", k, v instanceof Double d && !d.isNaN()
                        ? String.format("%.2f", d) : "n/a")));
        sb.append("\nCPU model (from BatchSize 100 vs 1,000)\n");
        ((Map<String, Object>) result.get("cpuModel")).forEach((k, v) ->
                sb.append(String.format("  %-48s %s%n", k, v instanceof Double d && !d.isNaN()
                        ? String.format("%.2f", d) : "n/a")));
        sb.append("\ntargets\n");
        for (Map<String, Object> t : (List<Map<String, Object>>) result.get("targets")) {
            Object v = t.get("value");
            sb.append(String.format("  %-4s %-52s %8s  (goal %s)%n", t.get("result"), t.get("target"),
                    v == null ? "n/a" : String.format("%.2f", (Double) v), t.get("goal")));
        }
        sb.append(String.format("%ntotal %.0f s%n", secondsSince(t0)));
        System.out.print(sb);
    }

    private void log(String line) {
        System.out.printf("[%5.1f s] %s%n", secondsSince(t0), line);
        System.out.flush();
    }

    private static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }
}
