package dev.flinkesm.bench.jmh;

import dev.flinkesm.filter.FilterCriteria;
import dev.flinkesm.filter.RecordFilter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * FilterCriteria's matching cost per record (decode, build the filter event, run the event-ruler machine), on
 * records of about 1 KB: a JSON value with a few fields and a long note, or a plain string of the same size. Scores
 * are records per second; JmhMain also prints microseconds per record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FilterBenchmarks {
    static final int POOL = 1_000;

    List<ConsumerRecord<byte[], byte[]>> json;
    List<ConsumerRecord<byte[], byte[]>> text;
    RecordFilter kindIsOrder;
    RecordFilter kindIsNotRefund;
    RecordFilter textPrefix;
    RecordFilter partitionOnly;
    RecordFilter fiveFilters;

    @Setup
    public void setUp() {
        String note = "x".repeat(900);
        json = new ArrayList<>(POOL);
        text = new ArrayList<>(POOL);
        for (int i = 0; i < POOL; i++) {
            // One in ten is an order: the 10 % filter passes these, the 90 % filter all but the refunds.
            String kind = i % 10 == 0 ? "order" : i % 10 == 1 ? "refund" : "payment";
            String value = "{\"kind\":\"" + kind + "\",\"customer\":\"c" + i + "\",\"amount\":" + (i * 1.25)
                    + ",\"items\":[{\"sku\":\"s1\",\"qty\":2},{\"sku\":\"s2\",\"qty\":1}],\"note\":\"" + note + "\"}";
            json.add(record(i, value));
            text.add(record(i, (i % 10 == 0 ? "ORDER " : "OTHER ") + note));
        }
        kindIsOrder = FilterCriteria.compile(List.of("{\"value\":{\"kind\":[\"order\"]}}"));
        kindIsNotRefund = FilterCriteria.compile(List.of("{\"value\":{\"kind\":[{\"anything-but\":[\"refund\"]}]}}"));
        textPrefix = FilterCriteria.compile(List.of("{\"value\":[{\"prefix\":\"ORDER\"}]}"));
        partitionOnly = FilterCriteria.compile(List.of("{\"partition\":[3]}"));
        fiveFilters = FilterCriteria.compile(List.of(
                "{\"value\":{\"kind\":[\"order\"],\"amount\":[{\"numeric\":[\">\",100]}]}}",
                "{\"value\":{\"customer\":[{\"prefix\":\"vip-\"}]}}",
                "{\"value\":{\"items\":{\"sku\":[\"s9\"]}}}",
                "{\"topic\":[\"audit\"]}",
                "{\"value\":{\"kind\":[{\"equals-ignore-case\":\"ORDER\"}]}}"));
    }

    private static ConsumerRecord<byte[], byte[]> record(int i, String value) {
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        return new ConsumerRecord<>("bench", 3, 1_000_000L + i, 1_700_000_000_000L + i, TimestampType.CREATE_TIME,
                16, v.length, ("key-" + i).getBytes(StandardCharsets.UTF_8), v,
                new RecordHeaders(new RecordHeader[] {new RecordHeader("trace-id", new byte[16])}), Optional.empty());
    }

    private static void run(RecordFilter filter, List<ConsumerRecord<byte[], byte[]>> records, Blackhole bh) {
        for (int i = 0; i < POOL; i++) {
            bh.consume(filter.matches(records.get(i)));
        }
    }

    /** A JSON value, one equals on a field: passes 10 %. */
    @Benchmark
    @OperationsPerInvocation(POOL)
    public void jsonEquals10pct(Blackhole bh) {
        run(kindIsOrder, json, bh);
    }

    /** A JSON value, anything-but on a field: passes 90 %. */
    @Benchmark
    @OperationsPerInvocation(POOL)
    public void jsonAnythingBut90pct(Blackhole bh) {
        run(kindIsNotRefund, json, bh);
    }

    /** A JSON value against five filters (equals, numeric, prefix, nested, ignore-case). */
    @Benchmark
    @OperationsPerInvocation(POOL)
    public void jsonFiveFilters(Blackhole bh) {
        run(fiveFilters, json, bh);
    }

    /** A plain-string value, prefix: passes 10 %. */
    @Benchmark
    @OperationsPerInvocation(POOL)
    public void stringPrefix10pct(Blackhole bh) {
        run(textPrefix, text, bh);
    }

    /** Metadata only: the value is never decoded. */
    @Benchmark
    @OperationsPerInvocation(POOL)
    public void metadataOnly(Blackhole bh) {
        run(partitionOnly, json, bh);
    }
}
