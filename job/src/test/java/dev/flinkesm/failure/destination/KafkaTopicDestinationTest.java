package dev.flinkesm.failure.destination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The Kafka-topic destination's messages, a send that cannot reach the cluster, and how a write fails (against
 * kafka-clients' own {@link MockProducer}, a fake). End to end: elsewhere.
 */
class KafkaTopicDestinationTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static Properties unreachableCluster() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Properties p = new Properties();
        p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port);
        p.setProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1000");
        p.setProperty(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "500");
        p.setProperty(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "1000");
        p.setProperty(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.setProperty(ProducerConfig.ACKS_CONFIG, "1"); // overridden: dead letters need acks=all
        return p;
    }

    @Test
    void producesOneMessagePerRecordKeyedByTheOriginalKey() throws Exception {
        FailedBatch batch = FailedBatches.exhausted(FailedBatches.SELF_MANAGED, 3);
        try (KafkaTopicDestination dlq = new KafkaTopicDestination("orders-dlq", unreachableCluster())) {
            List<ProducerRecord<byte[], byte[]>> messages = dlq.messages(batch);

            assertThat(dlq.destination()).isEqualTo("kafka://orders-dlq");
            assertThat(messages).hasSize(3);
            assertThat(messages).extracting(ProducerRecord::topic).containsOnly("orders-dlq");
            assertThat(messages).extracting(ProducerRecord::partition).containsOnly((Integer) null);
            assertThat(messages.get(0).key()).isEqualTo(FailedBatches.utf8("key-40"));
            assertThat(messages.get(1).key()).isNull(); // keyless: the producer's default partitioning
            assertThat(messages.get(2).key()).isEqualTo(FailedBatches.utf8("key-42"));
            for (int i = 0; i < 3; i++) {
                assertThat(messages.get(i).value())
                        .isEqualTo(FailureRecords.kafkaRecord(batch, batch.records().get(i)));
                assertThat(MAPPER.readTree(messages.get(i).value()).get("KafkaBatchInfo").get("recordInfo")
                        .get("offset").asText()).isEqualTo(Long.toString(40 + i));
            }
        }
    }

    @Test
    void forcesDurableIdempotentProducing() throws Exception {
        Properties p = KafkaTopicDestination.producerProperties(unreachableCluster());
        assertThat(p.getProperty(ProducerConfig.ACKS_CONFIG)).isEqualTo("all");
        assertThat(p.getProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).isEqualTo("true");
        assertThat(p.getProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)).startsWith("127.0.0.1:");
    }

    @Test
    void anUnreachableClusterFailsTheSendWithoutBlockingTheCaller() throws Exception {
        try (KafkaTopicDestination dlq = new KafkaTopicDestination("orders-dlq", unreachableCluster())) {
            long t0 = System.nanoTime();
            var sent = dlq.send(FailedBatches.exhausted(FailedBatches.SELF_MANAGED, 2));
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(500);

            assertThatThrownBy(() -> sent.get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TimeoutException.class);
        }
    }

    @Test
    void aClosedDestinationFailsTheSend() throws Exception {
        KafkaTopicDestination dlq = new KafkaTopicDestination("orders-dlq", unreachableCluster());
        dlq.close();
        assertThatThrownBy(() -> dlq.send(FailedBatches.oversized(FailedBatches.SELF_MANAGED)).get())
                .isInstanceOf(ExecutionException.class)
                .hasMessageContaining("is closed");
    }

    /** A producer whose acks the test completes or fails ({@code autoComplete=false}). */
    private static MockProducer<byte[], byte[]> manualProducer() {
        return new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Test
    void theFirstFailedSendFailsTheWriteWithoutSendingTheRest() throws Exception {
        // Each send may block for max.block.ms on the thread every partition's dead letters share: after one
        // failed, the rest would fail the same way and the whole write is retried anyway.
        AtomicInteger sends = new AtomicInteger();
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer()) {
            @Override
            public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> r, Callback callback) {
                if (sends.incrementAndGet() == 1) {
                    throw new TimeoutException("Topic orders-dlq not present in metadata after 1000 ms.");
                }
                return super.send(r, callback);
            }
        };
        try (KafkaTopicDestination dlq = new KafkaTopicDestination("orders-dlq", producer)) {
            CompletableFuture<Void> sent = dlq.send(FailedBatches.exhausted(FailedBatches.SELF_MANAGED, 3));

            assertThatThrownBy(() -> sent.get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TimeoutException.class);
            assertThat(sends).hasValue(1);
            assertThat(producer.history()).isEmpty();
        }
    }

    @Test
    void aFailedAckFailsTheWriteAtOnce() throws Exception {
        MockProducer<byte[], byte[]> producer = manualProducer();
        try (KafkaTopicDestination dlq = new KafkaTopicDestination("orders-dlq", producer)) {
            CompletableFuture<Void> sent = dlq.send(FailedBatches.exhausted(FailedBatches.SELF_MANAGED, 3));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (producer.history().size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(producer.history()).hasSize(3);
            assertThat(sent).isNotDone();

            assertThat(producer.errorNext(new IllegalStateException("NOT_ENOUGH_REPLICAS"))).isTrue();

            // Two acks still pending: the write has failed all the same, and is retried whole by the caller.
            assertThatThrownBy(() -> sent.get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("NOT_ENOUGH_REPLICAS");
        }
    }

    @Test
    void theWriteCompletesWhenEveryAckHasArrived() throws Exception {
        MockProducer<byte[], byte[]> producer = manualProducer();
        try (KafkaTopicDestination dlq = new KafkaTopicDestination("orders-dlq", producer)) {
            CompletableFuture<Void> sent = dlq.send(FailedBatches.exhausted(FailedBatches.SELF_MANAGED, 3));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (producer.history().size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(producer.completeNext()).isTrue();
            assertThat(producer.completeNext()).isTrue();
            assertThat(sent).isNotDone();
            assertThat(producer.completeNext()).isTrue();

            sent.get(30, TimeUnit.SECONDS);
            assertThat(producer.history()).extracting(ProducerRecord::topic).containsOnly("orders-dlq");
        }
    }
}
