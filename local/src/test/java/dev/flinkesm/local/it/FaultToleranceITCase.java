package dev.flinkesm.local.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkesm.config.EventSourceMapping;
import dev.flinkesm.local.FlinkRest;
import dev.flinkesm.local.lambda.Invocation;
import dev.flinkesm.local.lambda.functions.RecordingFunction;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proof under faults: the function down, throttling or erroring for a while; a task failure while a partition
 * retries; a savepoint upgrade that changes batching; a broker restart; a cancel and a fresh start; a partition
 * stalled for long. Each test checks every produced offset against what the function received.
 *
 * <p>Fault durations are shortened for CI; {@code -Desm.it.faultSeconds=30} runs them at full length.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultToleranceITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = EsmHarness.miniCluster();

    private static final int FAULT_SECONDS = Integer.getInteger("esm.it.faultSeconds", 4);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static EsmHarness harness;

    @BeforeAll
    static void startRealParts() throws Exception {
        harness = new EsmHarness();
    }

    @AfterAll
    static void stopRealParts() throws Exception {
        harness.close();
    }

    private static String mappingJson(String function, String topic, int batchSize, int window) {
        return EsmHarness.mappingJson(function, "TRIM_HORIZON", batchSize, window, "", topic);
    }

    private static void awaitAll(RecordingFunction function, Produced produced, int seconds) throws Exception {
        Await.until(Duration.ofSeconds(seconds),
                () -> DeliveryCheck.of(produced, function.delivered()).missing.isEmpty(),
                () -> DeliveryCheck.of(produced, function.delivered()).toString());
    }

    /** Records of partition {@code p} of {@code topic} from {@code fromOffset} on: matches a request body. */
    private static Predicate<byte[]> partitionFrom(String topic, int p, long fromOffset) {
        return body -> {
            try {
                JsonNode records = JSON.readTree(body).get("records").get(topic + "-" + p);
                return records != null && records.get(0).get("offset").asLong() >= fromOffset;
            } catch (Exception e) {
                return false;
            }
        };
    }

    private enum Outage { CONNECTION_REFUSED, THROTTLED, ERRORING }

    private void survives(Outage outage, ClusterClient<?> cluster) throws Exception {
        FlinkRest rest = new FlinkRest(cluster.getWebInterfaceURL());
        String name = "outage-" + outage.name().toLowerCase().replace('_', '-');
        String topic = EsmHarness.uniqueTopic(name);
        harness.kafka.createTopic(topic, 4);
        RecordingFunction function = new RecordingFunction();
        harness.functions.register(name, function);
        Produced produced = new Produced();
        EventSourceMapping m = harness.mapping(mappingJson(name, topic, 20, 0));
        JobClient job = harness.start(m, harness.fastOptions());
        try (Produced.Producer producer = Produced.producer(harness.kafka.bootstrapServers())) {
            producer.fill(topic, 4, 100).flushInto(produced);
            Await.until(Duration.ofSeconds(30), () -> function.delivered().size() >= 400, () -> "first half");
            switch (outage) {
                case CONNECTION_REFUSED:
                    harness.functions.goDown();
                    break;
                case THROTTLED:
                    harness.functions.faults(name).throttleNext(Integer.MAX_VALUE);
                    break;
                default:
                    harness.functions.faults(name).failNext(Integer.MAX_VALUE);
            }
            producer.fill(topic, 4, 100).flushInto(produced);
            Thread.sleep(FAULT_SECONDS * 1000L);
            assertThat(function.delivered()).as("nothing reaches the function during the outage").hasSize(400);
            Await.until(Duration.ofSeconds(30), () -> rest.sourceMetric(job.getJobID(), "RetryCount") > 0,
                    () -> "the outage made no invocation fail: RetryCount "
                            + rest.sourceMetric(job.getJobID(), "RetryCount"));
            harness.functions.faults(name).clear();
            harness.functions.comeUp();
            awaitAll(function, produced, 60);
        } finally {
            harness.functions.comeUp();
            EsmHarness.cancel(job);
        }
        DeliveryCheck check = DeliveryCheck.of(produced, function.delivered()).assertDelivered();
        System.out.println(outage + " for " + FAULT_SECONDS + " s: " + check);
        if (outage != Outage.CONNECTION_REFUSED) {
            // Throttles and function errors are answered before the function runs: nothing can be duplicated.
            check.assertExactlyOnceInOrder();
        }
    }

    @Test
    void theFunctionUnreachableForAWhileLosesNothing(@InjectClusterClient ClusterClient<?> cluster) throws Exception {
        survives(Outage.CONNECTION_REFUSED, cluster);
    }

    @Test
    void throttlingForAWhileLosesNothing(@InjectClusterClient ClusterClient<?> cluster) throws Exception {
        survives(Outage.THROTTLED, cluster);
    }

    @Test
    void aFunctionErroringForAWhileLosesNothing(@InjectClusterClient ClusterClient<?> cluster) throws Exception {
        survives(Outage.ERRORING, cluster);
    }

    @Test
    void aTaskFailureWhileAPartitionRetriesResumesFromTheCheckpoint(@InjectClusterClient ClusterClient<?> cluster)
            throws Exception {
        FlinkRest rest = new FlinkRest(cluster.getWebInterfaceURL());
        String topic = EsmHarness.uniqueTopic("retrying-crash");
        harness.kafka.createTopic(topic, 4);
        RecordingFunction function = new RecordingFunction();
        harness.functions.register("retrying-crash", function);
        harness.functions.faults("retrying-crash").failWhen(partitionFrom(topic, 0, 50));
        Produced produced = new Produced();
        try (Produced.Producer producer = Produced.producer(harness.kafka.bootstrapServers())) {
            producer.fill(topic, 4, 300).flushInto(produced);
        }
        EventSourceMapping m = harness.mapping(mappingJson("retrying-crash", topic, 10, 0));

        JobClient job = harness.start(m, harness.fastOptions(), r -> r.map(new DeliveryITCase.FailOnce(topic, 60)));
        try {
            Await.until(Duration.ofSeconds(60), () -> DeliveryITCase.FailOnce.thrown(topic) == 1
                            && function.offsetsByPartition().getOrDefault(topic + "-3", List.of()).size() >= 300,
                    () -> "failures=" + DeliveryITCase.FailOnce.thrown(topic) + " "
                            + DeliveryCheck.of(produced, function.delivered()));
            Await.until(Duration.ofSeconds(30), () -> rest.restarts(job.getJobID()) == 1,
                    () -> "restarts " + rest.restarts(job.getJobID()));
            assertThat(function.offsetsByPartition().get(topic + "-0")).as("partition 0 is stuck at offset 50")
                    .allSatisfy(offset -> assertThat(offset).isLessThan(50));
            harness.functions.faults("retrying-crash").clear();
            awaitAll(function, produced, 60);
        } finally {
            EsmHarness.cancel(job);
        }
        DeliveryCheck check = DeliveryCheck.of(produced, function.delivered()).assertDelivered();
        System.out.println("task failure while retrying: " + check);
        assertThat(check.maxRewindsPerPartition()).as("one restore rewinds each partition at most once").isLessThanOrEqualTo(1);
    }

    @Test
    void aSavepointUpgradeWithNewBatchSettingsLosesNothing(@TempDir Path savepoints,
            @InjectClusterClient ClusterClient<?> cluster) throws Exception {
        FlinkRest rest = new FlinkRest(cluster.getWebInterfaceURL());
        String topic = EsmHarness.uniqueTopic("upgrade");
        harness.kafka.createTopic(topic, 4);
        RecordingFunction function = new RecordingFunction();
        harness.functions.register("upgrade", function);
        harness.functions.faults("upgrade").latency(Duration.ofMillis(30));
        Produced produced = new Produced();
        try (Produced.Producer producer = Produced.producer(harness.kafka.bootstrapServers())) {
            producer.fill(topic, 4, 500).flushInto(produced);
        }
        EventSourceMapping before = harness.mapping(mappingJson("upgrade", topic, 10, 0));
        JobClient job = harness.start(before, harness.fastOptions());
        Await.until(Duration.ofSeconds(30), () -> function.delivered().size() >= 300, () -> "some delivered");
        String savepoint = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                .get();
        int deliveredBefore = harness.functions.invocations("upgrade").size();

        EventSourceMapping after = harness.mapping(mappingJson("upgrade", topic, 50, 1));
        assertThat(after.uuid()).isEqualTo(before.uuid());
        harness.functions.faults("upgrade").latency(Duration.ZERO);
        JobClient upgraded = harness.startFromSavepoint(after, harness.fastOptions(), savepoint);
        try {
            awaitAll(function, produced, 60);
            assertThat(rest.restores(upgraded.getJobID())).as("the upgraded job restored the savepoint").isEqualTo(1);
        } finally {
            EsmHarness.cancel(upgraded);
        }
        DeliveryCheck check = DeliveryCheck.of(produced, function.delivered()).assertDelivered();
        System.out.println("savepoint upgrade: " + check);
        assertThat(check.maxRewindsPerPartition()).isLessThanOrEqualTo(1);
        List<Invocation> all = harness.functions.invocations("upgrade");
        assertThat(all.subList(0, deliveredBefore)).allSatisfy(i -> assertThat(JsonNodes.recordCount(i.body())).isLessThanOrEqualTo(10));
        List<Invocation> upgradedInvocations = all.subList(deliveredBefore, all.size());
        assertThat(upgradedInvocations).allSatisfy(i -> assertThat(JsonNodes.recordCount(i.body())).isLessThanOrEqualTo(50));
        assertThat(upgradedInvocations).anySatisfy(i -> assertThat(JsonNodes.recordCount(i.body())).isGreaterThan(10));
    }

    @Test
    @Order(Integer.MAX_VALUE) // last: an in-process broker restart confuses idempotent producers created right after
    void aBrokerRestartMidStreamLosesNothing() throws Exception {
        String topic = EsmHarness.uniqueTopic("broker-restart");
        harness.kafka.createTopic(topic, 4);
        RecordingFunction function = new RecordingFunction();
        harness.functions.register("broker-restart", function);
        Produced produced = new Produced();
        EventSourceMapping m = harness.mapping(mappingJson("broker-restart", topic, 20, 0));
        JobClient job = harness.start(m, harness.fastOptions());
        try {
            try (Produced.Producer producer = Produced.producer(harness.kafka.bootstrapServers())) {
                producer.fill(topic, 4, 200).flushInto(produced);
            }
            Await.until(Duration.ofSeconds(30), () -> function.delivered().size() >= 400, () -> "some delivered");
            harness.kafka.stop();
            assertThatThrownBy(() -> new Socket("127.0.0.1", harness.kafka.port()).close())
                    .as("the broker is down").isInstanceOf(ConnectException.class);
            Thread.sleep(FAULT_SECONDS * 1000L);
            harness.kafka.startAgain();
            try (Produced.Producer producer = Produced.producer(harness.kafka.bootstrapServers())) {
                producer.fill(topic, 4, 200).flushInto(produced);
            }
            awaitAll(function, produced, 90);
            Await.until(Duration.ofSeconds(30),
                    () -> harness.committedOffsets(m.consumerGroupId()).equals(EsmHarness.endOffsets(produced)),
                    () -> "committed " + harness.committedOffsets(m.consumerGroupId()));
        } finally {
            EsmHarness.cancel(job);
        }
        DeliveryCheck check = DeliveryCheck.of(produced, function.delivered()).assertDelivered();
        System.out.println("broker restart: " + check);
        assertThat(check.maxRewindsPerPartition()).isLessThanOrEqualTo(1);
    }

    @Test
    void committedOffsetsNeverPassAStuckBatchAndAFreshStartResumesFromThem() throws Exception {
        String topic = EsmHarness.uniqueTopic("stuck");
        harness.kafka.createTopic(topic, 2);
        RecordingFunction function = new RecordingFunction();
        harness.functions.register("stuck", function);
        harness.functions.faults("stuck").failWhen(partitionFrom(topic, 0, 100));
        Produced produced = new Produced();
        try (Produced.Producer producer = Produced.producer(harness.kafka.bootstrapServers())) {
            producer.fill(topic, 2, 300).flushInto(produced);
        }
        EventSourceMapping m = harness.mapping(mappingJson("stuck", topic, 10, 0));
        JobClient job = harness.start(m, harness.fastOptions());
        try {
            Await.until(Duration.ofSeconds(30),
                    () -> harness.committedOffsets(m.consumerGroupId()).getOrDefault(topic + "-1", 0L) == 300L,
                    () -> "committed " + harness.committedOffsets(m.consumerGroupId()));
            for (int sample = 0; sample < 10; sample++) {
                long delivered = function.offsetsByPartition().get(topic + "-0").stream()
                        .mapToLong(Long::longValue).max().orElse(-1) + 1;
                long committed = harness.committedOffsets(m.consumerGroupId()).getOrDefault(topic + "-0", 0L);
                assertThat(committed).as("committed offset of the stuck partition").isLessThanOrEqualTo(delivered);
                assertThat(delivered).isEqualTo(100);
                Thread.sleep(300);
            }
        } finally {
            EsmHarness.cancel(job);
        }
        assertThat(harness.committedOffsets(m.consumerGroupId())).containsEntry(topic + "-0", 100L);

        harness.functions.faults("stuck").clear();
        JobClient restarted = harness.start(m, harness.fastOptions()); // no savepoint: the group's offsets
        try {
            awaitAll(function, produced, 60);
        } finally {
            EsmHarness.cancel(restarted);
        }
        DeliveryCheck.of(produced, function.delivered()).assertExactlyOnceInOrder();
    }

    @Test
    void aLongStalledPartitionStaysCheapAndTheOthersKeepFlowing(@InjectClusterClient ClusterClient<?> cluster)
            throws Exception {
        String topic = EsmHarness.uniqueTopic("stall");
        harness.kafka.createTopic(topic, 4);
        RecordingFunction function = new RecordingFunction();
        harness.functions.register("stall", function);
        harness.functions.faults("stall").failWhen(partitionFrom(topic, 0, 0));
        Produced produced = new Produced();
        EventSourceMapping m = harness.mapping(mappingJson("stall", topic, 10, 0));
        JobClient job = harness.start(m, harness.fastOptions().parallelism(1));
        FlinkRest rest = new FlinkRest(cluster.getWebInterfaceURL());
        long maxBuffered = 0;
        long maxCheckpointBytes = 0;
        try {
            try (Produced.Producer producer = Produced.producer(harness.kafka.bootstrapServers())) {
                // 20,000 records into the stalled partition: 100 x its buffer (one batch in flight, one waiting).
                for (int i = 0; i < 20_000; i++) {
                    producer.send(topic, 0, null, ("k" + i).getBytes(), ("stalled " + i).getBytes());
                }
                producer.fill(topic, 4, 0).flushInto(produced);
                for (int i = 0; i < 500; i++) {
                    for (int p = 1; p < 4; p++) {
                        producer.send(topic, p, null, ("k" + i).getBytes(), ("flowing " + i).getBytes());
                    }
                }
                producer.flushInto(produced);
            }
            Await.until(Duration.ofSeconds(60), () -> function.delivered().size() >= 1500,
                    () -> "others delivered " + function.delivered().size() + " of 1500");
            assertThat(function.offsetsByPartition()).doesNotContainKey(topic + "-0");
            long checkpointsBefore = rest.completedCheckpoints(job.getJobID());
            for (int sample = 0; sample < 10; sample++) {
                maxBuffered = Math.max(maxBuffered, rest.sourceMetric(job.getJobID(), "BufferedRecords"));
                maxCheckpointBytes = Math.max(maxCheckpointBytes, rest.latestCheckpointBytes(job.getJobID()));
                Thread.sleep(400);
            }
            assertThat(rest.completedCheckpoints(job.getJobID()))
                    .as("checkpoints keep completing while a partition is stalled").isGreaterThan(checkpointsBefore + 3);
            // The REST API's metric store lags the job by up to its refresh interval: wait for the stalled one.
            Await.until(Duration.ofSeconds(15), () -> rest.sourceMetric(job.getJobID(), "StalledPartitions") == 1,
                    () -> "StalledPartitions " + rest.sourceMetric(job.getJobID(), "StalledPartitions"));
            harness.functions.faults("stall").clear();
            awaitAll(function, produced, 90);
        } finally {
            EsmHarness.cancel(job);
        }
        System.out.println("stalled partition: max buffered records " + maxBuffered + ", max checkpoint "
                + maxCheckpointBytes + " bytes");
        assertThat(maxBuffered).as("records held for the stalled partition").isBetween(10L, 3_000L);
        assertThat(maxCheckpointBytes).as("checkpoint size while stalled").isBetween(1L, 64L * 1024);
        DeliveryCheck.of(produced, function.delivered()).assertExactlyOnceInOrder();
    }

}
