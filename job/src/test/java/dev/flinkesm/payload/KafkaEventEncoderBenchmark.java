package dev.flinkesm.payload;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * Hand-run benchmark, not a test: encode records and build batch-of-100 events, 1 KB values, 16-byte keys, one
 * header; compared with the maps + ObjectMapper encoder in the same run.
 *
 * <pre>
 * cd job && mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) dev.flinkesm.payload.KafkaEventEncoderBenchmark
 * </pre>
 */
public final class KafkaEventEncoderBenchmark {
    private static final int BATCH = 100;
    private static final int POOL = 10_000;

    private static volatile long sink;

    public static void main(String[] args) {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3.0;
        Random random = new Random(1);
        List<ConsumerRecord<byte[], byte[]>> pool = new ArrayList<>(POOL);
        for (int i = 0; i < POOL; i++) {
            byte[] key = new byte[16];
            byte[] value = new byte[1024];
            byte[] header = new byte[24];
            random.nextBytes(key);
            random.nextBytes(value);
            random.nextBytes(header);
            pool.add(new ConsumerRecord<>("orders", 3, i, 1_700_000_000_000L + i, TimestampType.CREATE_TIME,
                    16, 1024, key, value, new RecordHeaders(new RecordHeader[] {new RecordHeader("trace-id", header)}),
                    Optional.empty()));
        }
        KafkaEventEncoder fast = new KafkaEventEncoder(EventSourceKind.SELF_MANAGED, "b-1.demo:9092", null);
        NaiveEventEncoder naive = new NaiveEventEncoder(EventSourceKind.SELF_MANAGED, "b-1.demo:9092", null);

        System.out.println("warm-up ...");
        run("byte encoder", seconds, pool, (batch) -> {
            List<EncodedRecord> encoded = new ArrayList<>(batch.size());
            for (ConsumerRecord<byte[], byte[]> r : batch) {
                encoded.add(fast.encode(r));
            }
            return fast.event(encoded).length;
        }, false);
        run("naive", seconds, pool, batch -> naive.event(batch).length, false);

        double fastRate = 0;
        double naiveRate = 0;
        for (int round = 0; round < 3; round++) {
            fastRate = Math.max(fastRate, run("byte encoder", seconds, pool, (batch) -> {
                List<EncodedRecord> encoded = new ArrayList<>(batch.size());
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    encoded.add(fast.encode(r));
                }
                return fast.event(encoded).length;
            }, true));
            naiveRate = Math.max(naiveRate, run("maps + ObjectMapper", seconds, pool, batch -> naive.event(batch).length, true));
        }
        System.out.printf("best: byte encoder %.0f records/s, naive %.0f records/s, ratio %.1fx%n",
                fastRate, naiveRate, fastRate / naiveRate);
        System.out.println(sink == 42 ? "" : "done");
    }

    private interface BatchEncoder {
        int encode(List<ConsumerRecord<byte[], byte[]>> batch);
    }

    private static double run(String name, double seconds, List<ConsumerRecord<byte[], byte[]>> pool,
            BatchEncoder encoder, boolean print) {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long records = 0;
        long bytes = 0;
        long start = System.nanoTime();
        int at = 0;
        while (System.nanoTime() < deadline) {
            for (int k = 0; k < 10; k++) {
                bytes += encoder.encode(pool.subList(at, at + BATCH));
                records += BATCH;
                at = (at + BATCH) % POOL;
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        double rate = records / elapsed;
        sink += bytes;
        if (print) {
            System.out.printf("%-20s %,10.0f records/s  %7.1f MB/s of events  %.2f us/record%n",
                    name, rate, bytes / elapsed / 1e6, 1e6 / rate);
        }
        return rate;
    }
}
