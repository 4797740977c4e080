package dev.flinkesm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.flink.core.execution.JobClient;

/**
 * 6. A function taking 100 ms per invocation over P partitions with a backlog: delivered throughput against the
 * ideal P x BatchSize / 0.1 s, i.e. whether the job keeps one invocation in flight per partition.
 */
final class SlowFunctionPhase implements BenchPhase {
    static final String FUNCTION = "bench-slow";
    /** The slow function's latency: each concurrent invocation delivers one batch per this many ms. */
    static final double LATENCY_SECONDS = 0.1;
    private static final int[] PARTITION_COUNTS = {4, 16, 64};

    @Override
    public String name() {
        return "slowfn";
    }

    @Override
    public void run(BenchContext c) throws Exception {
        for (int p : c.quick ? new int[] {4, 64} : PARTITION_COUNTS) {
            measure(c, p);
        }
    }

    private static void measure(BenchContext c, int partitions) throws Exception {
        String topic = "slow-" + partitions;
        int batch = c.slowBatchSize;
        double ideal = partitions * batch / LATENCY_SECONDS;
        int seconds = c.quick ? 5 : 14;
        long backlog = (long) (ideal * (seconds + 4));
        BenchData.createTopic(c.bootstrap(), topic, partitions);
        BenchData.produce(c.bootstrap(), topic, partitions, backlog);
        c.stats().reset(FUNCTION);
        int parallelism = Math.min(4, partitions);
        long start = System.currentTimeMillis();
        JobClient job = c.startJob(FUNCTION, topic, batch, null, parallelism, c.group(topic));
        IdealRate rate = sample(c, ideal, start + seconds * 1000L);
        JsonNode s = c.stats().get(FUNCTION); // before stopping: what arrived within the measured time
        BenchContext.stop(job);
        Map<String, Object> row = c.row("slow-p" + partitions, "slow 100 ms, P=" + partitions + ", BatchSize " + batch
                        + ", p=" + parallelism, s.path("records").asLong(), s.path("firstArrivalMs").asLong(),
                s.path("lastArrivalMs").asLong(), s);
        putRate(row, rate, s, start);
    }

    /** Samples the slow function's delivered records every 200 ms until {@code endMs}. */
    static IdealRate sample(BenchContext c, double ideal, long endMs) throws InterruptedException {
        IdealRate rate = new IdealRate(ideal);
        while (System.currentTimeMillis() < endMs) {
            Thread.sleep(200);
            long records = c.stats().get(FUNCTION).path("records").asLong();
            rate.add(System.currentTimeMillis(), records);
        }
        return rate;
    }

    /** The fields every slow-function row carries; {@code startMs} is the job's submission. */
    static void putRate(Map<String, Object> row, IdealRate rate, JsonNode s, long startMs) {
        double steady = rate.steady(s.path("firstArrivalMs").asLong());
        row.put("idealRecordsPerSecond", rate.ideal());
        row.put("steadyRecordsPerSecond", steady);
        row.put("fractionOfIdeal", steady / rate.ideal());
        row.put("secondsTo90Percent", rate.reached90Ms() < 0 ? null : (rate.reached90Ms() - startMs) / 1000.0);
        row.put("peakInFlight", s.path("peakInFlight").asLong());
    }

    @Override
    public void targets(BenchRows rows, BenchReport.Targets t) {
        for (int p : PARTITION_COUNTS) {
            t.addIdeal("slow function P=" + p, rows, "slow-p" + p);
        }
    }

    @Override
    public void summary(BenchRows rows, Consumer<String> line) {
        for (int p : PARTITION_COUNTS) {
            Map<String, Object> r = rows.get("slow-p" + p);
            if (r != null) {
                line.accept(String.format("slow 100 ms, P=%-2d: %,.0f of ideal %,.0f records/s = %.0f %%, 90 %% after"
                                + " %s s, peak in flight %s", p, r.get("steadyRecordsPerSecond"),
                        r.get("idealRecordsPerSecond"), 100 * (Double) r.get("fractionOfIdeal"),
                        r.get("secondsTo90Percent"), r.get("peakInFlight")));
            }
        }
    }
}
