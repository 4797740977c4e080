package dev.flinkesm.source;

import dev.flinkesm.failure.KafkaFailureClassifier;
import dev.flinkesm.failure.MappingStoppedException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.metrics.groups.SplitEnumeratorMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job manager's side of the stop-once rule. The stock Kafka enumerator lists partitions and offsets in
 * {@code callAsync} handlers and rethrows their failures ("Failed to list subscribed topic partitions"); Flink then
 * fails the job globally and restarts it, into the same refused credentials or missing ACL. This context classifies
 * what a handler throws like the readers do and rethrows a refused login or missing ACL as a
 * {@link org.apache.flink.runtime.execution.SuppressRestartsException}: Flink's failure handler finds it anywhere in
 * the cause chain and fails the job once, with the reason.
 */
final class ClassifyingEnumeratorContext<SplitT extends SourceSplit> implements SplitEnumeratorContext<SplitT> {
    private static final Logger LOG = LoggerFactory.getLogger(ClassifyingEnumeratorContext.class);

    private final SplitEnumeratorContext<SplitT> delegate;

    ClassifyingEnumeratorContext(SplitEnumeratorContext<SplitT> delegate) {
        this.delegate = delegate;
    }

    /** Runs the handler; a failure no restart can mend leaves it as a non-restartable stop. */
    static <T> BiConsumer<T, Throwable> classifying(BiConsumer<T, Throwable> handler) {
        return (result, error) -> {
            try {
                handler.accept(result, error);
            } catch (RuntimeException | Error e) {
                Optional<MappingStoppedException> fatal = KafkaFailureClassifier.asMappingStop(e);
                if (fatal.isPresent()) {
                    LOG.error("Stopping the mapping: {}", fatal.get().getMessage());
                    throw fatal.get().suppressingRestarts();
                }
                throw e;
            }
        };
    }

    @Override
    public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler) {
        delegate.callAsync(callable, classifying(handler));
    }

    @Override
    public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler, long initialDelay, long period) {
        delegate.callAsync(callable, classifying(handler), initialDelay, period);
    }

    @Override
    public SplitEnumeratorMetricGroup metricGroup() {
        return delegate.metricGroup();
    }

    @Override
    public void sendEventToSourceReader(int subtaskId, SourceEvent event) {
        delegate.sendEventToSourceReader(subtaskId, event);
    }

    @Override
    public void sendEventToSourceReader(int subtaskId, int attemptNumber, SourceEvent event) {
        delegate.sendEventToSourceReader(subtaskId, attemptNumber, event);
    }

    @Override
    public int currentParallelism() {
        return delegate.currentParallelism();
    }

    @Override
    public Map<Integer, ReaderInfo> registeredReaders() {
        return delegate.registeredReaders();
    }

    @Override
    public Map<Integer, Map<Integer, ReaderInfo>> registeredReadersOfAttempts() {
        return delegate.registeredReadersOfAttempts();
    }

    @Override
    public void assignSplits(SplitsAssignment<SplitT> newSplitAssignments) {
        delegate.assignSplits(newSplitAssignments);
    }

    @Override
    public void assignSplit(SplitT split, int subtask) {
        delegate.assignSplit(split, subtask);
    }

    @Override
    public void signalNoMoreSplits(int subtask) {
        delegate.signalNoMoreSplits(subtask);
    }

    @Override
    public void runInCoordinatorThread(Runnable runnable) {
        delegate.runInCoordinatorThread(runnable);
    }

    @Override
    public void setIsProcessingBacklog(boolean isProcessingBacklog) {
        delegate.setIsProcessingBacklog(isProcessingBacklog);
    }
}
