package dev.flinkesm.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkesm.batch.BatchLimits;
import dev.flinkesm.batch.PartitionBatcher;
import dev.flinkesm.failure.Backoff;
import dev.flinkesm.failure.FailurePolicy;
import dev.flinkesm.failure.destination.FailedBatch;
import dev.flinkesm.failure.destination.OnFailureDestination;
import dev.flinkesm.invoke.InvokeResult;
import dev.flinkesm.metrics.EsmMetrics;
import dev.flinkesm.payload.EncodedRecord;
import dev.flinkesm.payload.EventSourceKind;
import dev.flinkesm.payload.KafkaEventEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/**
 * A delivery engine with everything around it under the test's control: an invoker whose calls the test answers,
 * a destination the test lets succeed or fail, a manual clock, and a task thread that runs only when told.
 */
public final class EngineFixture {
    public static final KafkaEventEncoder ENCODER = new KafkaEventEncoder(EventSourceKind.SELF_MANAGED, "b:9092", null);
    static final long START_MILLIS = 1_800_000_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    final ManualClock clock = new ManualClock();
    final ScriptedInvoker invoker = new ScriptedInvoker();
    final RecordingDestination destination = new RecordingDestination();
    final ArrayDeque<Runnable> taskThread = new ArrayDeque<>();
    final RecordingMetricGroup metrics = new RecordingMetricGroup();
    /** What Progress heard: per partition, the next offset after everything done. */
    final Map<TopicPartition, Long> done = new LinkedHashMap<>();
    final DeliveryEngine engine;

    /** Whether Progress promises to report commits (as the reader's committer does while commits work). */
    boolean commitsReported;

    private EngineFixture(DeliveryRules rules, boolean withDestination) {
        engine = new DeliveryEngine(rules, invoker, withDestination ? destination : null, new EsmMetrics(metrics),
                clock, taskThread::add, (tp, next) -> {
                    done.put(tp, next);
                    return commitsReported;
                });
    }

    static Builder rules() {
        return new Builder();
    }

    static final class Builder {
        int batchSize = 10;
        Duration window = Duration.ZERO;
        long maxRequestBytes = BatchLimits.MAX_REQUEST_BYTES;
        int retries = -1;
        int maxRecordAgeSeconds = -1;
        boolean bisect;
        boolean itemFailures;
        boolean destination;
        int cap = 256;
        long maxBufferedBytes = Long.MAX_VALUE;
        boolean commitBeforeNextBatch;

        Builder commitBeforeNextBatch() {
            commitBeforeNextBatch = true;
            return this;
        }

        Builder batchSize(int n) {
            batchSize = n;
            return this;
        }

        Builder window(Duration w) {
            window = w;
            return this;
        }

        Builder maxRequestBytes(long bytes) {
            maxRequestBytes = bytes;
            return this;
        }

        Builder retries(int n) {
            retries = n;
            return this;
        }

        /** {@code MaximumRecordAgeInSeconds}. Records are stamped START_MILLIS + offset; the clock starts 60 s later. */
        Builder maxRecordAge(int seconds) {
            maxRecordAgeSeconds = seconds;
            return this;
        }

        Builder bisect() {
            bisect = true;
            return this;
        }

        Builder itemFailures() {
            itemFailures = true;
            return this;
        }

        Builder withDestination() {
            destination = true;
            return this;
        }

        Builder cap(int n) {
            cap = n;
            return this;
        }

        Builder maxBufferedBytes(long bytes) {
            maxBufferedBytes = bytes;
            return this;
        }

        /** The rules alone, for the engine's parts tested without an engine. */
        DeliveryRules deliveryRules() {
            return new DeliveryRules(new BatchLimits(batchSize, maxRequestBytes, window), ENCODER,
                    new FailurePolicy(retries, maxRecordAgeSeconds, bisect, itemFailures, destination),
                    new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1)), cap, maxBufferedBytes, "fn",
                    commitBeforeNextBatch);
        }

        EngineFixture build() {
            return new EngineFixture(deliveryRules(), destination);
        }
    }

    PartitionState partition(int p) {
        return engine.addPartition(new TopicPartition("orders", p));
    }

    /** Feeds {@code count} records of {@code valueBytes} each, offsets from {@code first}. */
    void feed(PartitionState partition, long first, int count, int valueBytes) {
        engine.tick();
        for (int i = 0; i < count; i++) {
            engine.accept(partition, record(partition.topicPartition(), first + i, valueBytes));
        }
    }

    /** A record of {@code valueBytes} zero bytes, encoded as the engine gets it. */
    static EncodedRecord record(TopicPartition tp, long offset, int valueBytes) {
        return ENCODER.encode(new ConsumerRecord<>(tp.topic(), tp.partition(), offset, START_MILLIS + offset,
                TimestampType.CREATE_TIME, -1, valueBytes, null, new byte[valueBytes], new RecordHeaders(),
                Optional.empty()));
    }

    /** A partition of topic {@code orders} outside any engine, batching by {@code rules}: for the engine's parts. */
    static PartitionState loosePartition(DeliveryRules rules, int p) {
        return new PartitionState(new TopicPartition("orders", p), "orders-" + p,
                new PartitionBatcher("orders", p, rules.limits(), rules.encoder()));
    }

    /** Adds {@code count} records (offsets from {@code first}) to a loose partition's batcher. */
    static void add(PartitionState partition, long first, int count, long nowNanos) {
        for (int i = 0; i < count; i++) {
            partition.batcher.add(record(partition.topicPartition(), first + i, 8), nowNanos);
        }
    }

    void feed(PartitionState partition, long first, int count) {
        feed(partition, first, count, 8);
    }

    /** What the reader does on each poll: run completions, read the clock, start what may start. */
    void step() {
        runQueued(taskThread);
        engine.tick();
        engine.dispatch();
    }

    /** Runs what was posted to a task thread the test drives, including what those runs post. */
    static void runQueued(ArrayDeque<Runnable> taskThread) {
        Runnable event;
        while ((event = taskThread.poll()) != null) {
            event.run();
        }
    }

    void advanceMillis(long millis) {
        clock.nanos += TimeUnit.MILLISECONDS.toNanos(millis);
        clock.millis += millis;
    }

    public static final class ManualClock implements DeliveryClock {
        public long nanos = 1_000_000_000L;
        public long millis = START_MILLIS + 60_000;

        @Override
        public long nanoTime() {
            return nanos;
        }

        @Override
        public long currentTimeMillis() {
            return millis;
        }
    }

    /** An invocation the test answers. */
    public static final class Call {
        final byte[] event;
        final CompletableFuture<InvokeResult> answer = new CompletableFuture<>();

        Call(byte[] event) {
            this.event = event;
        }

        /** The offsets in the event, per {@code topic-partition} key, in event order. */
        public Map<String, List<Long>> offsets() {
            try {
                Map<String, List<Long>> offsets = new LinkedHashMap<>();
                JsonNode records = JSON.readTree(event).path("records");
                records.fieldNames().forEachRemaining(key -> {
                    List<Long> list = new ArrayList<>();
                    records.path(key).forEach(r -> list.add(r.path("offset").asLong()));
                    offsets.put(key, list);
                });
                return offsets;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The offsets of a single-partition event. */
        public List<Long> offsetList() {
            Map<String, List<Long>> all = offsets();
            if (all.size() != 1) {
                throw new AssertionError("expected one partition in the event, got " + all.keySet());
            }
            return all.values().iterator().next();
        }

        public void ok() {
            answer.complete(InvokeResult.success(200, "null".getBytes(StandardCharsets.UTF_8), "$LATEST"));
        }

        public void functionError() {
            answer.complete(InvokeResult.functionError(200, "Unhandled",
                    "{\"errorMessage\":\"boom\",\"errorType\":\"Error\"}".getBytes(StandardCharsets.UTF_8),
                    "$LATEST"));
        }

        public void refused(int status, String code) {
            answer.complete(InvokeResult.requestFailure(status, code, "refused by the test"));
        }

        public void timedOut() {
            answer.complete(InvokeResult.requestFailure(InvokeResult.NO_RESPONSE, "ApiCallAttemptTimeoutException",
                    "no answer within the timeout"));
        }

        /** The invoker's future fails instead of answering (a bug or an unexpected exception in the client). */
        public void failWith(Throwable error) {
            answer.completeExceptionally(error);
        }

        public void itemFailure(String partitionKey, long offset) {
            answer.complete(InvokeResult.success(200, ("{\"batchItemFailures\":[{\"itemIdentifier\":{\"partition\":\""
                    + partitionKey + "\",\"offset\":" + offset + "}}]}").getBytes(StandardCharsets.UTF_8), "$LATEST"));
        }
    }

    public static final class ScriptedInvoker implements Invoker {
        public final List<Call> calls = new ArrayList<>();
        boolean closed;
        /** Thrown by the next invoke instead of returning a future, if set. */
        RuntimeException throwNext;

        @Override
        public CompletableFuture<InvokeResult> invoke(byte[] event) {
            if (throwNext != null) {
                RuntimeException error = throwNext;
                throwNext = null;
                throw error;
            }
            Call call = new Call(event);
            calls.add(call);
            return call.answer;
        }

        public Call last() {
            return calls.get(calls.size() - 1);
        }

        public List<Call> unanswered() {
            return calls.stream().filter(c -> !c.answer.isDone()).toList();
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    static final class RecordingDestination implements OnFailureDestination {
        final List<FailedBatch> sent = new ArrayList<>();
        final List<CompletableFuture<Void>> writes = new ArrayList<>();
        /** Thrown by the next send instead of returning a write, if set. */
        RuntimeException refuseNext;

        @Override
        public CompletableFuture<Void> send(FailedBatch batch) {
            sent.add(batch);
            if (refuseNext != null) {
                RuntimeException refusal = refuseNext;
                refuseNext = null;
                throw refusal;
            }
            CompletableFuture<Void> write = new CompletableFuture<>();
            writes.add(write);
            return write;
        }

        CompletableFuture<Void> lastWrite() {
            return writes.get(writes.size() - 1);
        }

        @Override
        public String destination() {
            return "kafka://dlq";
        }

        @Override
        public void close() {}
    }
}
