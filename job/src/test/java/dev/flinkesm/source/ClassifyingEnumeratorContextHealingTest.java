package dev.flinkesm.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.flink.metrics.groups.SplitEnumeratorMetricGroup;
import org.apache.flink.runtime.metrics.groups.InternalSplitEnumeratorMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;
import org.apache.flink.util.FlinkRuntimeException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A missing topic is reported and the listing retried, never handed to the stock handler (which fails the job). */
class ClassifyingEnumeratorContextHealingTest {

    /** Runs calls on the caller's thread, as many times as they are submitted; records nothing else. */
    private static final class InlineContext implements SplitEnumeratorContext<KafkaPartitionSplit> {
        final List<Callable<?>> submitted = new ArrayList<>();

        @Override
        public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler) {
            submitted.add(callable);
            T value = null;
            Throwable error = null;
            try {
                value = callable.call();
            } catch (Throwable t) {
                error = t;
            }
            handler.accept(value, error);
        }

        @Override
        public <T> void callAsync(Callable<T> c, BiConsumer<T, Throwable> h, long initialDelay, long period) {
            callAsync(c, h);
        }

        @Override
        public SplitEnumeratorMetricGroup metricGroup() {
            return new InternalSplitEnumeratorMetricGroup(UnregisteredMetricGroups.createUnregisteredJobManagerOperatorMetricGroup());
        }

        @Override
        public void sendEventToSourceReader(int subtaskId, SourceEvent event) {}

        @Override
        public int currentParallelism() {
            return 1;
        }

        @Override
        public Map<Integer, ReaderInfo> registeredReaders() {
            return Map.of();
        }

        @Override
        public void assignSplits(SplitsAssignment<KafkaPartitionSplit> newSplitAssignments) {}

        @Override
        public void signalNoMoreSplits(int subtask) {}

        @Override
        public void runInCoordinatorThread(Runnable runnable) {
            runnable.run();
        }
    }

    private final InlineContext stock = new InlineContext();
    private final ClassifyingEnumeratorContext<KafkaPartitionSplit> context = new ClassifyingEnumeratorContext<>(stock);

    @AfterEach
    void close() {
        context.close();
    }

    @Test
    void aMissingTopicIsReportedInsteadOfFailingTheJobAndClearedWhenTheListingSucceeds() throws Exception {
        List<String> handled = new ArrayList<>();
        boolean[] topicExists = {false};
        context.callAsync(() -> {
            if (!topicExists[0]) {
                throw new RuntimeException("Failed to get metadata for topics [t].",
                        new UnknownTopicOrPartitionException("This server does not host this topic-partition."));
            }
            return "partitions";
        }, (value, error) -> {
            if (error != null) {
                throw new FlinkRuntimeException("Failed to list subscribed topic partitions due to ", error);
            }
            handled.add(value);
        });

        assertThat(handled).isEmpty();
        assertThat(context.lastProcessingResult()).startsWith("PROBLEM: Topic not found");

        // The retry is on the context's timer (first backoff 1 s); run the same call as it would.
        topicExists[0] = true;
        @SuppressWarnings("unchecked")
        Callable<Object> listing = (Callable<Object>) stock.submitted.get(0);
        assertThat(listing.call()).isEqualTo("partitions");
        context.callAsync(listing, (value, error) -> handled.add(String.valueOf(value)));
        assertThat(handled).containsExactly("partitions");
        assertThat(context.lastProcessingResult()).isEqualTo("OK");
    }
}
