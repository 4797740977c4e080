package dev.flinkesm.source;

import dev.flinkesm.failure.Backoff;
import dev.flinkesm.failure.KafkaFailureClassifier;
import dev.flinkesm.failure.MappingStoppedException;
import dev.flinkesm.failure.Problems;
import dev.flinkesm.metrics.ProcessingResult;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 * The job manager's side of failure handling. The stock Kafka enumerator lists partitions and offsets in
 * {@code callAsync} handlers and rethrows their failures ("Failed to list subscribed topic partitions"); Flink then
 * fails the job globally and restarts it, into the same problem. This context decides instead, per failure:
 *
 * <ul>
 *   <li>a refused login or missing ACL ({@link KafkaFailureClassifier#asMappingStop}): rethrown as a
 *       {@link org.apache.flink.runtime.execution.SuppressRestartsException}, so the job fails once, with the reason;
 *   <li>a missing topic or unreachable brokers ({@link KafkaFailureClassifier#healableProblem}): published as the
 *       enumerator's {@code LastProcessingResult} ({@link ProcessingResult}, on the job manager's operator metrics)
 *       and the same call retried with backoff, without a restart; cleared once a call succeeds;
 *   <li>anything else: rethrown, for Flink's restart strategy.
 * </ul>
 *
 * <p>A call to brokers that do not answer only fails when Kafka's API timeout ends (60 s by default), so a call
 * still running after {@link #SLOW_CALL} reports {@link Problems#CONNECTION_ERROR} meanwhile.
 */
final class ClassifyingEnumeratorContext<SplitT extends SourceSplit> implements SplitEnumeratorContext<SplitT> {
    private static final Logger LOG = LoggerFactory.getLogger(ClassifyingEnumeratorContext.class);

    /** A metadata or offsets call running longer than this means the brokers are not answering. */
    static final Duration SLOW_CALL = Duration.ofSeconds(10);

    private final SplitEnumeratorContext<SplitT> delegate;
    private final ProcessingResult result;
    private final Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
    private final ScheduledExecutorService timer;
    private final AtomicLong callIds = new AtomicLong();
    /** Start time (nanos) of each call still running, by id. */
    private final Map<Long, Long> running = new ConcurrentHashMap<>();

    ClassifyingEnumeratorContext(SplitEnumeratorContext<SplitT> delegate) {
        this.delegate = delegate;
        this.result = new ProcessingResult(delegate.metricGroup());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "esm-enumerator-watchdog");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::reportSlowCalls, 1, 1, TimeUnit.SECONDS);
    }

    /** Runs the handler; a failure no restart can mend leaves it as a non-restartable stop. */
    static <T> BiConsumer<T, Throwable> classifying(BiConsumer<T, Throwable> handler) {
        return (value, error) -> {
            try {
                handler.accept(value, error);
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

    /** The problem this context currently publishes, {@code OK} or {@code PROBLEM: ...}. */
    String lastProcessingResult() {
        return result.text();
    }

    @Override
    public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler) {
        delegate.callAsync(watched(callable), healing(callable, handler, new AtomicInteger()));
    }

    @Override
    public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler, long initialDelay, long period) {
        delegate.callAsync(watched(callable), healing(callable, handler, new AtomicInteger()), initialDelay, period);
    }

    /** The callable, timed while it runs (see {@link #reportSlowCalls}). */
    private <T> Callable<T> watched(Callable<T> callable) {
        return () -> {
            long id = callIds.incrementAndGet();
            running.put(id, System.nanoTime());
            try {
                return callable.call();
            } finally {
                running.remove(id);
            }
        };
    }

    /**
     * The handler, called with the result when the call succeeded (clearing a reported problem); a healable failure
     * is reported and the same call retried after a backoff instead of reaching the handler (which would rethrow it
     * and fail the job).
     */
    private <T> BiConsumer<T, Throwable> healing(
            Callable<T> callable, BiConsumer<T, Throwable> handler, AtomicInteger failures) {
        BiConsumer<T, Throwable> classified = classifying(handler);
        return (value, error) -> {
            if (error != null && KafkaFailureClassifier.asMappingStop(error).isEmpty()) {
                Optional<String> problem = KafkaFailureClassifier.healableProblem(error);
                if (problem.isPresent()) {
                    result.report(problem.get());
                    long delay = backoff.delayMillis(failures.incrementAndGet());
                    LOG.warn("Kafka call failed ({}); retrying in {} ms", error.toString(), delay);
                    retryLater(callable, handler, failures, delay);
                    return;
                }
            }
            if (error == null && running.isEmpty()) {
                failures.set(0);
                result.clear();
            }
            classified.accept(value, error);
        };
    }

    private <T> void retryLater(
            Callable<T> callable, BiConsumer<T, Throwable> handler, AtomicInteger failures, long delayMillis) {
        timer.schedule(() -> {
            try {
                delegate.callAsync(watched(callable), healing(callable, handler, failures));
            } catch (RuntimeException e) {
                // the coordinator closed meanwhile (job cancelled or failing over): nothing to retry for
                LOG.debug("Not retrying a Kafka call: {}", e.toString());
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    /** Reports a problem met while starting the enumerator, and runs {@code start} again after a backoff. */
    void startLater(String problem, int failures, Throwable error, Runnable start) {
        result.report(problem);
        long delay = backoff.delayMillis(failures);
        LOG.warn("Starting the Kafka enumerator failed ({}); trying again in {} ms", error.toString(), delay);
        timer.schedule(() -> {
            try {
                delegate.runInCoordinatorThread(start);
            } catch (RuntimeException e) {
                LOG.debug("Not restarting the enumerator: {}", e.toString());
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    private void reportSlowCalls() {
        long now = System.nanoTime();
        for (long started : running.values()) {
            if (now - started > SLOW_CALL.toNanos()) {
                result.report(Problems.CONNECTION_ERROR);
                return;
            }
        }
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

    /** Stops the watchdog and pending retries; called when the enumerator closes. */
    void close() {
        timer.shutdownNow();
    }
}
