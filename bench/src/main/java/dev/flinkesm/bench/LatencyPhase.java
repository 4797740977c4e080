package dev.flinkesm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * 5. Latency at a steady 2,000 records/s, window 0, from record timestamp to arrival at the function; first the
 * floor on this machine right now, the same stream read by a plain consumer.
 */
final class LatencyPhase implements BenchPhase {
    private static final int RATE = 2_000;

    @Override
    public String name() {
        return "latency";
    }

    @Override
    public void run(BenchContext c) throws Exception {
        String function = "bench-latency";
        String topic = "latency";
        BenchData.createTopic(c.bootstrap(), topic, BenchContext.PARTITIONS);
        int measureSeconds = c.quick ? 3 : 10;
        consumerLatency(c, measureSeconds);
        JobClient job = c.startJob(function, topic, 100, 0, 2, c.group("latency"));
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicLong produced = new AtomicLong();
        Thread producer = steadyProducer(c, topic, producing, produced);
        producer.start();
        // warm-up: until the job delivers, then 2 s more; latencies from then on count
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (c.stats().records(function) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Thread.sleep(c.quick ? 1_000 : 2_000);
        c.stats().reset(function);
        long producedAtStart = produced.get();
        jdk.jfr.Recording recording = c.profile ? BenchContext.startRecording() : null;
        Thread.sleep(measureSeconds * 1000L);
        if (recording != null) {
            c.stopRecording(recording, "latency");
        }
        producing.set(false);
        producer.join();
        long expected = produced.get() - producedAtStart;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (c.stats().records(function) < expected && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        JsonNode s = c.stats().get(function);
        BenchContext.stop(job);
        Map<String, Object> row = c.row("latency", "latency: 2,000/s, window 0, BatchSize 100, p=2",
                s.path("records").asLong(), s.path("firstArrivalMs").asLong(), s.path("lastArrivalMs").asLong(), s);
        row.put("producedInWindow", expected);
        row.put("p50Ms", s.path("latencyP50Ms").asLong());
        row.put("p99Ms", s.path("latencyP99Ms").asLong());
        row.put("maxMs", s.path("latencyMaxMs").asLong());
    }

    private static Thread steadyProducer(BenchContext c, String topic, AtomicBoolean producing, AtomicLong produced) {
        return new Thread(() -> {
            Random random = new Random(7);
            try (KafkaProducer<byte[], byte[]> kp = BenchData.producer(c.bootstrap(), 0)) {
                long startNanos = System.nanoTime();
                long i = 0;
                while (producing.get()) {
                    long due = (System.nanoTime() - startNanos) * RATE / 1_000_000_000L;
                    while (i < due) {
                        kp.send(BenchData.record(random, topic, (int) (i++ % BenchContext.PARTITIONS)));
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
    private static void consumerLatency(BenchContext c, int measureSeconds) throws Exception {
        String topic = "latency-limit";
        BenchData.createTopic(c.bootstrap(), topic, BenchContext.PARTITIONS);
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicLong produced = new AtomicLong();
        Thread producer = steadyProducer(c, topic, producing, produced);
        long[] histogram = new long[60_001];
        long seen = 0;
        long max = 0;
        long firstMs = 0;
        long lastMs = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                c.consumerProperties(c.group("latency-limit")),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            producer.start();
            long warmUntil = System.currentTimeMillis() + (c.quick ? 1_500 : 3_000);
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
        Map<String, Object> row = c.row("latency-limit", "latency floor: plain KafkaConsumer, 2,000/s", seen,
                firstMs, lastMs, null);
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

    @Override
    public void targets(BenchRows rows, BenchReport.Targets t) {
        double p99 = rows.num("latency", "p99Ms");
        t.add("latency p99 < 100 ms at 2,000/s, window 0", p99, "< 100 ms", p99 < 100);
        double ofPlain = p99 / rows.num("latency-limit", "p99Ms");
        t.add("latency p99 <= 2 x the plain consumer's p99", ofPlain, "<= 2", ofPlain <= 2);
    }

    @Override
    public void summary(BenchRows rows, Consumer<String> line) {
        for (String id : List.of("latency-limit", "latency")) {
            Map<String, Object> r = rows.get(id);
            if (r != null) {
                line.accept(String.format("%-14s (2,000/s%s): p50 %s ms, p99 %s ms, max %s ms over %s records", id,
                        id.equals("latency") ? ", job, window 0" : ", plain consumer", r.get("p50Ms"),
                        r.get("p99Ms"), r.get("maxMs"), r.get("records")));
            }
        }
    }
}
