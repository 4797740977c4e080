package dev.flinkesm.local.it;

import dev.flinkesm.config.EventSourceMapping;
import dev.flinkesm.config.MappingParser;
import dev.flinkesm.local.kafka.EmbeddedKafka;
import dev.flinkesm.local.lambda.FunctionHost;
import dev.flinkesm.delivery.DeliveryReport;
import dev.flinkesm.pipeline.EsmPipeline;
import dev.flinkesm.pipeline.JobOptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Real parts for end-to-end tests: a KRaft broker and a Lambda-API function host, started once per test class on
 * free ports and stopped after it; jobs run on the class's MiniCluster with the real SDK client.
 */
final class EsmHarness implements AutoCloseable {
    static {
        // The AWS SDK's default chains, pointed at nothing real: the function host ignores signatures.
        System.setProperty("aws.region", "us-east-1");
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
    }

    final EmbeddedKafka kafka;
    final FunctionHost functions;

    EsmHarness() throws Exception {
        kafka = EmbeddedKafka.start();
        functions = FunctionHost.start(0);
    }

    /** Real parts around a broker the caller started (e.g. one with security on); {@link #close()} stops it. */
    EsmHarness(EmbeddedKafka kafka) throws Exception {
        this.kafka = kafka;
        functions = FunctionHost.start(0);
    }

    /**
     * Starts the job with a restart strategy that never gives up: a job that still ends FAILED stopped itself
     * without restarts (a restart loop would keep it RESTARTING).
     */
    JobClient startRestartingForever(EventSourceMapping mapping, JobOptions options) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, Integer.MAX_VALUE);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        EsmPipeline.deliveries(env, mapping, options).sinkTo(new DiscardingSink<>());
        return env.executeAsync("esm-it " + mapping.uuid());
    }

    /**
     * One TaskManager with 4 slots: room for a parallelism-2 job plus a restarting one. The REST API's metric store
     * refreshes every second (Flink's default is 10 s): tests read metrics of jobs only seconds old.
     */
    static MiniClusterExtension miniCluster() {
        Configuration conf = new Configuration();
        conf.set(org.apache.flink.configuration.MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofSeconds(1));
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setConfiguration(conf)
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(4)
                .build());
    }

    /**
     * A self-managed mapping of {@code topics} on the test broker ({@code ${bootstrap}} is filled in by
     * {@link #mapping}); {@code extra} is appended JSON members, e.g. {@code ,"MaximumRetryAttempts":2}.
     */
    static String mappingJson(String function, String startingPosition, int batchSize, int windowSeconds, String extra,
            String... topics) {
        return "{\"FunctionName\":\"" + function + "\",\"Topics\":[\"" + String.join("\",\"", topics) + "\"],"
                + "\"StartingPosition\":\"" + startingPosition + "\","
                + "\"SelfManagedEventSource\":{\"Endpoints\":{\"KAFKA_BOOTSTRAP_SERVERS\":[\"${bootstrap}\"]}},"
                + "\"BatchSize\":" + batchSize + ",\"MaximumBatchingWindowInSeconds\":" + windowSeconds + extra + "}";
    }

    /** A topic name no other test uses. */
    static String uniqueTopic(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    EventSourceMapping mapping(String json) {
        return MappingParser.parse(json.replace("${bootstrap}", kafka.bootstrapServers()));
    }

    JobOptions fastOptions() {
        return new JobOptions()
                .lambdaEndpoint(functions.endpoint().toString())
                .checkpointInterval(Duration.ofMillis(300))
                .backoff(Duration.ofMillis(100), Duration.ofMillis(500))
                .invokeTimeout(Duration.ofSeconds(30))
                .parallelism(2);
    }

    static StreamExecutionEnvironment environment() {
        return environment(null);
    }

    /** An environment on the test's MiniCluster; with {@code savepoint}, the job restores from it. */
    static StreamExecutionEnvironment environment(String savepoint) {
        Configuration conf = new Configuration();
        if (savepoint != null) {
            conf.set(org.apache.flink.configuration.StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 10);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        return StreamExecutionEnvironment.getExecutionEnvironment(conf);
    }

    JobClient start(EventSourceMapping mapping, JobOptions options) throws Exception {
        return start(mapping, options, Function.identity());
    }

    /** Starts the job; {@code extra} may add operators after the delivering source (e.g. to induce a failure). */
    JobClient start(EventSourceMapping mapping, JobOptions options,
            Function<DataStream<DeliveryReport>, DataStream<DeliveryReport>> extra) throws Exception {
        return start(mapping, options, extra, null);
    }

    /** Starts the job from a savepoint, the way an upgrade does. */
    JobClient startFromSavepoint(EventSourceMapping mapping, JobOptions options, String savepoint) throws Exception {
        return start(mapping, options, Function.identity(), savepoint);
    }

    private JobClient start(EventSourceMapping mapping, JobOptions options,
            Function<DataStream<DeliveryReport>, DataStream<DeliveryReport>> extra, String savepoint)
            throws Exception {
        StreamExecutionEnvironment env = environment(savepoint);
        extra.apply(EsmPipeline.deliveries(env, mapping, options)).sinkTo(new DiscardingSink<>());
        return env.executeAsync("esm-it " + mapping.uuid());
    }

    static void cancel(JobClient job) throws Exception {
        try {
            job.cancel().get();
        } catch (ExecutionException e) {
            // already finished or failed: nothing to cancel
        }
        Await.until(Duration.ofSeconds(30), () -> terminal(job), () -> "job did not stop");
    }

    static boolean terminal(JobClient job) {
        try {
            JobStatus status = job.getJobStatus().get();
            return status.isGloballyTerminalState();
        } catch (Exception e) {
            return true; // the MiniCluster no longer knows it
        }
    }

    /** A one-partition topic whose messages may reach 16 MB (the broker's default limit is 1 MB). */
    void createTopicAllowingLargeMessages(String topic) throws Exception {
        try (Admin admin = kafka.admin()) {
            admin.createTopics(java.util.List.of(new org.apache.kafka.clients.admin.NewTopic(topic, 1, (short) 1)
                    .configs(Map.of("max.message.bytes", String.valueOf(16 * 1024 * 1024))))).all().get();
        }
        kafka.createTopic(topic, 1); // waits for the leader
    }

    Map<String, Long> committedOffsets(String groupId) {
        Map<String, Long> result = new HashMap<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
            offsets.forEach((tp, om) -> {
                if (om != null) {
                    result.put(tp.topic() + "-" + tp.partition(), om.offset());
                }
            });
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return result;
    }

    /** The offsets a consumer group should hold once all of {@code produced} is delivered. */
    static Map<String, Long> endOffsets(Produced produced) {
        Map<String, Long> end = new HashMap<>();
        produced.offsetsByPartition.forEach((tp, offsets) -> end.put(tp, offsets.get(offsets.size() - 1) + 1));
        return end;
    }

    @Override
    public void close() throws Exception {
        try {
            functions.close();
        } finally {
            kafka.close();
        }
    }
}
