package dev.flinkesm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flinkesm.invoke.InvokerKind;
import dev.flinkesm.pipeline.JobOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.flink.core.execution.JobClient;

/**
 * 4. The job end to end on a local MiniCluster, BatchSize 100 and 1,000; each stops once every record arrived. Besides
 * the defaults, in the same run: {@code job-commit0-b100} commits after every batch ({@code --commit-interval-ms 0},
 * what the default saves), and {@code job-http-*} sends with {@code --invoker SIGNED_HTTP}.
 */
final class JobPhase implements BenchPhase {
    @Override
    public String name() {
        return "job";
    }

    @Override
    public void run(BenchContext c) throws Exception {
        if (!c.quick) {
            // Three whole backlogs first, one per variant below: with 20,000 records of warm-up the job rows still
            // sped up run after run (28 -> 22 -> 13 CPU s/M in three rounds of the same row), as the JIT in this JVM
            // and in the function host went on compiling; the rows would measure the order they ran in.
            measure(c, "job-warm", "bench-count", BenchContext.TOPIC, 100, 2, c.records, 0, false);
            measure(c, "job-commit0-warm", "bench-count", BenchContext.TOPIC, 100, 2, c.records, 0, false,
                    o -> o.commitInterval(Duration.ZERO), "");
            measure(c, "job-http-warm", "bench-count", BenchContext.TOPIC, 100, 2, c.records, 0, false, SIGNED_HTTP,
                    "");
        }
        measure(c, "job-b100", "bench-count", BenchContext.TOPIC, 100, 2, c.records, 0, c.profile);
        measure(c, "job-b1000", "bench-count", BenchContext.TOPIC, 1000, 2, c.records, 0, false);
        measure(c, "job-commit0-b100", "bench-count", BenchContext.TOPIC, 100, 2, c.records, 0, false,
                o -> o.commitInterval(Duration.ZERO), ", commit after every batch");
        measure(c, "job-http-b100", "bench-count", BenchContext.TOPIC, 100, 2, c.records, 0, false, SIGNED_HTTP,
                ", --invoker SIGNED_HTTP");
        measure(c, "job-http-b1000", "bench-count", BenchContext.TOPIC, 1000, 2, c.records, 0, false, SIGNED_HTTP,
                ", --invoker SIGNED_HTTP");
    }

    private static final UnaryOperator<JobOptions> SIGNED_HTTP = o -> o.invoker(InvokerKind.SIGNED_HTTP);

    static void measure(BenchContext c, String id, String function, String topic, int batchSize, int parallelism,
            long count, int capSeconds, boolean jfr) throws Exception {
        measure(c, id, function, topic, batchSize, parallelism, count, capSeconds, jfr, UnaryOperator.identity(), "");
    }

    /**
     * One job row: stops once the function counted {@code count} records or, when {@code capSeconds} > 0, that
     * long after the first invocation; with {@code jfr}, records JFR from the first delivery (steady state only).
     */
    static void measure(BenchContext c, String id, String function, String topic, int batchSize, int parallelism,
            long count, int capSeconds, boolean jfr, UnaryOperator<JobOptions> options, String variant)
            throws Exception {
        c.stats().reset(function);
        jdk.jfr.Recording recording = null;
        long start = System.currentTimeMillis();
        JobClient job = c.startJob(BenchData.mapping(function, topic, c.bootstrap(), c.group(id), batchSize, null),
                parallelism, options, "bench " + c.group(id));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        JsonNode s = c.stats().get(function);
        while (s.path("records").asLong() < count && System.nanoTime() < deadline) {
            if (jfr && recording == null && s.path("firstArrivalMs").asLong() > 0) {
                recording = BenchContext.startRecording();
            }
            long first = s.path("firstArrivalMs").asLong();
            if (capSeconds > 0 && first > 0 && System.currentTimeMillis() - first > capSeconds * 1000L) {
                break;
            }
            Thread.sleep(50);
            s = c.stats().get(function);
        }
        long doneMs = System.currentTimeMillis();
        BenchContext.stop(job);
        if (recording != null) {
            c.stopRecording(recording, id);
        }
        String name = "job" + (capSeconds > 0 ? ", 20 ms function" : "") + ", BatchSize " + batchSize + ", p="
                + parallelism + variant;
        Map<String, Object> row = c.row(id, name, s.path("records").asLong(), s.path("firstArrivalMs").asLong(),
                s.path("lastArrivalMs").asLong(), s);
        row.put("wallSecondsWithStartup", (doneMs - start) / 1000.0);
    }

    @Override
    public void targets(BenchRows rows, BenchReport.Targets t) {
        double jobSource = rows.rate("job-b100") / rows.rate("source");
        t.add("BatchSize 100: job >= 0.5 x source only", jobSource, ">= 0.5", jobSource >= 0.5);
        for (String job : List.of("job-b100", "job-http-b100")) {
            String label = job.equals("job-b100") ? "job" : "job --invoker SIGNED_HTTP";
            double jobBase = rows.rate(job) / rows.rate("baseline-b100");
            t.add("BatchSize 100: " + label + " >= 2 x baseline", jobBase, ">= 2", jobBase >= 2);
            double cpuRatio = rows.num(job, "cpuSecondsPerMillion")
                    / rows.num("baseline-b100", "cpuSecondsPerMillion");
            t.add("BatchSize 100: " + label + " CPU/M <= 0.5 x baseline's", cpuRatio, "<= 0.5", cpuRatio <= 0.5);
        }
        for (String job : List.of("job-b1000", "job-http-b1000")) {
            String label = job.equals("job-b1000") ? "job" : "job --invoker SIGNED_HTTP";
            double ofSource = rows.rate(job) / rows.rate("source");
            t.add("BatchSize 1,000: " + label + " >= 0.75 x source only", ofSource, ">= 0.75", ofSource >= 0.75);
        }
    }
}
