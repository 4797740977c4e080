package dev.flinkesm.bench.jmh;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Optional;
import java.util.Random;
import dev.flinkesm.payload.EventSourceKind;
import dev.flinkesm.payload.KafkaEventEncoder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * scripts/bench --jmh: runs {@link HotPathBenchmarks} briefly (1 fork, 2 x 1 s warm-up, 3 x 1 s measurement;
 * --quick: 1 x 1 s each) and prints records/s with MB/s of Kafka record bytes in and event JSON out.
 */
public final class JmhMain {
    public static void main(String[] args) throws Exception {
        boolean quick = java.util.Arrays.asList(args).contains("--quick");
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path out = Path.of("bench-results", "jmh-" + stamp + ".json");
        Files.createDirectories(out.getParent());
        Options options = new OptionsBuilder()
                .include(HotPathBenchmarks.class.getName())
                .include(FilterBenchmarks.class.getName())
                .forks(1)
                .warmupIterations(quick ? 1 : 2)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 1 : 3)
                .measurementTime(TimeValue.seconds(1))
                .jvmArgs("-Xmx1g")
                .resultFormat(ResultFormatType.JSON)
                .result(out.toString())
                .build();
        Collection<RunResult> results = new Runner(options).run();

        int recordBytes = 16 + 1024 + "trace-id".length() + 16;
        KafkaEventEncoder encoder = new KafkaEventEncoder(EventSourceKind.SELF_MANAGED, "127.0.0.1:9092", null);
        byte[] v = new byte[1024];
        new Random(1).nextBytes(v);
        int jsonBytes = encoder.encode(new ConsumerRecord<>("bench", 3, 1_000_000L, 1_700_000_000_000L,
                TimestampType.CREATE_TIME, 16, 1024, new byte[16], v,
                new RecordHeaders(new RecordHeader[] {new RecordHeader("trace-id", new byte[16])}), Optional.empty()))
                .size();
        System.out.printf("%n%-22s %14s %10s %10s %12s%n", "benchmark", "records/s", "us/record", "MB/s in",
                "MB/s JSON");
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark().replaceAll(".*\\.", "");
            double rate = r.getPrimaryResult().getScore();
            System.out.printf("%-22s %,14.0f %10.2f %10.0f %12.0f%n", name, rate, 1e6 / rate,
                    rate * recordBytes / 1e6, rate * jsonBytes / 1e6);
        }
        System.out.println("(MB/s in: Kafka key + value + header bytes; JSON: " + jsonBytes + " B per record out;"
                + " the MB/s columns are for HotPathBenchmarks' records, FilterBenchmarks' are about as large)");
        System.out.println("JSON: " + out);
    }
}
