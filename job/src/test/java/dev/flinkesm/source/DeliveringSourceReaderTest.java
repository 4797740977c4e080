package dev.flinkesm.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flinkesm.aws.AwsClients;
import dev.flinkesm.batch.BatchLimits;
import dev.flinkesm.delivery.DeliveryReport;
import dev.flinkesm.delivery.EngineFixture;
import dev.flinkesm.delivery.EngineFixture.ManualClock;
import dev.flinkesm.delivery.EngineFixture.ScriptedInvoker;
import dev.flinkesm.delivery.WakeUpTimer;
import dev.flinkesm.failure.Backoff;
import dev.flinkesm.failure.FailurePolicy;
import dev.flinkesm.failure.destination.DestinationContext;
import dev.flinkesm.invoke.LambdaClientFactory;
import dev.flinkesm.payload.EncodedRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.util.SimpleUserCodeClassLoader;
import org.apache.flink.util.UserCodeClassLoader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Flink adapter around the engine: what a checkpoint stores, which splits are paused, when input ends. The Kafka
 * reader underneath is a fake that emits records the test produced, through per-split outputs as the real one does.
 */
class DeliveringSourceReaderTest {
    private static final TopicPartition P0 = new TopicPartition("orders", 0);
    private static final TopicPartition P1 = new TopicPartition("orders", 1);

    private final FakeKafkaReader kafka = new FakeKafkaReader();
    private final ScriptedInvoker invoker = new ScriptedInvoker();
    private final ManualClock clock = new ManualClock();
    private final List<Long> timerDelays = new ArrayList<>();
    private final List<DeliveryReport> reports = new ArrayList<>();
    private DeliveringSourceReader reader;

    /** An admin client for a broker that is not there, failing fast: commits and restore look-ups fail, as a test of
     * the adapter needs nothing from them (they are tested against a real broker in OffsetsAgainstBrokerTest). */
    private static Properties unreachableBroker() {
        Properties admin = new Properties();
        admin.setProperty("bootstrap.servers", "127.0.0.1:9");
        admin.setProperty("default.api.timeout.ms", "300");
        admin.setProperty("request.timeout.ms", "200");
        return admin;
    }

    private DeliveringSourceReader reader(int batchSize, Duration window) {
        return reader(batchSize, window, DeliverySettings.DEFAULT_MAX_BUFFERED_BYTES);
    }

    private DeliveringSourceReader reader(int batchSize, Duration window, long maxBufferedBytes) {
        DeliverySettings settings = new DeliverySettings(new BatchLimits(batchSize, window), EngineFixture.ENCODER,
                new LambdaClientFactory("fn", "http://127.0.0.1:9", 4, Duration.ofSeconds(5)),
                new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1)), 4, "group",
                unreachableBroker(), new FailurePolicy(-1, -1, false, false, false), null,
                new DestinationContext("uuid", new Properties(), AwsClients.standard()), RestoreOffsets.CHECKPOINT)
                .maxBufferedBytes(maxBufferedBytes);
        reader = new DeliveringSourceReader(kafka, new Context(), settings, invoker, clock,
                new WakeUpTimer.Scheduler() {
                    @Override
                    public WakeUpTimer.Cancellable schedule(Runnable task, long delayNanos) {
                        timerDelays.add(delayNanos);
                        return () -> {};
                    }

                    @Override
                    public void shutdown() {}
                });
        return reader;
    }

    @AfterEach
    void close() throws Exception {
        if (reader != null) {
            reader.close();
        }
    }

    private InputStatus poll() throws Exception {
        return reader.pollNext(new CollectingOutput(reports));
    }

    /**
     * Polls until {@code calls} invocations were made. A partition's next batch waits for the group's commit of the
     * one before; against the unreachable broker the first commit fails (within its 300 ms API timeout), commits
     * pause, and delivery goes on without waiting.
     */
    private void pollUntilCalls(int calls) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (invoker.calls.size() < calls && System.nanoTime() < deadline) {
            poll();
            Thread.sleep(10);
        }
        assertThat(invoker.calls).hasSize(calls);
    }

    private long checkpointedOffset(List<KafkaPartitionSplit> splits, TopicPartition tp) {
        return splits.stream().filter(s -> s.getTopicPartition().equals(tp)).findFirst().orElseThrow()
                .getStartingOffset();
    }

    @Test
    void aCheckpointStoresEachSplitsFirstUndeliveredOffset() throws Exception {
        reader(10, Duration.ZERO);
        reader.addSplits(List.of(new KafkaPartitionSplit(P0, 100), new KafkaPartitionSplit(P1, 7)));
        kafka.produce(P0, 25);
        poll();
        assertThat(invoker.calls).hasSize(1);
        // In flight 100..109: a restore must re-read it. P1 read nothing: its split stays as it was.
        assertThat(checkpointedOffset(reader.snapshotState(1), P0)).isEqualTo(100);
        assertThat(checkpointedOffset(reader.snapshotState(1), P1)).isEqualTo(7);
        invoker.last().ok();
        pollUntilCalls(2);
        assertThat(checkpointedOffset(reader.snapshotState(2), P0)).isEqualTo(110);
        invoker.last().ok();
        pollUntilCalls(3);
        invoker.last().ok();
        assertThat(checkpointedOffset(reader.snapshotState(3), P0)).isEqualTo(125); // snapshot applies completions
        assertThat(reports).extracting(r -> r.firstOffset).containsExactly(100L, 110L);
    }

    @Test
    void aSplitIsPausedWhileAFullBatchWaitsAndResumedWhenItDrains() throws Exception {
        reader(10, Duration.ZERO);
        reader.addSplits(List.of(new KafkaPartitionSplit(P0, 0)));
        kafka.produce(P0, 30);
        poll();
        assertThat(kafka.paused).containsExactly("orders-0");
        for (int i = 0; i < 3; i++) {
            invoker.last().ok();
            if (i < 2) {
                pollUntilCalls(i + 2);
            } else {
                poll();
            }
        }
        assertThat(kafka.paused).isEmpty();
        assertThat(invoker.calls).hasSize(3);
    }

    @Test
    void overTheBudgetNoFurtherRecordIsTakenFromKafkaUntilADeliveryFreesIt() throws Exception {
        long recordBytes = FakeKafkaReader.encoded(P0, 0).size();
        reader(10, Duration.ZERO, 2 * recordBytes + 1); // a third record takes the reader over its budget
        reader.addSplits(List.of(new KafkaPartitionSplit(P0, 0), new KafkaPartitionSplit(P1, 0)));
        kafka.produce(P0, 20);
        kafka.produce(P1, 20);
        assertThat(poll()).isEqualTo(InputStatus.NOTHING_AVAILABLE);
        // Budget plus one record, although the Kafka reader has 37 more ready. No split is paused for the budget:
        // not taking records bounds the reader; what the consumer holds meanwhile is bounded by the fetch sizes.
        assertThat(kafka.taken()).isEqualTo(3);
        assertThat(kafka.paused).isEmpty();
        assertThat(invoker.calls).hasSize(1); // window 0: the three go out at once
        // Records ready in the Kafka reader must not wake the task; only the invocation's answer may.
        assertThat(reader.isAvailable()).isNotDone();
        poll();
        assertThat(kafka.taken()).isEqualTo(3);
        invoker.last().ok();
        assertThat(reader.isAvailable()).isDone();
        pollUntilCalls(2);
        assertThat(kafka.taken()).isEqualTo(6);
        assertThat(reports).extracting(r -> r.lastOffset).containsExactly(2L);
    }

    @Test
    void flinksOwnPausesStayInUnionWithOurs() throws Exception {
        reader(10, Duration.ZERO);
        reader.addSplits(List.of(new KafkaPartitionSplit(P0, 0)));
        kafka.produce(P0, 20);
        poll(); // two batches: one goes out, one waits behind it, so we pause orders-0
        assertThat(kafka.paused).containsExactly("orders-0");
        reader.pauseOrResumeSplits(List.of("orders-0"), List.of()); // watermark alignment pauses it too
        reader.pauseOrResumeSplits(List.of(), List.of("orders-0")); // alignment lets go: ours still holds
        assertThat(kafka.paused).containsExactly("orders-0");
        reader.pauseOrResumeSplits(List.of("orders-0"), List.of());
        invoker.last().ok();
        pollUntilCalls(2);
        invoker.last().ok();
        poll();
        assertThat(kafka.paused).containsExactly("orders-0"); // ours let go, alignment still holds
    }

    @Test
    void inputEndsOnlyOnceEverythingIsDelivered() throws Exception {
        reader(10, Duration.ZERO);
        reader.addSplits(List.of(new KafkaPartitionSplit(P0, 0)));
        kafka.produce(P0, 5);
        kafka.finished = true;
        assertThat(poll()).isNotEqualTo(InputStatus.END_OF_INPUT);
        invoker.last().ok(); // the completion is queued for the task thread; the next poll applies it
        assertThat(poll()).isEqualTo(InputStatus.END_OF_INPUT);
    }

    @Test
    void aWindowAsksTheTimerForAWakeUpAtItsEnd() throws Exception {
        reader(100, Duration.ofMillis(300));
        reader.addSplits(List.of(new KafkaPartitionSplit(P0, 0)));
        kafka.produce(P0, 3);
        poll();
        assertThat(invoker.calls).isEmpty();
        assertThat(timerDelays).containsExactly(Duration.ofMillis(300).toNanos());
    }

    @Test
    void aMissingFunctionFailsThePollWithoutRestarts() throws Exception {
        reader(10, Duration.ZERO);
        reader.addSplits(List.of(new KafkaPartitionSplit(P0, 0)));
        kafka.produce(P0, 5);
        poll();
        invoker.last().refused(404, "ResourceNotFoundException");
        assertThatThrownBy(this::poll)
                .isInstanceOf(SuppressRestartsException.class)
                .hasStackTraceContaining("FUNCTION_CONFIG_NOT_VALID: PROBLEM: Function fn cannot be invoked");
    }

    /** Emits produced records split by split, through the per-split outputs, as {@code KafkaSourceReader} does. */
    private static final class FakeKafkaReader implements SourceReader<EncodedRecord, KafkaPartitionSplit> {
        final Map<String, TopicPartition> splits = new LinkedHashMap<>();
        final Map<String, Long> position = new LinkedHashMap<>();
        final Map<String, Long> end = new LinkedHashMap<>();
        final Set<String> paused = new HashSet<>();
        boolean finished;

        void produce(TopicPartition tp, int count) {
            end.merge(KafkaPartitionSplit.toSplitId(tp), (long) count, Long::sum);
        }

        @Override
        public void start() {}

        @Override
        public InputStatus pollNext(ReaderOutput<EncodedRecord> output) {
            for (Map.Entry<String, TopicPartition> split : splits.entrySet()) {
                String id = split.getKey();
                if (!paused.contains(id) && position.get(id) < end.get(id)) {
                    long offset = position.get(id);
                    position.put(id, offset + 1);
                    output.createOutputForSplit(id).collect(encoded(split.getValue(), offset));
                    return InputStatus.MORE_AVAILABLE;
                }
            }
            return finished ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
        }

        static EncodedRecord encoded(TopicPartition tp, long offset) {
            return EngineFixture.ENCODER.encode(new ConsumerRecord<>(tp.topic(), tp.partition(), offset,
                    1_000L + offset, TimestampType.CREATE_TIME, -1, 1, null, new byte[] {1}, new RecordHeaders(),
                    Optional.empty()));
        }

        /** Records emitted so far, over all splits. */
        long taken() {
            long taken = 0;
            for (String id : splits.keySet()) {
                taken += position.get(id);
            }
            return taken;
        }

        @Override
        public List<KafkaPartitionSplit> snapshotState(long checkpointId) {
            List<KafkaPartitionSplit> snapshot = new ArrayList<>();
            splits.forEach((id, tp) -> snapshot.add(new KafkaPartitionSplit(tp, position.get(id))));
            return snapshot;
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void addSplits(List<KafkaPartitionSplit> added) {
            for (KafkaPartitionSplit split : added) {
                splits.put(split.splitId(), split.getTopicPartition());
                position.put(split.splitId(), split.getStartingOffset());
                end.merge(split.splitId(), split.getStartingOffset(), Long::sum);
            }
        }

        @Override
        public void pauseOrResumeSplits(Collection<String> toPause, Collection<String> toResume) {
            paused.addAll(toPause);
            paused.removeAll(toResume);
        }

        @Override
        public void notifyNoMoreSplits() {}

        @Override
        public void handleSourceEvents(SourceEvent sourceEvent) {}

        @Override
        public void close() {}
    }

    private static final class CollectingOutput implements ReaderOutput<DeliveryReport> {
        private final List<DeliveryReport> reports;

        CollectingOutput(List<DeliveryReport> reports) {
            this.reports = reports;
        }

        @Override
        public void collect(DeliveryReport record) {
            reports.add(record);
        }

        @Override
        public void collect(DeliveryReport record, long timestamp) {
            reports.add(record);
        }

        @Override
        public void emitWatermark(Watermark watermark) {}

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}

        @Override
        public SourceOutput<DeliveryReport> createOutputForSplit(String splitId) {
            throw new UnsupportedOperationException("the delivering reader emits reports without split outputs");
        }

        @Override
        public void releaseOutputForSplit(String splitId) {}
    }

    private static final class Context implements SourceReaderContext {
        @Override
        public SourceReaderMetricGroup metricGroup() {
            return UnregisteredMetricsGroup.createSourceReaderMetricGroup();
        }

        @Override
        public Configuration getConfiguration() {
            return new Configuration();
        }

        @Override
        public String getLocalHostName() {
            return "localhost";
        }

        @Override
        public int getIndexOfSubtask() {
            return 1; // not 0: no function-timeout look-up at start
        }

        @Override
        public void sendSplitRequest() {}

        @Override
        public void sendSourceEventToCoordinator(SourceEvent sourceEvent) {}

        @Override
        public UserCodeClassLoader getUserCodeClassLoader() {
            return SimpleUserCodeClassLoader.create(getClass().getClassLoader());
        }
    }
}
