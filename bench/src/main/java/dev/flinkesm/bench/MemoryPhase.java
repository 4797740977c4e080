package dev.flinkesm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** 7. The job alone in a child JVM ({@link BenchJobMain}): peak heap and RSS with a backlog of 1x and 10x. */
final class MemoryPhase implements BenchPhase {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public boolean inDefaultRun(boolean quick) {
        return !quick; // two more JVMs: 30 s, more than --quick can spend
    }

    @Override
    public void run(BenchContext c) throws Exception {
        long one = c.records / 10;
        String topic1 = "memory-1x";
        BenchData.createTopic(c.bootstrap(), topic1, BenchContext.PARTITIONS);
        BenchData.produce(c.bootstrap(), topic1, BenchContext.PARTITIONS, one);
        measure(c, "memory-1x", topic1, one, "bench-count", 2, null, 180);
        measure(c, "memory-10x", BenchContext.TOPIC, c.records, "bench-count", 2, null, 180);
    }

    /**
     * One child JVM: until the function counted {@code count} records, or for {@code seconds} when count is 0 (a
     * function that never succeeds); {@code budgetMb} null: the job's default {@code --max-buffered-mb}.
     */
    static void measure(BenchContext c, String id, String topic, long count, String function, int parallelism,
            Long budgetMb, int seconds) throws Exception {
        if (count > 0) {
            c.stats().reset(function);
        }
        List<String> jvm = new ArrayList<>(BenchContext.javaOpens());
        jvm.add("-Xmx1g");
        jvm.add("-Dlog4j.configurationFile=local/src/main/resources/log4j2.xml");
        String mapping = BenchData.mapping(function, topic, c.bootstrap(), c.group(id), 100, null);
        List<String> args = new ArrayList<>(List.of(mapping, c.endpoint(), function, Long.toString(count),
                Integer.toString(parallelism), Integer.toString(seconds)));
        if (budgetMb != null) {
            args.addAll(List.of("--max-buffered-mb", Long.toString(budgetMb)));
        }
        try (ChildJvm child = ChildJvm.start(id, jvm, BenchJobMain.class.getName(), args,
                Path.of("bench/target/bench-" + id + ".log"))) {
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
            c.rows().put(id, row);
            c.log(String.format("%-15s %,d records delivered  peak heap %.0f MB (live %.0f MB; budget %.0f MB per "
                            + "subtask, p=%d)  VmHWM %.0f MB", id, r.path("delivered").asLong(), row.get("peakHeapMb"),
                    row.get("peakLiveHeapMb"), row.get("maxBufferedMb"), parallelism, row.get("vmHwmMb")));
        }
    }

    @Override
    public void targets(BenchRows rows, BenchReport.Targets t) {
        double live = rows.num("memory-10x", "peakLiveHeapMb") / rows.num("memory-1x", "peakLiveHeapMb");
        t.add("memory: peak live heap 10x backlog within 10 % of 1x", live, "<= 1.10", live <= 1.10);
        double heap = rows.num("memory-10x", "peakHeapMb") / rows.num("memory-1x", "peakHeapMb");
        t.add("memory: peak sampled heap 10x within 10 % of 1x", heap, "<= 1.10", heap <= 1.10);
    }

    @Override
    public void summary(BenchRows rows, Consumer<String> line) {
        for (String id : List.of("memory-1x", "memory-10x")) {
            Map<String, Object> r = rows.get(id);
            if (r != null) {
                line.accept(String.format("%-10s: %,d records, peak heap %.0f MB (live after full GC %.0f MB) of"
                                + " %.0f MB, VmHWM %.0f MB, VmRSS %.0f MB", id, r.get("records"), r.get("peakHeapMb"),
                        r.get("peakLiveHeapMb"), r.get("maxHeapMb"), r.get("vmHwmMb"), r.get("vmRssMb")));
            }
        }
    }
}
