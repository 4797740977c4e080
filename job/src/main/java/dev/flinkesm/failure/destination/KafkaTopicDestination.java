package dev.flinkesm.failure.destination;

import dev.flinkesm.payload.EncodedRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka topic on the source cluster ({@code kafka://<topic>}): one message per failed record, keyed by the
 * record's original key (a keyless record gets the producer's default partitioning, as AWS describes), whose value is
 * {@link FailureRecords#kafkaRecord}.
 *
 * <p>The producer uses the source cluster's client settings (bootstrap servers, security) with {@code acks=all} and
 * {@code enable.idempotence=true} forced: a dead-letter write must survive a broker loss and not duplicate on the
 * producer's own retries. {@link #send} completes when every record of the batch is acknowledged, and fails at the
 * first one that fails, sending nothing after it (the caller then resends the whole batch: at-least-once).
 *
 * <p>{@link KafkaProducer#send} can block for up to {@code max.block.ms} waiting for metadata, so the sends run on a
 * single thread of this destination's own, in batch order; the caller is never blocked.
 */
public final class KafkaTopicDestination implements OnFailureDestination {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaTopicDestination.class);

    private final String topic;
    private final Producer<byte[], byte[]> producer;
    private final ExecutorService sender;

    /** Builds a producer from the source cluster's client {@code properties}. */
    public KafkaTopicDestination(String topic, Properties properties) {
        this(topic, new KafkaProducer<>(producerProperties(properties)));
    }

    /** With a given producer (tests; or a caller that shares one). Closing this destination closes it. */
    public KafkaTopicDestination(String topic, Producer<byte[], byte[]> producer) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.producer = Objects.requireNonNull(producer, "producer");
        this.sender = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "on-failure-kafka-" + topic);
            t.setDaemon(true);
            return t;
        });
    }

    /** Largest dead-letter message the producer sends: a 6 MB event, base64 inside JSON, with headroom. */
    static final int MAX_DEAD_LETTER_BYTES = 16 * 1024 * 1024;

    /** The client {@code properties} with byte-array serializers, {@code acks=all} and idempotence forced. */
    static Properties producerProperties(Properties properties) {
        Properties p = new Properties();
        p.putAll(properties);
        override(p, ProducerConfig.ACKS_CONFIG, "all");
        override(p, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "flink-lambda-esm-on-failure");
        // A dead letter carries its record's whole event: for a record over Lambda's 6 MB limit that is more than
        // the producer's 1 MB default. The topic's max.message.bytes must allow it too, or the write is retried
        // (and the partition waits) until an operator raises it.
        p.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(MAX_DEAD_LETTER_BYTES));
        return p;
    }

    private static void override(Properties p, String key, String value) {
        Object previous = p.put(key, value);
        if (previous != null && !value.equals(String.valueOf(previous))) {
            LOG.warn("on-failure destination producer: {} set to {} (was {}): dead-letter writes must be durable",
                    key, value, previous);
        }
    }

    /** The messages {@link #send} produces for {@code batch}, in order. */
    public List<ProducerRecord<byte[], byte[]>> messages(FailedBatch batch) {
        List<ProducerRecord<byte[], byte[]>> messages = new ArrayList<>(batch.records().size());
        for (EncodedRecord r : batch.records()) {
            messages.add(new ProducerRecord<>(topic, null, r.key(), FailureRecords.kafkaRecord(batch, r)));
        }
        return messages;
    }

    @Override
    public CompletableFuture<Void> send(FailedBatch batch) {
        try {
            return CompletableFuture.supplyAsync(() -> sendAll(batch), sender).thenCompose(f -> f);
        } catch (RejectedExecutionException closed) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException("on-failure destination " + destination() + " is closed", closed));
        }
    }

    /**
     * Sends the batch's messages in order and completes when all are acknowledged. It fails at the first failure:
     * a send that throws (or fails its callback at once) sends nothing after it, since each further send could block
     * for {@code max.block.ms} on the thread every partition's dead letters share and the caller resends the whole
     * batch anyway; and the first failed ack fails the write without waiting for the acks still pending.
     */
    private CompletableFuture<Void> sendAll(FailedBatch batch) {
        List<ProducerRecord<byte[], byte[]>> messages = messages(batch);
        CompletableFuture<Void> written = new CompletableFuture<>();
        AtomicInteger unacknowledged = new AtomicInteger(messages.size());
        if (messages.isEmpty()) {
            written.complete(null);
        }
        for (ProducerRecord<byte[], byte[]> message : messages) {
            try {
                producer.send(message, (metadata, error) -> {
                    if (error != null) {
                        written.completeExceptionally(error);
                    } else if (unacknowledged.decrementAndGet() == 0) {
                        written.complete(null);
                    }
                });
            } catch (RuntimeException e) {
                // serialization, a closed producer, an interrupted or timed-out metadata wait
                written.completeExceptionally(e);
            }
            if (written.isCompletedExceptionally()) {
                break;
            }
        }
        return written;
    }

    @Override
    public String destination() {
        return "kafka://" + topic;
    }

    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
