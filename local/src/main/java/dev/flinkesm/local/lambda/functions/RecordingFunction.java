package dev.flinkesm.local.lambda.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KafkaEvent;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Records every Kafka record of every successful invocation, in arrival order. A batch's records stay together:
 * one invocation's records are appended at once. Thread-safe.
 */
public final class RecordingFunction implements RequestHandler<KafkaEvent, Void> {

    /**
     * One delivered record; {@code key} is null when the record had none, {@code invocation} counts from 1 in
     * arrival order.
     */
    public record Delivered(String topic, int partition, long offset, byte[] key, byte[] value, int invocation) {

        public String topicPartition() {
            return topic + "-" + partition;
        }

        public String keyAsString() {
            return key == null ? null : new String(key, StandardCharsets.UTF_8);
        }

        public String valueAsString() {
            return value == null ? null : new String(value, StandardCharsets.UTF_8);
        }
    }

    private final List<Delivered> delivered = new ArrayList<>();
    private int invocations;

    @Override
    public Void handleRequest(KafkaEvent event, Context context) {
        List<Delivered> batch = new ArrayList<>();
        synchronized (this) {
            int invocation = ++invocations;
            if (event.getRecords() != null) {
                for (List<KafkaEvent.KafkaEventRecord> records : event.getRecords().values()) {
                    for (KafkaEvent.KafkaEventRecord record : records) {
                        batch.add(new Delivered(
                                record.getTopic(),
                                record.getPartition(),
                                record.getOffset(),
                                decode(record.getKey()),
                                decode(record.getValue()),
                                invocation));
                    }
                }
            }
            delivered.addAll(batch);
            notifyAll();
        }
        return null;
    }

    /** Every delivered record so far, in arrival order (a snapshot). */
    public synchronized List<Delivered> delivered() {
        return List.copyOf(delivered);
    }

    public synchronized int invocationCount() {
        return invocations;
    }

    public synchronized int recordCount() {
        return delivered.size();
    }

    /** Offsets in arrival order per {@code topic-partition} (duplicates kept, so redeliveries show). */
    public synchronized Map<String, List<Long>> offsetsByPartition() {
        Map<String, List<Long>> offsets = new LinkedHashMap<>();
        for (Delivered record : delivered) {
            offsets.computeIfAbsent(record.topicPartition(), tp -> new ArrayList<>()).add(record.offset());
        }
        return offsets;
    }

    /** Values as UTF-8 strings, in arrival order. */
    public synchronized List<String> valuesAsStrings() {
        return delivered.stream().map(Delivered::valueAsString).toList();
    }

    /** Waits until at least {@code records} records arrived; returns false on timeout. */
    public synchronized boolean awaitRecords(int records, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (delivered.size() < records) {
            long remainingMillis = (deadline - System.nanoTime()) / 1_000_000L;
            if (remainingMillis <= 0) {
                return false;
            }
            wait(remainingMillis);
        }
        return true;
    }

    public synchronized void clear() {
        delivered.clear();
        invocations = 0;
    }

    private static byte[] decode(String base64) {
        return base64 == null ? null : Base64.getDecoder().decode(base64);
    }
}
