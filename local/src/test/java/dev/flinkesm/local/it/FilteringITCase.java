package dev.flinkesm.local.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkesm.config.EventSourceMapping;
import dev.flinkesm.local.FlinkRest;
import dev.flinkesm.local.lambda.Invocation;
import dev.flinkesm.local.lambda.functions.RecordingFunction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.nio.file.Path;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * FilterCriteria end to end on real parts: a mixed topic (JSON, plain strings, non-UTF-8 bytes), a filter that lets
 * about a tenth through. Exactly the matching records arrive, in order, unchanged, in batches of up to BatchSize
 * matching records; the filtered ones are counted, and the consumer group's offsets reach the end of every partition,
 * including one whose records are all filtered out.
 */
class FilteringITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = EsmHarness.miniCluster();

    private static final byte[] NOT_UTF8 = {(byte) 0xC3, 0x28, 0x00, (byte) 0xFF};

    private static EsmHarness harness;

    @BeforeAll
    static void startRealParts() throws Exception {
        harness = new EsmHarness();
    }

    @AfterAll
    static void stopRealParts() throws Exception {
        harness.close();
    }

    /** What record {@code i} of partition {@code p} holds, and whether the filter below lets it through. */
    private record Sample(byte[] value, boolean passes) {
        static Sample of(int p, int i) {
            if (i % 50 == 5) {
                // Plain string against a JSON pattern: Lambda filters on the other fields only (partition here).
                return new Sample(("order " + i).getBytes(StandardCharsets.UTF_8), p != 3);
            }
            if (i % 50 == 7) {
                return new Sample(NOT_UTF8, p != 3); // not UTF-8: the same rule
            }
            String kind = i % 10 == 0 || p == 3 ? "order" : "refund";
            String json = "{\"kind\":\"" + kind + "\",\"n\":" + i + ",\"p\":" + p + "}";
            return new Sample(json.getBytes(StandardCharsets.UTF_8), kind.equals("order") && p != 3);
        }
    }

    @Test
    void exactlyTheMatchingRecordsArriveInOrderAndEveryPartitionCommitsToItsEnd(
            @InjectClusterClient ClusterClient<?> cluster) throws Exception {
        String topic = EsmHarness.uniqueTopic("mixed");
        int partitions = 4;
        int perPartition = 500;
        harness.kafka.createTopic(topic, partitions);
        RecordingFunction function = new RecordingFunction();
        harness.functions.register("filtered", function);

        Produced produced = new Produced();
        try (Produced.Producer producer = Produced.producer(harness.kafka.bootstrapServers())) {
            for (int i = 0; i < perPartition; i++) {
                for (int p = 0; p < partitions; p++) {
                    producer.send(topic, p, null, ("k" + i).getBytes(StandardCharsets.UTF_8), Sample.of(p, i).value());
                }
            }
            producer.flushInto(produced);
        }
        // Offsets per partition are assigned in send order (one producer, one request in flight).
        Produced expected = new Produced();
        Map<String, byte[]> valueAt = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            List<Long> offsets = produced.offsetsByPartition.get(topic + "-" + p);
            for (int i = 0; i < perPartition; i++) {
                Sample s = Sample.of(p, i);
                valueAt.put(topic + "-" + p + "@" + offsets.get(i), s.value());
                if (s.passes()) {
                    expected.offsetsByPartition.computeIfAbsent(topic + "-" + p, k -> new ArrayList<>())
                            .add(offsets.get(i));
                }
            }
        }
        int filtered = produced.count() - expected.count();
        assertThat(expected.count()).as("the filter passes about a tenth").isBetween(200, 230);
        assertThat(expected.offsetsByPartition).doesNotContainKey(topic + "-3");

        String pattern = "{\\\"partition\\\":[0,1,2],\\\"value\\\":{\\\"kind\\\":[\\\"order\\\"]}}";
        EventSourceMapping mapping = harness.mapping(EsmHarness.mappingJson("filtered", "TRIM_HORIZON", 10, 1,
                ",\"FilterCriteria\":{\"Filters\":[{\"Pattern\":\"" + pattern + "\"}]}", topic));
        assertThat(mapping.filterPatterns()).hasSize(1);

        JobClient job = harness.start(mapping, harness.fastOptions());
        FlinkRest rest = new FlinkRest(cluster.getWebInterfaceURL());
        long filteredOut;
        try {
            Await.until(Duration.ofSeconds(60), () -> function.delivered().size() >= expected.count(),
                    () -> "delivered " + function.delivered().size() + " of " + expected.count());
            Await.until(Duration.ofSeconds(30),
                    () -> harness.committedOffsets(mapping.consumerGroupId()).equals(EsmHarness.endOffsets(produced)),
                    () -> "committed " + harness.committedOffsets(mapping.consumerGroupId()) + ", end "
                            + EsmHarness.endOffsets(produced));
            Await.until(Duration.ofSeconds(30),
                    () -> rest.sourceMetric(job.getJobID(), "FilteredOutEventCount") >= filtered,
                    () -> "FilteredOutEventCount " + rest.sourceMetric(job.getJobID(), "FilteredOutEventCount"));
            filteredOut = rest.sourceMetric(job.getJobID(), "FilteredOutEventCount");
        } finally {
            EsmHarness.cancel(job);
        }

        DeliveryCheck.of(expected, function.delivered()).assertExactlyOnceInOrder();
        for (RecordingFunction.Delivered d : function.delivered()) {
            assertThat(d.value()).as("payload of %s", d.topicPartition() + "@" + d.offset())
                    .isEqualTo(valueAt.get(d.topicPartition() + "@" + d.offset()));
        }
        assertThat(filteredOut).isEqualTo(filtered);
        // Filtering happens before batching: batches fill up with matching records spread over many offsets.
        List<Invocation> invocations = harness.functions.invocations("filtered");
        assertThat(invocations).allSatisfy(inv -> assertThat(JsonNodes.recordCount(inv.body())).isBetween(1, 10));
        assertThat(invocations).anySatisfy(inv -> assertThat(JsonNodes.recordCount(inv.body())).isEqualTo(10));
    }

    private static String kindFilter(String kind) {
        return ",\"FilterCriteria\":{\"Filters\":[{\"Pattern\":\"{\\\"value\\\":{\\\"kind\\\":[\\\"" + kind
                + "\\\"]}}\"}]}";
    }

    /** Half orders, half refunds, alternating; returns where each landed. */
    private static Produced produceKinds(String topic, int partitions, int perPartition, String batch)
            throws Exception {
        Produced produced = new Produced();
        try (Produced.Producer producer = Produced.producer(harness.kafka.bootstrapServers())) {
            for (int i = 0; i < perPartition; i++) {
                for (int p = 0; p < partitions; p++) {
                    String json = "{\"kind\":\"" + (i % 2 == 0 ? "order" : "refund") + "\",\"batch\":\"" + batch
                            + "\",\"n\":" + i + "}";
                    producer.send(topic, p, null, null, json.getBytes(StandardCharsets.UTF_8));
                }
            }
            producer.flushInto(produced);
        }
        return produced;
    }

    /** The records of {@code produced} at even (order) or odd (refund) positions of each partition. */
    private static Produced every(Produced produced, int parity) {
        Produced subset = new Produced();
        produced.offsetsByPartition.forEach((tp, offsets) -> {
            List<Long> kept = new ArrayList<>();
            for (int i = parity; i < offsets.size(); i += 2) {
                kept.add(offsets.get(i));
            }
            subset.offsetsByPartition.put(tp, kept);
        });
        return subset;
    }

    @Test
    void changingFiltersThroughASavepointLosesNothingAndReadsNothingTwice(@TempDir Path savepoints)
            throws Exception {
        String topic = EsmHarness.uniqueTopic("refilter");
        harness.kafka.createTopic(topic, 2);
        RecordingFunction function = new RecordingFunction();
        harness.functions.register("refilter", function);
        Produced first = produceKinds(topic, 2, 200, "first");
        Produced firstOrders = every(first, 0);

        EventSourceMapping orders = harness.mapping(EsmHarness.mappingJson("refilter", "TRIM_HORIZON", 10, 0,
                kindFilter("order"), topic));
        JobClient job = harness.start(orders, harness.fastOptions());
        String savepoint;
        try {
            Await.until(Duration.ofSeconds(60), () -> function.delivered().size() >= firstOrders.count(),
                    () -> "delivered " + function.delivered().size() + " of " + firstOrders.count());
            // Everything read: the savepoint's position is the end of the first batch in every partition.
            Await.until(Duration.ofSeconds(30),
                    () -> harness.committedOffsets(orders.consumerGroupId()).equals(EsmHarness.endOffsets(first)),
                    () -> "committed " + harness.committedOffsets(orders.consumerGroupId()));
            savepoint = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get();
        } catch (Exception e) {
            EsmHarness.cancel(job);
            throw e;
        }
        List<RecordingFunction.Delivered> beforeUpgrade = List.copyOf(function.delivered());
        DeliveryCheck.of(firstOrders, beforeUpgrade).assertExactlyOnceInOrder();

        Produced second = produceKinds(topic, 2, 200, "second");
        EventSourceMapping refunds = harness.mapping(EsmHarness.mappingJson("refilter", "TRIM_HORIZON", 10, 0,
                kindFilter("refund"), topic));
        assertThat(refunds.uuid()).isEqualTo(orders.uuid());
        JobClient upgraded = harness.startFromSavepoint(refunds, harness.fastOptions(), savepoint);
        Produced secondRefunds = every(second, 1);
        Map<String, Long> end = EsmHarness.endOffsets(second);
        try {
            Await.until(Duration.ofSeconds(60),
                    () -> function.delivered().size() >= beforeUpgrade.size() + secondRefunds.count(),
                    () -> "delivered after the upgrade " + (function.delivered().size() - beforeUpgrade.size())
                            + " of " + secondRefunds.count());
            Await.until(Duration.ofSeconds(30), () -> harness.committedOffsets(refunds.consumerGroupId()).equals(end),
                    () -> "committed " + harness.committedOffsets(refunds.consumerGroupId()) + ", end " + end);
        } finally {
            EsmHarness.cancel(upgraded);
        }
        // The new filter applies from the savepoint on: the first batch's refunds (which it would pass) are not
        // read again, and every refund of the second batch arrives once, in order.
        List<RecordingFunction.Delivered> afterUpgrade =
                function.delivered().subList(beforeUpgrade.size(), function.delivered().size());
        DeliveryCheck.of(secondRefunds, afterUpgrade).assertExactlyOnceInOrder();
    }
}
