package dev.flinkesm.local.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkesm.batch.BatchLimits;
import dev.flinkesm.config.EventSourceMapping;
import dev.flinkesm.local.FlinkRest;
import dev.flinkesm.local.lambda.FunctionHost;
import dev.flinkesm.local.lambda.Invocation;
import dev.flinkesm.local.lambda.functions.RecordingFunction;
import dev.flinkesm.pipeline.JobOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * End to end on real parts: a KRaft broker, the job on a MiniCluster, the real AWS SDK client invoking a local
 * Lambda-API host. Every test checks each produced offset against what the function received.
 */
class DeliveryITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = EsmHarness.miniCluster();

    private static EsmHarness harness;

    @BeforeAll
    static void startRealParts() throws Exception {
        harness = new EsmHarness();
    }

    @AfterAll
    static void stopRealParts() throws Exception {
        harness.close();
    }

    private static String mappingJson(String function, String startingPosition, int batchSize, int windowSeconds,
            String... topics) {
        return EsmHarness.mappingJson(function, startingPosition, batchSize, windowSeconds, "", topics);
    }

    private static RecordingFunction register(String name) {
        RecordingFunction function = new RecordingFunction();
        harness.functions.register(name, function);
        return function;
    }

    @Test
    void everyRecordOfSeveralTopicsAndPartitionsArrivesOnceInOrderAndIsCommitted() throws Exception {
        String a = EsmHarness.uniqueTopic("orders");
        String b = EsmHarness.uniqueTopic("payments");
        harness.kafka.createTopic(a, 4);
        harness.kafka.createTopic(b, 2);
        RecordingFunction function = register("all-records");
        Produced produced = new Produced();
        try (Produced.Producer producer = Produced.producer(harness.kafka.bootstrapServers())) {
            producer.fill(a, 4, 300).fill(b, 2, 300).flushInto(produced);
        }
        EventSourceMapping mapping = harness.mapping(mappingJson("all-records", "TRIM_HORIZON", 50, 1, a, b));

        JobClient job = harness.start(mapping, harness.fastOptions());
        try {
            Await.until(Duration.ofSeconds(60), () -> function.delivered().size() >= produced.count(),
                    () -> "delivered " + function.delivered().size() + " of " + produced.count());
            Await.until(Duration.ofSeconds(30),
                    () -> harness.committedOffsets(mapping.consumerGroupId()).equals(EsmHarness.endOffsets(produced)),
                    () -> "committed " + harness.committedOffsets(mapping.consumerGroupId()));
        } finally {
            EsmHarness.cancel(job);
        }

        DeliveryCheck.of(produced, function.delivered()).assertExactlyOnceInOrder();
        for (Invocation invocation : harness.functions.invocations("all-records")) {
            assertThat(JsonNodes.recordCount(invocation.body())).isBetween(1, 50);
            assertThat(invocation.body().length).isLessThanOrEqualTo(BatchLimits.MAX_REQUEST_BYTES);
        }
    }

    @Test
    void batchesNeverExceedSixMegabytesAndArePackedCloseToIt() throws Exception {
        String topic = EsmHarness.uniqueTopic("large");
        harness.kafka.createTopic(topic, 1);
        RecordingFunction function = register("large-records");
        byte[] value = new byte[900_000];
        Arrays.fill(value, (byte) 'x');
        Produced produced = new Produced();
        try (Produced.Producer producer = Produced.producer(harness.kafka.bootstrapServers())) {
            for (int i = 0; i < 20; i++) {
                producer.send(topic, 0, null, null, value);
            }
            producer.flushInto(produced);
        }
        EventSourceMapping mapping = harness.mapping(mappingJson("large-records", "TRIM_HORIZON", 100, 1, topic));

        JobClient job = harness.start(mapping, harness.fastOptions());
        try {
            Await.until(Duration.ofSeconds(60), () -> function.delivered().size() >= produced.count(),
                    () -> "delivered " + function.delivered().size() + " of " + produced.count());
        } finally {
            EsmHarness.cancel(job);
        }

        DeliveryCheck.of(produced, function.delivered()).assertExactlyOnceInOrder();
        List<Invocation> invocations = harness.functions.invocations("large-records");
        // 900 kB base64-encodes to 1.2 MB: five fit under 6,291,456 bytes, a sixth does not.
        assertThat(invocations).hasSize(4);
        for (Invocation invocation : invocations) {
            assertThat(invocation.body().length).isLessThanOrEqualTo(BatchLimits.MAX_REQUEST_BYTES);
            assertThat(JsonNodes.recordCount(invocation.body())).isEqualTo(5);
        }
    }

    @Test
    void aBatchThatFailsTwiceIsSentThreeTimesWhileOtherPartitionsKeepFlowing() throws Exception {
        String topic = EsmHarness.uniqueTopic("flaky");
        harness.kafka.createTopic(topic, 3);
        RecordingFunction function = register("flaky");
        AtomicInteger failures = new AtomicInteger();
        String failingKey = "\"" + topic + "-1\"";
        harness.functions.faults("flaky").failWhen(body ->
                new String(body, StandardCharsets.UTF_8).contains(failingKey) && failures.getAndIncrement() < 2);
        Produced produced = new Produced();
        try (Produced.Producer producer = Produced.producer(harness.kafka.bootstrapServers())) {
            producer.fill(topic, 3, 200).flushInto(produced);
        }
        EventSourceMapping mapping = harness.mapping(mappingJson("flaky", "TRIM_HORIZON", 20, 0, topic));

        JobClient job = harness.start(mapping,
                harness.fastOptions().backoff(Duration.ofMillis(800), Duration.ofMillis(1000)));
        try {
            Await.until(Duration.ofSeconds(60), () -> function.delivered().size() >= produced.count(),
                    () -> "delivered " + function.delivered().size() + " of " + produced.count());
        } finally {
            EsmHarness.cancel(job);
        }

        DeliveryCheck.of(produced, function.delivered()).assertExactlyOnceInOrder();
        List<Invocation> all = harness.functions.invocations("flaky");
        List<Invocation> partitionOne = new ArrayList<>();
        for (Invocation invocation : all) {
            if (new String(invocation.body(), StandardCharsets.UTF_8).contains(failingKey)) {
                partitionOne.add(invocation);
            }
        }
        Invocation first = partitionOne.get(0);
        Invocation third = partitionOne.get(2);
        assertThat(first.functionError()).isNotNull();
        assertThat(partitionOne.get(1).functionError()).isNotNull();
        assertThat(third.functionError()).isNull();
        assertThat(partitionOne.get(1).body()).isEqualTo(first.body());
        assertThat(third.body()).isEqualTo(first.body());
        long othersDuringRetries = all.stream()
                .filter(i -> !partitionOne.contains(i))
                .filter(i -> i.arrivalNanos() > first.arrivalNanos() && i.arrivalNanos() < third.arrivalNanos())
                .filter(i -> i.functionError() == null)
                .count();
        assertThat(othersDuringRetries).as("invocations of other partitions while partition 1 retried")
                .isGreaterThan(0);
    }

    @Test
    void aTaskFailureMidStreamLosesNothing(@InjectClusterClient ClusterClient<?> cluster) throws Exception {
        String topic = EsmHarness.uniqueTopic("crash");
        harness.kafka.createTopic(topic, 4);
        RecordingFunction function = register("crash");
        Produced produced = new Produced();
        try (Produced.Producer producer = Produced.producer(harness.kafka.bootstrapServers())) {
            producer.fill(topic, 4, 500).flushInto(produced);
        }
        EventSourceMapping mapping = harness.mapping(mappingJson("crash", "TRIM_HORIZON", 10, 0, topic));
        harness.functions.faults("crash").latency(Duration.ofMillis(5));
        FlinkRest rest = new FlinkRest(cluster.getWebInterfaceURL());

        JobClient job = harness.start(mapping, harness.fastOptions(), reports -> reports.map(new FailOnce(topic, 30)));
        try {
            Await.until(Duration.ofSeconds(90), () -> FailOnce.thrown(topic) == 1
                            && DeliveryCheck.of(produced, function.delivered()).missing.isEmpty(),
                    () -> "failures=" + FailOnce.thrown(topic) + " " + DeliveryCheck.of(produced, function.delivered()));
            // The fault happened: the job restarted once (the REST metric store refreshes within seconds).
            Await.until(Duration.ofSeconds(30), () -> rest.restarts(job.getJobID()) == 1,
                    () -> "restarts " + rest.restarts(job.getJobID()));
        } finally {
            EsmHarness.cancel(job);
        }

        DeliveryCheck check = DeliveryCheck.of(produced, function.delivered()).assertDelivered();
        System.out.println("task failure mid-stream: " + check);
        assertThat(check.maxRewindsPerPartition()).as("one restore rewinds each partition at most once")
                .isLessThanOrEqualTo(1);
    }

    @Test
    void latestSkipsRecordsThatExistedBeforeTheStart() throws Exception {
        String topic = EsmHarness.uniqueTopic("latest");
        harness.kafka.createTopic(topic, 2);
        RecordingFunction function = register("latest");
        try (Produced.Producer producer = Produced.producer(harness.kafka.bootstrapServers())) {
            producer.fill(topic, 2, 50).flushInto(new Produced());
        }
        EventSourceMapping mapping = harness.mapping(mappingJson("latest", "LATEST", 10, 0, topic));

        JobClient job = harness.start(mapping, harness.fastOptions());
        Produced produced = new Produced();
        try {
            // The group's first commit shows the starting offsets are fixed; produce only after that.
            Await.until(Duration.ofSeconds(30),
                    () -> harness.committedOffsets(mapping.consumerGroupId()).size() == 2,
                    () -> "no starting offsets committed yet");
            try (Produced.Producer producer = Produced.producer(harness.kafka.bootstrapServers())) {
                producer.fill(topic, 2, 30).flushInto(produced);
            }
            Await.until(Duration.ofSeconds(30), () -> function.delivered().size() >= produced.count(),
                    () -> "delivered " + function.delivered().size() + " of " + produced.count());
        } finally {
            EsmHarness.cancel(job);
        }

        assertThat(produced.offsetsByPartition.values()).allSatisfy(offsets -> assertThat(offsets.get(0)).isEqualTo(50L));
        DeliveryCheck.of(produced, function.delivered()).assertExactlyOnceInOrder();
    }

    @Test
    void latestIsResolvedOnceSoAResubmissionBeforeTheFirstCheckpointSkipsNothing() throws Exception {
        String topic = EsmHarness.uniqueTopic("latest-once");
        harness.kafka.createTopic(topic, 2);
        RecordingFunction function = register("latest-once");
        try (Produced.Producer producer = Produced.producer(harness.kafka.bootstrapServers())) {
            producer.fill(topic, 2, 40).flushInto(new Produced());
        }
        EventSourceMapping mapping = harness.mapping(mappingJson("latest-once", "LATEST", 10, 0, topic));
        JobOptions noCheckpoint = harness.fastOptions().checkpointInterval(Duration.ofMinutes(30));

        JobClient first = harness.start(mapping, noCheckpoint);
        try {
            Await.until(Duration.ofSeconds(30), () -> harness.committedOffsets(mapping.consumerGroupId()).size() == 2,
                    () -> "the start was not committed: " + harness.committedOffsets(mapping.consumerGroupId()));
        } finally {
            EsmHarness.cancel(first); // gone before its first checkpoint, having delivered nothing
        }
        assertThat(function.delivered()).isEmpty();
        Produced produced = new Produced();
        try (Produced.Producer producer = Produced.producer(harness.kafka.bootstrapServers())) {
            producer.fill(topic, 2, 25).flushInto(produced); // produced after the first start
        }

        JobClient again = harness.start(mapping, noCheckpoint); // resubmitted, no savepoint: LATEST resolved again
        try {
            Await.until(Duration.ofSeconds(30), () -> function.delivered().size() >= produced.count(),
                    () -> "delivered " + function.delivered().size() + " of " + produced.count());
        } finally {
            EsmHarness.cancel(again);
        }
        assertThat(produced.offsetsByPartition.values()).allSatisfy(offsets -> assertThat(offsets.get(0)).isEqualTo(40L));
        DeliveryCheck.of(produced, function.delivered()).assertExactlyOnceInOrder();
    }

    @Test
    void atTimestampStartsAtTheFirstRecordAtOrAfterIt() throws Exception {
        String topic = EsmHarness.uniqueTopic("timestamp");
        harness.kafka.createTopic(topic, 1);
        RecordingFunction function = register("timestamp");
        long cut = Instant.now().minusSeconds(600).getEpochSecond();
        Produced produced = new Produced();
        try (Produced.Producer producer = Produced.producer(harness.kafka.bootstrapServers())) {
            for (int i = 0; i < 20; i++) {
                producer.send(topic, 0, (cut - 100) * 1000, null, ("old " + i).getBytes());
            }
            producer.flushInto(new Produced());
            for (int i = 0; i < 20; i++) {
                producer.send(topic, 0, (cut + 1) * 1000, null, ("new " + i).getBytes());
            }
            producer.flushInto(produced);
        }
        String json = mappingJson("timestamp", "AT_TIMESTAMP", 10, 0, topic)
                .replace("\"BatchSize\"", "\"StartingPositionTimestamp\":" + cut + ",\"BatchSize\"");

        JobClient job = harness.start(harness.mapping(json), harness.fastOptions());
        try {
            Await.until(Duration.ofSeconds(30), () -> function.delivered().size() >= produced.count(),
                    () -> "delivered " + function.delivered().size() + " of " + produced.count());
        } finally {
            EsmHarness.cancel(job);
        }

        assertThat(produced.offsetsByPartition.get(topic + "-0").get(0)).isEqualTo(20L);
        DeliveryCheck.of(produced, function.delivered()).assertExactlyOnceInOrder();
    }

    @Test
    void committedOffsetsWinOverTheStartingPositionOnANewStart() throws Exception {
        String topic = EsmHarness.uniqueTopic("resume");
        harness.kafka.createTopic(topic, 2);
        RecordingFunction function = register("resume");
        Produced first = new Produced();
        try (Produced.Producer producer = Produced.producer(harness.kafka.bootstrapServers())) {
            producer.fill(topic, 2, 40).flushInto(first);
        }
        EventSourceMapping mapping = harness.mapping(mappingJson("resume", "TRIM_HORIZON", 10, 0, topic));
        JobClient job = harness.start(mapping, harness.fastOptions());
        try {
            Await.until(Duration.ofSeconds(30),
                    () -> harness.committedOffsets(mapping.consumerGroupId()).equals(EsmHarness.endOffsets(first)),
                    () -> "committed " + harness.committedOffsets(mapping.consumerGroupId()));
        } finally {
            EsmHarness.cancel(job);
        }
        DeliveryCheck.of(first, function.delivered()).assertExactlyOnceInOrder();

        RecordingFunction second = register("resume");
        Produced more = new Produced();
        try (Produced.Producer producer = Produced.producer(harness.kafka.bootstrapServers())) {
            producer.fill(topic, 2, 25).flushInto(more);
        }
        JobClient restarted = harness.start(mapping, harness.fastOptions()); // no savepoint: same group, same UUID
        try {
            Await.until(Duration.ofSeconds(30), () -> second.delivered().size() >= more.count(),
                    () -> "delivered " + second.delivered().size() + " of " + more.count());
        } finally {
            EsmHarness.cancel(restarted);
        }
        DeliveryCheck.of(more, second.delivered()).assertExactlyOnceInOrder();
    }

    @Test
    void aMissingFunctionStopsTheMappingOnceWithFunctionConfigNotValid() throws Exception {
        String topic = EsmHarness.uniqueTopic("nofunction");
        harness.kafka.createTopic(topic, 1);
        try (Produced.Producer producer = Produced.producer(harness.kafka.bootstrapServers())) {
            producer.fill(topic, 1, 5).flushInto(new Produced());
        }
        EventSourceMapping mapping = harness.mapping(mappingJson("no-such-function", "TRIM_HORIZON", 10, 0, topic));

        JobClient job = harness.start(mapping, harness.fastOptions());
        Throwable failure = null;
        try {
            job.getJobExecutionResult().get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            failure = e;
        }

        assertThat(failure).as("the job must fail, not run or restart forever").isNotNull();
        assertThat(org.apache.flink.util.ExceptionUtils.stringifyException(failure))
                .contains("FUNCTION_CONFIG_NOT_VALID: PROBLEM: Function no-such-function cannot be invoked: "
                        + "ResourceNotFoundException (HTTP 404)");
        assertThat(job.getJobStatus().get()).isEqualTo(org.apache.flink.api.common.JobStatus.FAILED);
    }

    /**
     * Throws once per {@code key} (a test's topic), after {@code after} reports: a task failure in the middle of
     * delivery. {@link #thrown} tells a test that its failure happened (the MiniCluster runs tasks in this JVM).
     */
    static final class FailOnce implements org.apache.flink.api.common.functions.MapFunction<
            dev.flinkesm.delivery.DeliveryReport, dev.flinkesm.delivery.DeliveryReport> {
        private static final Map<String, AtomicInteger> THROWN = new ConcurrentHashMap<>();
        private final String key;
        private final int after;
        private int seen;

        FailOnce(String key, int after) {
            this.key = key;
            this.after = after;
            THROWN.put(key, new AtomicInteger());
        }

        static int thrown(String key) {
            AtomicInteger count = THROWN.get(key);
            return count == null ? 0 : count.get();
        }

        @Override
        public dev.flinkesm.delivery.DeliveryReport map(dev.flinkesm.delivery.DeliveryReport report) {
            if (++seen >= after && THROWN.get(key).compareAndSet(0, 1)) {
                throw new IllegalStateException("induced task failure after " + seen + " batches");
            }
            return report;
        }
    }
}
