package dev.flinkesm.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** 1. The limit: one plain KafkaConsumer reading every record ({@code limit-cold} first warms the client code). */
final class LimitPhase implements BenchPhase {
    @Override
    public String name() {
        return "limit";
    }

    @Override
    public void run(BenchContext c) {
        if (!c.quick) {
            read(c, "limit-cold", Math.min(c.records, 50_000)); // warms the consumer code every phase shares
        }
        read(c, "limit", c.records);
    }

    private static void read(BenchContext c, String id, long count) {
        long first = 0;
        long last = 0;
        long seen = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c.consumerProperties(c.group(id)),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(BenchContext.TOPIC));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            long sink = 0;
            while (seen < count && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    sink += r.value().length; // touch the record, as any consumer would
                }
                if (!batch.isEmpty()) {
                    seen += batch.count();
                    last = System.currentTimeMillis();
                    if (first == 0) {
                        first = last;
                    }
                }
            }
            c.extra.put("limitChecksum-" + id, sink);
        }
        c.row(id, "limit: plain KafkaConsumer", Math.min(seen, count), first, last, null);
    }
}
