package dev.flinkesm.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkesm.metrics.EsmMetrics;
import dev.flinkesm.metrics.ProcessingResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What reporter threads see: copies the task thread made, no more often than every 200 ms. */
class EngineGaugesTest {
    private static final long START = 1_000_000_000L;

    private final DeliveryRules rules = EngineFixture.rules().batchSize(10).window(Duration.ofSeconds(1))
            .deliveryRules();
    private final RecordingMetricGroup metrics = new RecordingMetricGroup();
    private final EsmMetrics esmMetrics = new EsmMetrics(metrics);
    private final EngineGauges gauges = new EngineGauges(esmMetrics, START);

    private static long millis(long ms) {
        return TimeUnit.MILLISECONDS.toNanos(ms);
    }

    private PartitionState registered(int p) {
        PartitionState partition = EngineFixture.loosePartition(rules, p);
        esmMetrics.registerPartition("orders", p, partition::publishedBufferedRecords);
        return partition;
    }

    @Test
    void gaugesArePublishedAtMostEvery200Ms() {
        PartitionState partition = registered(0);
        EngineFixture.add(partition, 0, 4, START);
        assertThat(metrics.gaugeValue(EsmMetrics.BUFFERED_RECORDS)).isEqualTo(0L); // nothing published yet
        gauges.publish(START, 3, 12, List.of(partition));
        assertThat(metrics.gaugeValue(EsmMetrics.BUFFERED_RECORDS)).isEqualTo(4L);
        assertThat(metrics.gaugeValue(EsmMetrics.IN_FLIGHT_BATCHES)).isEqualTo(3L);
        assertThat(metrics.gaugeValue(EsmMetrics.CONCURRENCY_LIMIT)).isEqualTo(12L);
        assertThat(metrics.gaugeValue("topic.orders.partition.0." + EsmMetrics.BUFFERED_RECORDS)).isEqualTo(4L);

        EngineFixture.add(partition, 4, 2, START);
        gauges.publish(START + millis(199), 1, 9, List.of(partition));
        assertThat(metrics.gaugeValue(EsmMetrics.BUFFERED_RECORDS)).isEqualTo(4L);
        assertThat(metrics.gaugeValue(EsmMetrics.IN_FLIGHT_BATCHES)).isEqualTo(3L);
        assertThat(metrics.gaugeValue("topic.orders.partition.0." + EsmMetrics.BUFFERED_RECORDS)).isEqualTo(4L);

        gauges.publish(START + millis(200), 1, 9, List.of(partition));
        assertThat(metrics.gaugeValue(EsmMetrics.BUFFERED_RECORDS)).isEqualTo(6L);
        assertThat(metrics.gaugeValue(EsmMetrics.IN_FLIGHT_BATCHES)).isEqualTo(1L);
        assertThat(metrics.gaugeValue(EsmMetrics.CONCURRENCY_LIMIT)).isEqualTo(9L);
        assertThat(metrics.gaugeValue("topic.orders.partition.0." + EsmMetrics.BUFFERED_RECORDS)).isEqualTo(6L);
    }

    @Test
    void stalledPartitionsAreCountedAndTheProblemClearsOnlyWhenNoneIs() {
        PartitionState stalled = registered(0);
        PartitionState moving = registered(1);
        stalled.stall("a record nothing can carry");
        esmMetrics.reportProblem("Function call failed (test)");
        gauges.publish(START, 0, 1, List.of(stalled, moving));
        assertThat(metrics.gaugeValue(EsmMetrics.STALLED_PARTITIONS)).isEqualTo(1L);
        assertThat((String) metrics.gaugeValue(ProcessingResult.LAST_PROCESSING_RESULT)).startsWith("PROBLEM: ");

        gauges.publish(START + millis(200), 0, 1, List.of(moving));
        assertThat(metrics.gaugeValue(EsmMetrics.STALLED_PARTITIONS)).isEqualTo(0L);
        assertThat(metrics.gaugeValue(ProcessingResult.LAST_PROCESSING_RESULT)).isEqualTo("OK");
    }

    @Test
    void lagIsMeasuredFromTheFirstUndeliveredOffsetOnceThereIsAPosition() {
        PartitionState partition = registered(0);
        String lag = "topic.orders.partition.0." + EsmMetrics.OFFSET_LAG;
        gauges.recordLag(partition, 100);
        assertThat(metrics.gaugeValue(lag)).isEqualTo(0L); // nothing read: no position yet
        EngineFixture.add(partition, 10, 4, START);
        gauges.recordLag(partition, 25);
        assertThat(metrics.gaugeValue(lag)).isEqualTo(15L);
    }
}
