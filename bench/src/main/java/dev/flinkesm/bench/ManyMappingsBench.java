package dev.flinkesm.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
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
    private final Map<String, Object> rows = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();

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
        MappingsRig rig = new MappingsRig(new MappingsRig.Settings(mappings, partitions, maxBufferedMb,
                tmProcessSize, tmMetaspaceSize, jmProcessSize, jmMetaspaceSize),
                repo.resolve("bench/target/mappings-bench"));
        MappingsDelivery delivery = new MappingsDelivery(rig, problems);
        MappingsPhases phases = new MappingsPhases(rig, delivery, problems, idleSeconds);
        Files.createDirectories(out);
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        long t0 = System.nanoTime();
        log(String.format("mappings bench: %d mappings x %d partitions, %,d records each, --max-buffered-mb %d, "
                        + "idle %d s, TaskManager %s (metaspace %s), %d cores, load %s", mappings, partitions,
                recordsPerMapping, maxBufferedMb, idleSeconds, tmProcessSize, tmMetaspaceSize,
                Runtime.getRuntime().availableProcessors(), loadBefore));
        // The cluster has its own hook; this one stops the broker and the function host too.
        Thread hook = new Thread(rig::close, "mappings-bench-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        Map<String, Object> sizing = null;
        Map<String, Object> tmConfig = null;
        try {
            rig.start(repo, jar);
            tmConfig = rig.taskManagerMemory();
            rows.put("mappings-0", phases.emptyTaskManager());

            rig.submit(0, 1);
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("mappings", 1);
            one.put("busy", phases.busy(1, (long) mappings * recordsPerMapping));
            one.put("idle", phases.idle(1));
            rows.put("mappings-1", one);

            rig.submit(1, mappings);
            Map<String, Object> many = new LinkedHashMap<>();
            many.put("mappings", mappings);
            many.put("busy", phases.busy(mappings, recordsPerMapping));
            many.put("idle", phases.idle(mappings));
            rows.put("mappings-" + mappings, many);

            rows.put("delivery", delivery.verify());
            sizing = MappingsSizing.derive(one, many, mappings, maxBufferedMb, tmProcessSize, tmMetaspaceSize);
        } catch (Exception e) {
            problems.add("run failed: " + e);
            e.printStackTrace();
        } finally {
            rig.close();
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
        result.put("batchSize", MappingsRig.BATCH_SIZE);
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

    private Path jobJar() throws IOException {
        try (Stream<Path> files = Files.list(repo.resolve("job/target"))) {
            return files.filter(p -> p.getFileName().toString().matches("flink-lambda-esm-job-.*-flink\\.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException(
                            "no shaded job jar in job/target: mvn -B -DskipTests package"));
        }
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

    static void log(String message) {
        System.out.println(message);
        System.out.flush();
    }
}
