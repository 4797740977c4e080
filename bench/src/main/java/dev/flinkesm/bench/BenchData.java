package dev.flinkesm.bench;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The benchmark's records: 16-byte keys, 1 KB values, one header, spread evenly over the partitions. */
final class BenchData {
    static final int KEY_BYTES = 16;
    static final int VALUE_BYTES = 1024;
    static final String HEADER_KEY = "trace-id";
    static final int HEADER_BYTES = 16;
    /** Kafka payload per record (key + value + header key and value): what MB/s counts. */
    static final int RECORD_BYTES = KEY_BYTES + VALUE_BYTES + HEADER_KEY.length() + HEADER_BYTES;

    private BenchData() {}

    static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrap, int lingerMs) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", bootstrap);
        p.setProperty("acks", "1");
        p.setProperty("linger.ms", Integer.toString(lingerMs));
        p.setProperty("batch.size", Integer.toString(lingerMs == 0 ? 16_384 : 262_144));
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Produces {@code count} records round-robin over the partitions and waits until all are acknowledged. */
    static void produce(String bootstrap, String topic, int partitions, long count) {
        produce(bootstrap, topic, partitions, count, VALUE_BYTES);
    }

    /** The same with values of {@code valueBytes} (at most 1,000,000: Kafka's default message limit is 1 MB). */
    static void produce(String bootstrap, String topic, int partitions, long count, int valueBytes) {
        Random random = new Random(topic.hashCode());
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, 5)) {
            for (long i = 0; i < count; i++) {
                producer.send(record(random, topic, (int) (i % partitions), valueBytes));
            }
            producer.flush();
        }
    }

    /**
     * {@code count} records whose values are JSON objects of about 1 KB: {@code kind} is "order" for one in ten,
     * "refund" for one in ten, "payment" for the rest (the filter phase's 10 % and 90 % filters).
     */
    static void produceJson(String bootstrap, String topic, int partitions, long count) {
        String note = "x".repeat(VALUE_BYTES - 120);
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, 5)) {
            for (long i = 0; i < count; i++) {
                String kind = i % 10 == 0 ? "order" : i % 10 == 1 ? "refund" : "payment";
                String value = "{\"kind\":\"" + kind + "\",\"customer\":\"c" + i + "\",\"amount\":" + (i % 1000)
                        + ".25,\"items\":[{\"sku\":\"s1\",\"qty\":2}],\"note\":\"" + note + "\"}";
                producer.send(new ProducerRecord<>(topic, (int) (i % partitions), null,
                        ("key-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    static ProducerRecord<byte[], byte[]> record(Random random, String topic, int partition) {
        return record(random, topic, partition, VALUE_BYTES);
    }

    private static ProducerRecord<byte[], byte[]> record(Random random, String topic, int partition, int valueBytes) {
        byte[] key = new byte[KEY_BYTES];
        byte[] value = new byte[valueBytes];
        byte[] header = new byte[HEADER_BYTES];
        random.nextBytes(key);
        random.nextBytes(value);
        random.nextBytes(header);
        return new ProducerRecord<>(topic, partition, null, key, value,
                new RecordHeaders(new RecordHeader[] {new RecordHeader(HEADER_KEY, header)}));
    }

    static String mapping(String function, String topic, String bootstrap, String group, int batchSize,
            Integer windowSeconds) {
        StringBuilder sb = new StringBuilder()
                .append("{\"FunctionName\":\"").append(function).append('"')
                .append(",\"Topics\":[\"").append(topic).append("\"]")
                .append(",\"StartingPosition\":\"TRIM_HORIZON\"")
                .append(",\"SelfManagedEventSource\":{\"Endpoints\":{\"KAFKA_BOOTSTRAP_SERVERS\":[\"")
                .append(bootstrap).append("\"]}}")
                .append(",\"SelfManagedKafkaEventSourceConfig\":{\"ConsumerGroupId\":\"").append(group).append("\"}")
                .append(",\"BatchSize\":").append(batchSize);
        if (windowSeconds != null) {
            sb.append(",\"MaximumBatchingWindowInSeconds\":").append(windowSeconds);
        }
        return sb.append('}').toString();
    }

    static Map<String, String> fakeAws() {
        return Map.of("aws.region", "us-east-1", "aws.accessKeyId", "local", "aws.secretAccessKey", "local");
    }
}
