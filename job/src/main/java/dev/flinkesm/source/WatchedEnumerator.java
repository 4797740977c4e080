package dev.flinkesm.source;

import dev.flinkesm.failure.KafkaFailureClassifier;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;

/**
 * The stock enumerator, started again later if its start meets a problem that may heal (e.g. bootstrap servers that
 * do not resolve yet), and closing its {@link ClassifyingEnumeratorContext} with it.
 */
final class WatchedEnumerator<SplitT extends SourceSplit, CheckpointT> implements SplitEnumerator<SplitT, CheckpointT> {
    private final SplitEnumerator<SplitT, CheckpointT> delegate;
    private final ClassifyingEnumeratorContext<SplitT> context;
    private int failedStarts;

    WatchedEnumerator(SplitEnumerator<SplitT, CheckpointT> delegate, ClassifyingEnumeratorContext<SplitT> context) {
        this.delegate = delegate;
        this.context = context;
    }

    @Override
    public void start() {
        try {
            delegate.start();
        } catch (RuntimeException e) {
            Optional<String> problem = KafkaFailureClassifier.asMappingStop(e).isPresent()
                    ? Optional.empty() : KafkaFailureClassifier.healableProblem(e);
            if (problem.isEmpty()) {
                throw e;
            }
            context.startLater(problem.get(), ++failedStarts, e, this::start);
        }
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        delegate.handleSplitRequest(subtaskId, requesterHostname);
    }

    @Override
    public void addSplitsBack(List<SplitT> splits, int subtaskId) {
        delegate.addSplitsBack(splits, subtaskId);
    }

    @Override
    public void addReader(int subtaskId) {
        delegate.addReader(subtaskId);
    }

    @Override
    public CheckpointT snapshotState(long checkpointId) throws Exception {
        return delegate.snapshotState(checkpointId);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
        delegate.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void handleSourceEvent(int subtaskId, SourceEvent sourceEvent) {
        delegate.handleSourceEvent(subtaskId, sourceEvent);
    }

    @Override
    public void close() throws IOException {
        try {
            delegate.close();
        } catch (Exception e) {
            throw e instanceof IOException io ? io : new IOException(e);
        } finally {
            context.close();
        }
    }
}
