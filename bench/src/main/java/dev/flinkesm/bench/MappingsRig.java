package dev.flinkesm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flinkesm.local.cluster.DirectoryTrees;
import dev.flinkesm.local.cluster.SessionCluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * What the mappings bench runs on: a session cluster with one TaskManager of a slot per mapping, the broker and the
 * function host as child JVMs, a topic, function and consumer group per mapping, and the probes that measure the
 * cluster's JVMs. {@link #close()} stops all of it (also when only part started) and deletes the backlogs and
 * checkpoints; the logs stay.
 */
final class MappingsRig implements AutoCloseable {
    static final int BATCH_SIZE = 100;

    /** The sizes the rig is built for. */
    record Settings(int mappings, int partitions, int maxBufferedMb, String tmProcessSize, String tmMetaspaceSize,
            String jmProcessSize, String jmMetaspaceSize) {}

    final Settings settings;
    private final Path work;
    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    private final List<String> jobIds = new ArrayList<>();
    private SessionCluster cluster;
    private ClusterJobs jobs;
    private ChildJvm broker;
    private ChildJvm host;
    CpuClock cpu;
    JvmProbe tm;
    JvmProbe jm;
    HostStats stats;
    String bootstrap;
    private String endpoint;
    private String jarId;

    /** A rig in {@code work}, not started; {@link #close()} may be called at any point from here on. */
    MappingsRig(Settings settings, Path work) {
        this.settings = settings;
        this.work = work;
    }

    /** Starts cluster, broker and host in {@code work} (emptied first), creates the topics, uploads the job jar. */
    void start(Path repo, Path jobJar) throws Exception {
        DirectoryTrees.deleteQuietly(work);
        startAll(repo);
        createTopics();
        jarId = jobs.upload(jobJar);
    }

    private void startAll(Path repo) throws Exception {
        Map<String, String> flink = new LinkedHashMap<>();
        flink.put("taskmanager.numberOfTaskSlots", Integer.toString(settings.mappings()));
        flink.put("taskmanager.memory.process.size", settings.tmProcessSize());
        flink.put("taskmanager.memory.jvm-metaspace.size", settings.tmMetaspaceSize());
        flink.put("jobmanager.memory.process.size", settings.jmProcessSize());
        flink.put("jobmanager.memory.jvm-metaspace.size", settings.jmMetaspaceSize());
        cluster = new SessionCluster(repo, work.resolve("flink"), flink);
        jobs = new ClusterJobs(cluster.restUrl());
        CompletableFuture<Void> clusterUp = CompletableFuture.runAsync(cluster::start);
        List<String> jvm = new ArrayList<>(javaOpens());
        jvm.add("-Xmx1g");
        broker = ChildJvm.start("broker", jvm, "dev.flinkesm.local.kafka.KafkaBrokerMain",
                List.of("--port", "0", "--data-dir", work.resolve("kafka").toString()),
                work.resolve("broker.log"));
        List<String> hostArgs = new ArrayList<>(List.of("--port", "0"));
        for (int i = 0; i < settings.mappings(); i++) {
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
        ManyMappingsBench.log("cluster " + cluster.restUrl() + " (TaskManager pid " + tm.pid + "), broker "
                + bootstrap + ", function host " + endpoint);
    }

    @Override
    public synchronized void close() {
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
        // the backlogs and checkpoints; the logs stay
        DirectoryTrees.deleteQuietly(work.resolve("kafka"));
        DirectoryTrees.deleteQuietly(work.resolve("flink/checkpoints"));
        DirectoryTrees.deleteQuietly(work.resolve("flink/savepoints"));
    }

    private static List<String> javaOpens() {
        String opens = System.getenv("JAVA17_OPENS");
        return opens == null || opens.isBlank() ? List.of() : Arrays.asList(opens.trim().split("\\s+"));
    }

    /** The TaskManager's slots and Flink's memory configuration of it, in MB. */
    Map<String, Object> taskManagerMemory() throws Exception {
        JsonNode tmInfo = jobs.get("/taskmanagers").path("taskmanagers").get(0);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("slots", tmInfo.path("slotsNumber").asInt());
        m.put("processSize", settings.tmProcessSize());
        tmInfo.path("memoryConfiguration").fields()
                .forEachRemaining(f -> m.put(f.getKey() + "Mb", Math.round(f.getValue().asLong() / 1048576.0)));
        return m;
    }

    private void createTopics() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(IntStream.range(0, settings.mappings())
                    .mapToObj(i -> new NewTopic(topic(i), settings.partitions(), (short) 1))
                    .collect(Collectors.toList())).all().get(60, TimeUnit.SECONDS);
        }
    }

    Admin admin() {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        return Admin.create(p);
    }

    static String topic(int i) {
        return String.format("mappings-bench-%02d", i);
    }

    static String function(int i) {
        return String.format("bench-m%02d", i);
    }

    String group(int i) {
        return "mappings-bench-" + runId + "-" + i;
    }

    /** The job of mapping {@code i}. */
    String job(int i) {
        return jobIds.get(i);
    }

    /** Submits mappings {@code from} (inclusive) to {@code to} as jobs and waits until all of them run. */
    void submit(int from, int to) throws Exception {
        long t = System.nanoTime();
        for (int i = from; i < to; i++) {
            String mapping = BenchData.mapping(function(i), topic(i), bootstrap, group(i), BATCH_SIZE, null);
            jobIds.add(jobs.run(jarId, List.of("--mapping-json", mapping, "--lambda-endpoint", endpoint,
                    "--parallelism", "1", "--max-buffered-mb", Integer.toString(settings.maxBufferedMb()))));
        }
        long deadline = System.currentTimeMillis() + 180_000;
        while (true) {
            Map<String, String> states = jobs.jobStates();
            long running = jobIds.stream().filter(j -> "RUNNING".equals(states.get(j))).count();
            if (running == jobIds.size()) {
                break;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(running + " of " + jobIds.size() + " jobs running after 180 s: "
                        + states);
            }
            Thread.sleep(500);
        }
        ManyMappingsBench.log(String.format("%d jobs running (%d submitted in %.1f s)", jobIds.size(), to - from,
                (System.nanoTime() - t) / 1e9));
    }

    /** The job's numRestarts metric; -1 if the REST API never reports it (its first answer may still be empty). */
    long restarts(String job) throws Exception {
        for (int attempt = 0; attempt < 20; attempt++) {
            JsonNode values = jobs.get("/jobs/" + job + "/metrics?get=numRestarts");
            if (!values.isEmpty()) {
                return values.get(0).path("value").asLong();
            }
            Thread.sleep(500);
        }
        return -1;
    }
}
