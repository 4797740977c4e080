package dev.flinkesm.local.it;

import java.time.Duration;
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
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Records a test produced, by topic-partition, in offset order: the reference every delivery is checked against. */
final class Produced {
    final Map<String, List<Long>> offsetsByPartition = new TreeMap<>();

    int count() {
        return offsetsByPartition.values().stream().mapToInt(List::size).sum();
    }

    static Producer producer(String bootstrapServers) {
        return new Producer(bootstrapServers);
    }

    /** A producer that remembers where every record landed. */
    static final class Producer implements AutoCloseable {
        private final KafkaProducer<byte[], byte[]> kafka;
        private final List<Future<RecordMetadata>> pending = new ArrayList<>();

        Producer(String bootstrapServers) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            // Right after a topic is created, the in-process broker may answer NOT_LEADER_OR_FOLLOWER once; the
            // idempotent producer's retry then trips over its own sequence numbers (OutOfOrderSequenceException) and
            // never completes. One request in flight keeps retries ordered without it; a retry that did duplicate
            // a record would show up as a record no test produced, and fail the delivery check.
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
            p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
            p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "8388608");
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            kafka = new KafkaProducer<>(p);
        }

        Producer send(String topic, int partition, Long timestamp, byte[] key, byte[] value) {
            pending.add(kafka.send(new ProducerRecord<>(topic, partition, timestamp, key, value)));
            return this;
        }

        /** Sends {@code perPartition} small records to each of the topic's partitions. */
        Producer fill(String topic, int partitions, int perPartition) {
            for (int i = 0; i < perPartition; i++) {
                for (int p = 0; p < partitions; p++) {
                    send(topic, p, null, ("k" + i).getBytes(), ("value " + i + " of " + topic + "-" + p).getBytes());
                }
            }
            return this;
        }

        /** Waits for every send and adds where they landed to {@code into}. */
        Produced flushInto(Produced into) throws Exception {
            kafka.flush();
            for (Future<RecordMetadata> f : pending) {
                RecordMetadata m = f.get();
                into.offsetsByPartition.computeIfAbsent(m.topic() + "-" + m.partition(), k -> new ArrayList<>())
                        .add(m.offset());
            }
            pending.clear();
            into.offsetsByPartition.values().forEach(l -> l.sort(Long::compare));
            return into;
        }

        @Override
        public void close() {
            kafka.close(Duration.ofSeconds(5));
        }
    }
}
