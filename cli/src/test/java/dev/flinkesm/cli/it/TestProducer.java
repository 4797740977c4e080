package dev.flinkesm.cli.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/** Produces small records round-robin over partitions and returns where each landed (partition → offsets). */
final class TestProducer implements AutoCloseable {
    private final KafkaProducer<String, String> kafka;

    TestProducer(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        kafka = new KafkaProducer<>(p);
    }

    /** {@code count} records, {@code perSecond} at most (0 = as fast as possible). */
    Map<Integer, List<Long>> produce(String topic, int partitions, int count, int perSecond) throws Exception {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            sent.add(kafka.send(new ProducerRecord<>(topic, i % partitions, "k" + i, "value " + i)));
            if (perSecond > 0) {
                long due = start + (long) i * 1_000_000_000L / perSecond;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
        }
        kafka.flush();
        Map<Integer, List<Long>> out = new TreeMap<>();
        for (Future<RecordMetadata> f : sent) {
            RecordMetadata m = f.get();
            out.computeIfAbsent(m.partition(), k -> new ArrayList<>()).add(m.offset());
        }
        return out;
    }

    @Override
    public void close() {
        kafka.close();
    }
}
