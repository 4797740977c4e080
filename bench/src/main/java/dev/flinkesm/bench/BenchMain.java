package dev.flinkesm.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * scripts/bench: the job against the limit (a plain consumer), its own source alone, and a hand-written
 * consumer-plus-synchronous-invoke baseline, all in one run, on one broker and one function host (child JVMs).
 * Each phase is a {@link BenchPhase}; {@link BenchReport} turns their rows into the table and the JSON.
 * See docs/performance.md.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measures the job against the limit and the alternatives, in one run.")
public final class BenchMain implements Callable<Integer> {
    /** Every phase, in the order a run measures and reports them. */
    static final List<BenchPhase> PHASES = List.of(new LimitPhase(), new SourcePhase(), new BaselinePhase(),
            new JobPhase(), new FilterPhase(), new Slow20Phase(), new LatencyPhase(), new SlowFunctionPhase(),
            new MemoryPhase(), new BudgetPhase(), new ScalePhase(), new MappingsPhase());

    @Option(names = "--quick", description = "Fewer records and shorter phases (under 90 s).")
    boolean quick;

    @Option(names = "--records", description = "Records in the main backlog (default 200000; --quick 40000).")
    Long records;

    @Option(names = "--phases", split = ",",
            description = "Phases to run (default all but budget, scale and mappings; --quick: also not filter, memory): "
                    + "limit,source,baseline,job,filter,slow20,latency,slowfn,memory,budget,scale,mappings")
    List<String> phases;

    @Option(names = "--profile", description = "Record JFR of this JVM during the BatchSize 100 job phase (and of"
            + " the job JVM in every scale run).")
    boolean profile;

    @Option(names = "--slow-batch-size", defaultValue = "10",
            description = "BatchSize of the slow-function phase (default ${DEFAULT-VALUE}).")
    int slowBatchSize;

    @Option(names = "--scale-batch-size", defaultValue = "1",
            description = "BatchSize of the scale phase (default ${DEFAULT-VALUE}).")
    int scaleBatchSize;

    @Option(names = "--scale-runs", split = ",", paramLabel = "P:CAP",
            description = "Scale runs instead of the default ones: partitions and --max-concurrent-invocations.")
    List<String> scaleRuns;

    @Option(names = "--scale-kafka-property", paramLabel = "K=V",
            description = "A Kafka consumer property for the scale phase's jobs (repeatable), e.g. fetch tuning.")
    List<String> scaleKafkaProperties;

    @Option(names = "--out", defaultValue = "bench-results") Path out;

    public static void main(String[] args) {
        // Flink and Kafka leave non-daemon threads behind
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        BenchData.fakeAws().forEach((k, v) -> {
            if (System.getProperty(k) == null) {
                System.setProperty(k, v);
            }
        });
        long n = records != null ? records : quick ? 40_000 : 200_000;
        List<BenchPhase> selected = new ArrayList<>();
        for (BenchPhase phase : PHASES) {
            if (phases == null ? phase.inDefaultRun(quick) : phases.contains(phase.name())) {
                selected.add(phase);
            }
        }
        Files.createDirectories(out);
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        BenchContext context = new BenchContext(quick, n, profile, slowBatchSize, scaleBatchSize, scaleRuns, scaleKafkaProperties, out);
        context.log("bench: " + n + " records, " + Runtime.getRuntime().availableProcessors() + " cores, load "
                + loadBefore);
        try (context) {
            context.startChildren();
            BenchData.createTopic(context.bootstrap(), BenchContext.TOPIC, BenchContext.PARTITIONS);
            long t = System.nanoTime();
            BenchData.produce(context.bootstrap(), BenchContext.TOPIC, BenchContext.PARTITIONS, n);
            context.log(String.format("produced %d records in %.1f s", n, BenchContext.secondsSince(t)));
            for (BenchPhase phase : selected) {
                phase.run(context);
            }
        }
        String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();
        Map<String, Object> header = new LinkedHashMap<>();
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("loadavgBefore", loadBefore);
        machine.put("loadavgAfter", loadAfter);
        machine.put("java", System.getProperty("java.version"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        header.put("timestamp", context.stamp);
        header.put("machine", machine);
        header.put("records", n);
        header.put("quick", quick);
        header.put("recordBytes", BenchData.RECORD_BYTES);
        header.put("totalSeconds", BenchContext.secondsSince(context.t0));
        BenchReport report = new BenchReport(context.rows(), PHASES);
        Map<String, Object> result = report.result(header, context.extra);
        Path file = BenchReport.write(result, out, context.stamp);
        System.out.print(report.table(result, BenchContext.secondsSince(context.t0)));
        System.out.println("JSON: " + file);
        return 0;
    }
}
