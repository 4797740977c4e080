package dev.flinkesm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flinkesm.config.MappingParser;
import dev.flinkesm.payload.EventSourceKind;
import dev.flinkesm.payload.KafkaEventEncoder;
import dev.flinkesm.pipeline.EsmPipeline;
import dev.flinkesm.pipeline.JobOptions;
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
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * What every phase shares: the run's settings, the broker and function host child JVMs, the CPU clock over all
 * three JVMs, the rows, and the helpers to start a job, time a row and record JFR. The main backlog ({@link #TOPIC},
 * {@link #records} records over {@link #PARTITIONS} partitions) is produced before the first phase.
 */
final class BenchContext implements AutoCloseable {
    static final String TOPIC = "bench";
    static final int PARTITIONS = 8;

    final boolean quick;
    /** Records in the main backlog. */
    final long records;
    final boolean profile;
    final int slowBatchSize;
    final int scaleBatchSize;
    /** {@code P:CAP} pairs for the scale phase; empty: its default runs. */
    final List<String> scaleRuns;
    /** {@code K=V} Kafka consumer properties for the scale phase's jobs (fetch tuning experiments). */
    final List<String> scaleKafkaProperties;
    final Path out;
    /** Makes consumer group ids unique per run, so every phase reads from the start. */
    final String runId = Long.toString(System.currentTimeMillis(), 36);
    final String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    final long t0 = System.nanoTime();
    private final BenchRows rows = new BenchRows();
    /** Top-level JSON entries besides rows (checksums, JFR files). */
    final Map<String, Object> extra = new LinkedHashMap<>();

    private ChildJvm broker;
    private ChildJvm host;
    private String bootstrap;
    private String endpoint;
    private CpuClock cpu;
    private HostStats stats;
    private KafkaEventEncoder encoder;

    BenchContext(boolean quick, long records, boolean profile, int slowBatchSize, int scaleBatchSize,
            List<String> scaleRuns, List<String> scaleKafkaProperties, Path out) {
        this.quick = quick;
        this.records = records;
        this.profile = profile;
        this.slowBatchSize = slowBatchSize;
        this.scaleBatchSize = scaleBatchSize;
        this.scaleRuns = scaleRuns == null ? List.of() : List.copyOf(scaleRuns);
        this.scaleKafkaProperties = scaleKafkaProperties == null ? List.of() : List.copyOf(scaleKafkaProperties);
        this.out = out;
    }

    /** Starts the broker and the function host as child JVMs on free ports and waits until both are ready. */
    void startChildren() throws Exception {
        List<String> jvm = new ArrayList<>(javaOpens());
        jvm.add("-Xmx1g");
        broker = ChildJvm.start("broker", jvm, "dev.flinkesm.local.kafka.KafkaBrokerMain",
                List.of("--port", "0"), Path.of("bench/target/bench-broker.log"));
        List<String> hostJvm = new ArrayList<>(jvm);
        hostJvm.add("-Dsun.net.httpserver.nodelay=true");
        host = ChildJvm.start("function-host", hostJvm, "dev.flinkesm.local.lambda.FunctionHostMain",
                List.of("--port", "0", "--bench-function", "bench-count", "--bench-function", "bench-count-20:20",
                        "--bench-function", "bench-latency", "--bench-function", "bench-slow:100"),
                Path.of("bench/target/bench-host.log"));
        bootstrap = broker.awaitLine("Kafka broker ready: bootstrap.servers=", 120);
        String e = host.awaitLine("Function host ready: endpoint=", 120);
        endpoint = e.endsWith("/") ? e.substring(0, e.length() - 1) : e;
        log("broker " + bootstrap + " (pid " + broker.pid() + "), function host " + endpoint + " (pid " + host.pid()
                + ")");
        cpu = new CpuClock(broker.pid(), host.pid());
        stats = new HostStats(endpoint);
        encoder = new KafkaEventEncoder(EventSourceKind.SELF_MANAGED, bootstrap, null);
    }

    String bootstrap() {
        return bootstrap;
    }

    /** The function host's Lambda API endpoint, without a trailing slash. */
    String endpoint() {
        return endpoint;
    }

    HostStats stats() {
        return stats;
    }

    KafkaEventEncoder encoder() {
        return encoder;
    }

    BenchRows rows() {
        return rows;
    }

    /** A consumer group id unique to this run and row. */
    String group(String id) {
        return "bench-" + runId + "-" + id;
    }

    static List<String> javaOpens() {
        String opens = System.getenv("JAVA17_OPENS");
        return opens == null || opens.isBlank() ? List.of() : Arrays.asList(opens.trim().split("\\s+"));
    }

    Properties consumerProperties(String group) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        p.setProperty("group.id", group);
        p.setProperty("auto.offset.reset", "earliest");
        p.setProperty("enable.auto.commit", "false");
        return p;
    }

    /**
     * Times a row from {@code count} records between two epoch-ms instants: records/s, MB/s and the CPU per million
     * records of this JVM, the broker and the host over the same interval; {@code s}, the function's stats, adds
     * invocations. Returns the row so the phase can add fields.
     */
    Map<String, Object> row(String id, String name, long count, long firstMs, long lastMs, JsonNode s) {
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

    /** The job as {@code EsmJob} builds it, on a MiniCluster in this JVM, started asynchronously. */
    JobClient startJob(String function, String topic, int batchSize, Integer window, int parallelism, String group)
            throws Exception {
        return startJob(BenchData.mapping(function, topic, bootstrap, group, batchSize, window), parallelism,
                UnaryOperator.identity(), "bench " + group);
    }

    /** The job for a mapping, with job options beyond endpoint and parallelism set by {@code options}. */
    JobClient startJob(String mapping, int parallelism, UnaryOperator<JobOptions> options, String jobName)
            throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironment(parallelism, new Configuration());
        EsmPipeline.build(env, MappingParser.parse(mapping),
                options.apply(new JobOptions().lambdaEndpoint(endpoint).parallelism(parallelism)));
        return env.executeAsync(jobName);
    }

    static void stop(JobClient job) {
        try {
            job.cancel().get(30, TimeUnit.SECONDS);
            job.getJobExecutionResult().handle((r, e) -> null).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the job ends with the cancellation; its per-job MiniCluster shuts down behind it
        }
    }

    /** JFR of this JVM, sampling Java stacks every 2 ms (scripts/jfr-summary reads it). */
    static jdk.jfr.Recording startRecording() throws Exception {
        jdk.jfr.Recording recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(2));
        recording.start();
        return recording;
    }

    /** Stops and writes a recording to {@code bench-<stamp>-<id>.jfr}, listed under {@code jfr} in the JSON. */
    void stopRecording(jdk.jfr.Recording recording, String id) throws Exception {
        recording.stop();
        Path file = out.resolve("bench-" + stamp + "-" + id + ".jfr");
        recording.dump(file);
        recording.close();
        addJfr(file);
    }

    /** Lists a JFR file (this JVM's or a child's) under {@code jfr} in the JSON. */
    @SuppressWarnings("unchecked")
    void addJfr(Path file) {
        ((List<String>) extra.computeIfAbsent("jfr", k -> new ArrayList<String>())).add(file.toString());
    }

    void log(String line) {
        System.out.printf("[%5.1f s] %s%n", secondsSince(t0), line);
        System.out.flush();
    }

    static double secondsSince(long nanos) {
        return (System.nanoTime() - nanos) / 1e9;
    }

    @Override
    public void close() {
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
}
