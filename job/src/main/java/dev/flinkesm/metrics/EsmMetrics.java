package dev.flinkesm.metrics;

import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The mapping's metrics, under the names AWS gives the event source mapping's CloudWatch metrics, in the source
 * operator's metric group (visible in the web UI, exported by any Flink reporter). Per-partition metrics sit in
 * {@code topic.<t>.partition.<p>} groups, like the Kafka connector's.
 *
 * <p>Only the task thread updates them: Flink's simple counters are not thread-safe. Gauges never read task-thread
 * state directly: they read values the task thread publishes (volatile fields, a concurrent map).
 */
public final class EsmMetrics {
    public static final String POLLED_EVENT_COUNT = "PolledEventCount";
    public static final String FILTERED_OUT_EVENT_COUNT = "FilteredOutEventCount";
    public static final String INVOKED_EVENT_COUNT = "InvokedEventCount";
    public static final String FAILED_INVOKE_EVENT_COUNT = "FailedInvokeEventCount";
    public static final String DROPPED_EVENT_COUNT = "DroppedEventCount";
    public static final String ON_FAILURE_DESTINATION_DELIVERED_EVENT_COUNT =
            "OnFailureDestinationDeliveredEventCount";
    public static final String COMMITTED_EVENT_COUNT = "CommittedEventCount";
    public static final String INVOKE_ERROR_COUNT = "InvokeErrorCount";
    public static final String COMMIT_ERROR_COUNT = "CommitErrorCount";
    /** Records retention deleted before they were delivered (a partition that retried or was disabled too long). */
    public static final String REMOVED_BY_RETENTION_EVENT_COUNT = "RemovedByRetentionEventCount";
    public static final String ON_FAILURE_DESTINATION_DELIVERY_ERROR_COUNT = "OnFailureDestinationDeliveryErrorCount";
    public static final String OFFSET_LAG = "OffsetLag";
    public static final String MAX_OFFSET_LAG = "MaxOffsetLag";
    public static final String SUM_OFFSET_LAG = "SumOffsetLag";
    public static final String INVOKE_DURATION_MS = "InvokeDurationMs";
    public static final String BATCH_SIZE = "BatchSize";
    public static final String IN_FLIGHT_BATCHES = "InFlightBatches";
    /** Sends this subtask may have in flight now: falls when the function throttles, climbs back as it answers. */
    public static final String CONCURRENCY_LIMIT = "ConcurrencyLimit";
    /** Invocations the function's concurrency refused (429 and the throttle codes): retried, never a failed attempt. */
    public static final String THROTTLED_INVOKE_COUNT = "ThrottledInvokeCount";
    public static final String RETRIES = "RetryCount";
    public static final String STALLED_PARTITIONS = "StalledPartitions";
    public static final String BUFFERED_RECORDS = "BufferedRecords";

    public static final String TOPIC_GROUP = "topic";
    public static final String PARTITION_GROUP = "partition";

    private final MetricGroup group;
    private final Counter polled;
    private final Counter invoked;
    private final Counter failedInvoke;
    private final Counter dropped;
    private final Counter destinationDelivered;
    private final Counter committed;
    private final Counter invokeErrors;
    private final Counter commitErrors;
    private final Counter removedByRetention;
    private final Counter destinationErrors;
    private final Counter retries;
    private final Counter throttled;
    private final Histogram invokeDuration;
    private final Histogram batchSize;
    /** Written on the task thread, read by reporter threads: a concurrent map, never a plain one. */
    private final Map<String, Long> lagByPartition = new ConcurrentHashMap<>();
    private final ProcessingResult processingResult;

    public EsmMetrics(MetricGroup group) {
        this.group = group;
        this.polled = group.counter(POLLED_EVENT_COUNT);
        this.invoked = group.counter(INVOKED_EVENT_COUNT);
        this.failedInvoke = group.counter(FAILED_INVOKE_EVENT_COUNT);
        this.dropped = group.counter(DROPPED_EVENT_COUNT);
        this.destinationDelivered = group.counter(ON_FAILURE_DESTINATION_DELIVERED_EVENT_COUNT);
        this.committed = group.counter(COMMITTED_EVENT_COUNT);
        this.invokeErrors = group.counter(INVOKE_ERROR_COUNT);
        this.commitErrors = group.counter(COMMIT_ERROR_COUNT);
        this.removedByRetention = group.counter(REMOVED_BY_RETENTION_EVENT_COUNT);
        this.destinationErrors = group.counter(ON_FAILURE_DESTINATION_DELIVERY_ERROR_COUNT);
        this.retries = group.counter(RETRIES);
        this.throttled = group.counter(THROTTLED_INVOKE_COUNT);
        this.invokeDuration = group.histogram(INVOKE_DURATION_MS, new DescriptiveStatisticsHistogram(1000));
        this.batchSize = group.histogram(BATCH_SIZE, new DescriptiveStatisticsHistogram(1000));
        group.gauge(MAX_OFFSET_LAG, () -> lagByPartition.values().stream().mapToLong(Long::longValue).max().orElse(0));
        group.gauge(SUM_OFFSET_LAG, () -> lagByPartition.values().stream().mapToLong(Long::longValue).sum());
        this.processingResult = new ProcessingResult(group);
    }

    /** This subtask's {@code LastProcessingResult} becomes {@code PROBLEM: <problem>} ({@link ProcessingResult}). */
    public void reportProblem(String problem) {
        processingResult.report(problem);
    }

    /** This subtask's {@code LastProcessingResult} becomes {@code OK}. */
    public void clearProblem() {
        processingResult.clear();
    }

    /**
     * {@code FilteredOutEventCount}, registered by the Kafka deserializer that filters, in the metric group the
     * connector gives it (the source operator's {@code deserializer} group): records are filtered before the reader
     * sees them.
     */
    public static Counter filteredOutCounter(MetricGroup deserializerGroup) {
        return deserializerGroup.counter(FILTERED_OUT_EVENT_COUNT);
    }

    public void registerReaderGauges(LongSupplier inFlightBatches, LongSupplier concurrencyLimit,
            LongSupplier stalledPartitions, LongSupplier buffered) {
        group.gauge(IN_FLIGHT_BATCHES, inFlightBatches::getAsLong);
        group.gauge(CONCURRENCY_LIMIT, concurrencyLimit::getAsLong);
        group.gauge(STALLED_PARTITIONS, stalledPartitions::getAsLong);
        group.gauge(BUFFERED_RECORDS, buffered::getAsLong);
    }

    /** Registers the per-partition gauges once per partition this reader is assigned. */
    public void registerPartition(String topic, int partition, LongSupplier bufferedRecords) {
        String key = topic + "-" + partition;
        if (lagByPartition.putIfAbsent(key, 0L) == null) {
            MetricGroup partitionGroup =
                    group.addGroup(TOPIC_GROUP, topic).addGroup(PARTITION_GROUP, String.valueOf(partition));
            partitionGroup.gauge(OFFSET_LAG, () -> lagByPartition.getOrDefault(key, 0L));
            partitionGroup.gauge(BUFFERED_RECORDS, bufferedRecords::getAsLong);
        }
    }

    public void recordPolled() {
        polled.inc();
    }

    public void recordInvocation(int records, long durationMillis) {
        batchSize.update(records);
        invokeDuration.update(durationMillis);
    }

    public void recordInvoked(int records) {
        invoked.inc(records);
    }

    public void recordFailedInvoke(int records) {
        failedInvoke.inc(records);
        invokeErrors.inc();
    }

    public void recordRetry() {
        retries.inc();
    }

    public void recordThrottled() {
        throttled.inc();
    }

    public void recordDropped(int records) {
        dropped.inc(records);
    }

    public void recordDestinationDelivered(int records) {
        destinationDelivered.inc(records);
    }

    public void recordDestinationError() {
        destinationErrors.inc();
    }

    public void recordCommitted(long records) {
        committed.inc(records);
    }

    public void recordCommitError() {
        commitErrors.inc();
    }

    public void recordRemovedByRetention(long records) {
        removedByRetention.inc(records);
    }

    /** Records lag = log end offset - first undelivered offset, per partition. */
    public void recordLag(String topic, int partition, long lag) {
        lagByPartition.put(topic + "-" + partition, Math.max(0, lag));
    }

}
