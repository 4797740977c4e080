package dev.flinkesm.local.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedKafkaTest {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void a_three_partition_topic_takes_records_and_gives_them_back() throws Exception {
        kafka.createTopic("orders", 3);
        assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
        try (var admin = kafka.admin()) {
            assertThat(admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders").partitions())
                    .hasSize(3);
        }

        produce(kafka, "orders", 3, 30);
        List<ConsumerRecord<String, String>> records = consumeAll(kafka, "orders", 3, 30);

        assertThat(records).hasSize(30);
        Map<Integer, List<Long>> offsets = records.stream().collect(Collectors.groupingBy(
                ConsumerRecord::partition, Collectors.mapping(ConsumerRecord::offset, Collectors.toList())));
        assertThat(offsets).containsOnlyKeys(0, 1, 2);
        assertThat(offsets.get(0)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(records).extracting(ConsumerRecord::value).contains("value-0", "value-29");
    }

    @Test
    void a_restarted_broker_keeps_its_records_and_its_port() throws Exception {
        try (EmbeddedKafka restartable = EmbeddedKafka.start()) {
            restartable.createTopic("survivors", 2);
            produce(restartable, "survivors", 2, 10);
            String bootstrap = restartable.bootstrapServers();

            restartable.stop();
            assertThat(restartable.isRunning()).isFalse();
            restartable.startAgain();

            assertThat(restartable.bootstrapServers()).isEqualTo(bootstrap);
            assertThat(consumeAll(restartable, "survivors", 2, 10))
                    .extracting(ConsumerRecord::value)
                    .containsExactlyInAnyOrder(
                            "value-0", "value-1", "value-2", "value-3", "value-4",
                            "value-5", "value-6", "value-7", "value-8", "value-9");
        }
    }

    @Test
    void closing_the_broker_deletes_its_data_dir() {
        Path dataDir;
        try (EmbeddedKafka shortLived = EmbeddedKafka.start()) {
            dataDir = shortLived.dataDir();
            assertThat(dataDir).isDirectory();
        }
        assertThat(Files.exists(dataDir)).isFalse();
    }

    private static void produce(EmbeddedKafka broker, String topic, int partitions, int count) throws Exception {
        Properties properties = broker.clientProperties();
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(properties)) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, i % partitions, "key-" + i, "value-" + i)).get();
            }
        }
    }

    private static List<ConsumerRecord<String, String>> consumeAll(
            EmbeddedKafka broker, String topic, int partitions, int expected) {
        Properties properties = broker.clientProperties();
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<TopicPartition> assignment = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            assignment.add(new TopicPartition(topic, p));
        }
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties)) {
            consumer.assign(assignment);
            consumer.seekToBeginning(assignment);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
