package dev.flinkesm.bench.jmh;

import dev.flinkesm.batch.Batch;
import dev.flinkesm.batch.BatchLimits;
import dev.flinkesm.batch.PartitionBatcher;
import dev.flinkesm.payload.EncodedRecord;
import dev.flinkesm.payload.EventSourceKind;
import dev.flinkesm.payload.KafkaEventEncoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
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
 * The job's per-record hot paths, on the bench's records (16-byte key, 1 KB value, one 16-byte header): every
 * score is records per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HotPathBenchmarks {
    static final int POOL = 1_000;
    static final int BATCH = 100;

    KafkaEventEncoder encoder;
    List<ConsumerRecord<byte[], byte[]>> records;
    List<EncodedRecord> encoded;
    int next;

    @Setup
    public void setUp() {
        encoder = new KafkaEventEncoder(EventSourceKind.SELF_MANAGED, "127.0.0.1:9092", null);
        Random random = new Random(1);
        records = new ArrayList<>(POOL);
        encoded = new ArrayList<>(POOL);
        for (int i = 0; i < POOL; i++) {
            byte[] key = new byte[16];
            byte[] value = new byte[1024];
            byte[] header = new byte[16];
            random.nextBytes(key);
            random.nextBytes(value);
            random.nextBytes(header);
            ConsumerRecord<byte[], byte[]> r = new ConsumerRecord<>("bench", 3, 1_000_000L + i,
                    1_700_000_000_000L + i, TimestampType.CREATE_TIME, 16, 1024, key, value,
                    new RecordHeaders(new RecordHeader[] {new RecordHeader("trace-id", header)}), Optional.empty());
            records.add(r);
            encoded.add(encoder.encode(r));
        }
    }

    /** One record into its JSON object (what the source's deserializer does per record). */
    @Benchmark
    public EncodedRecord encodeRecord() {
        ConsumerRecord<byte[], byte[]> r = records.get(next);
        next = next + 1 == POOL ? 0 : next + 1;
        return encoder.encode(r);
    }

    /** The event of a 100-record batch from encoded records (what send() does per invocation). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public byte[] buildEvent100() {
        int from = next;
        next = next + BATCH >= POOL ? 0 : next + BATCH;
        return encoder.event(encoded.subList(from, from + BATCH));
    }

    /** Encoding plus event building: the whole payload path per record. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public byte[] encodeAndEvent100() {
        int from = next;
        next = next + BATCH >= POOL ? 0 : next + BATCH;
        List<EncodedRecord> batch = new ArrayList<>(BATCH);
        for (int i = from; i < from + BATCH; i++) {
            batch.add(encoder.encode(records.get(i)));
        }
        return encoder.event(batch);
    }

    /** Batching: 1,000 records through a PartitionBatcher with BatchSize 100, taking each batch as it closes. */
    @Benchmark
    @OperationsPerInvocation(POOL)
    public void batch1000(Blackhole bh) {
        PartitionBatcher batcher = new PartitionBatcher("bench", 3, new BatchLimits(BATCH, Duration.ofMillis(500)),
                encoder);
        long now = 0;
        for (int i = 0; i < POOL; i++) {
            batcher.add(encoded.get(i), now);
            if (batcher.hasFullBatchWaiting()) {
                Batch b = batcher.pollReady(now);
                bh.consume(b);
            }
        }
    }
}
