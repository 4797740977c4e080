package dev.flinkesm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.apache.flink.core.execution.JobClient;

/**
 * The job on {@link #JSON_TOPIC} with no filter, one passing 10 % and one passing 90 % of the records. Each row
 * counts records read (delivered or filtered out) per second between the first and last delivery; rec/inv is
 * delivered records per invocation.
 */
final class FilterPhase implements BenchPhase {
    /** The filter phase's topic: 1 KB JSON values, one in ten an order, one in ten a refund. */
    static final String JSON_TOPIC = "bench-json";

    @Override
    public String name() {
        return "filter";
    }

    @Override
    public boolean inDefaultRun(boolean quick) {
        return !quick; // three more jobs on a second topic: about a minute
    }

    @Override
    public void run(BenchContext c) throws Exception {
        long n = c.records;
        BenchData.createTopic(c.bootstrap(), JSON_TOPIC, BenchContext.PARTITIONS);
        BenchData.produceJson(c.bootstrap(), JSON_TOPIC, BenchContext.PARTITIONS, n);
        if (!c.quick) {
            // JIT warm-up, not printed: otherwise the first row also pays for compiling the job's code
            filterJob(c, "filter-warm", null, Math.min(n, 20_000), "100 %");
        }
        filterJob(c, "filter-none", null, n, "100 % (no filter)");
        filterJob(c, "filter-10pct", "{\\\"value\\\":{\\\"kind\\\":[\\\"order\\\"]}}", n / 10, "10 %");
        filterJob(c, "filter-90pct", "{\\\"value\\\":{\\\"kind\\\":[{\\\"anything-but\\\":[\\\"refund\\\"]}]}}",
                n - n / 10, "90 %");
    }

    /** One filter (none when null) passing {@code expected} of the topic's records. */
    private static void filterJob(BenchContext c, String id, String escapedPattern, long expected, String share)
            throws Exception {
        String function = "bench-count";
        c.stats().reset(function);
        long start = System.currentTimeMillis();
        String mapping = BenchData.mapping(function, JSON_TOPIC, c.bootstrap(), c.group(id), 100, null);
        if (escapedPattern != null) {
            mapping = mapping.substring(0, mapping.length() - 1)
                    + ",\"FilterCriteria\":{\"Filters\":[{\"Pattern\":\"" + escapedPattern + "\"}]}}";
        }
        JobClient job = c.startJob(mapping, 2, UnaryOperator.identity(), "bench " + id);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        JsonNode s = c.stats().get(function);
        while (s.path("records").asLong() < expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
            s = c.stats().get(function);
        }
        long doneMs = System.currentTimeMillis();
        BenchContext.stop(job);
        long delivered = s.path("records").asLong();
        Map<String, Object> row = c.row(id, "job, JSON values, filter passing " + share + ", p=2",
                delivered >= expected ? c.records : delivered, s.path("firstArrivalMs").asLong(),
                s.path("lastArrivalMs").asLong(), s);
        row.put("delivered", delivered);
        if (s.path("invocations").asLong() > 0) {
            row.put("recordsPerInvocation", (double) delivered / s.path("invocations").asLong());
        }
        row.put("wallSecondsWithStartup", (doneMs - start) / 1000.0);
    }
}
