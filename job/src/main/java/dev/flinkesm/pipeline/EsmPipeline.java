package dev.flinkesm.pipeline;

import dev.flinkesm.aws.AwsClients;
import dev.flinkesm.batch.BatchLimits;
import dev.flinkesm.config.EventSourceMapping;
import dev.flinkesm.failure.Backoff;
import dev.flinkesm.failure.FailurePolicy;
import dev.flinkesm.failure.destination.DestinationContext;
import dev.flinkesm.invoke.LambdaClientFactory;
import dev.flinkesm.payload.EncodedRecord;
import dev.flinkesm.payload.EventSourceKind;
import dev.flinkesm.payload.KafkaEventEncoder;
import dev.flinkesm.source.CommittedOrStartingOffsets;
import dev.flinkesm.source.ConsumerFetchSizes;
import dev.flinkesm.delivery.DeliveryReport;
import dev.flinkesm.source.DeliverySettings;
import dev.flinkesm.source.EsmKafkaSource;
import dev.flinkesm.source.KafkaClientProperties;
import dev.flinkesm.source.MskBootstrapServers;
import dev.flinkesm.source.TopicPartitionCounts;
import dev.flinkesm.source.KafkaRecordEncoding;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds one mapping's pipeline: delivering Kafka source, then a sink for the small per-batch reports. */
public final class EsmPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(EsmPipeline.class);

    /** Stable operator ids: savepoints of one version restore into the next. Never change them. */
    public static final String SOURCE_UID = "esm-kafka-source";
    public static final String REPORTS_UID = "esm-delivery-reports";

    private EsmPipeline() {}

    /** The whole job: delivery, then a sink that discards the reports. */
    public static DataStreamSink<DeliveryReport> build(
            StreamExecutionEnvironment env, EventSourceMapping mapping, JobOptions options) {
        return deliveries(env, mapping, options)
                .sinkTo(new DiscardingSink<>())
                .name("Delivered batches")
                .uid(REPORTS_UID);
    }

    /** The delivering source alone, emitting one report per delivered batch. */
    public static SingleOutputStreamOperator<DeliveryReport> deliveries(
            StreamExecutionEnvironment env, EventSourceMapping mapping, JobOptions options) {
        if (options.parallelism > 0) {
            env.setParallelism(options.parallelism);
        }
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            env.enableCheckpointing(options.checkpointInterval.toMillis());
        }
        AwsClients aws = options.aws();
        Properties kafka = KafkaClientProperties.common(
                mapping, mapping.bootstrapServers().orElse(""), options.kafkaProperties, aws);
        String bootstrapServers = mapping.bootstrapServers().orElseGet(() -> MskBootstrapServers.lookup(
                mapping.eventSourceArn().orElseThrow(), kafka, aws));
        kafka.setProperty("bootstrap.servers", bootstrapServers);
        KafkaEventEncoder encoder = new KafkaEventEncoder(
                mapping.isMsk() ? EventSourceKind.MSK : EventSourceKind.SELF_MANAGED,
                bootstrapServers,
                mapping.eventSourceArn().orElse(null));

        Properties admin = new Properties();
        admin.putAll(kafka);
        admin.setProperty("client.id", "esm-" + mapping.uuid() + "-committer");

        KafkaSourceBuilder<EncodedRecord> kafkaSource = KafkaSource.<EncodedRecord>builder()
                .setBootstrapServers(bootstrapServers)
                .setTopics(mapping.topics())
                .setGroupId(mapping.consumerGroupId())
                .setClientIdPrefix("esm-" + mapping.uuid())
                .setStartingOffsets(CommittedOrStartingOffsets.resolvedOnce(mapping.startingPosition(),
                        mapping.startingPositionTimestamp().orElse(null), mapping.consumerGroupId(), admin))
                .setDeserializer(new KafkaRecordEncoding(encoder, mapping.filterPatterns()))
                .setProperties(kafka)
                // The source's own commit covers records read but not yet delivered: the delivering reader
                // commits instead, only what was delivered.
                .setProperty("commit.offsets.on.checkpoint", "false");
        // The consumer's fetch buffer counts against the reader's memory budget too, split over the partitions one
        // subtask reads (0 if the cluster does not say: then the budget alone).
        int partitionsPerSubtask = options.kafkaProperties.containsKey("max.partition.fetch.bytes") ? 0
                : TopicPartitionCounts.perSubtask(admin, mapping.topics(), env.getParallelism());
        Map<String, String> fetchSizes = ConsumerFetchSizes.forBudget(options.maxBufferedBytes,
                partitionsPerSubtask, options.kafkaProperties.keySet());
        fetchSizes.forEach(kafkaSource::setProperty);
        LOG.info("Consumer fetch sizes {} ({} partitions per subtask; 0: not known)", fetchSizes,
                partitionsPerSubtask);

        DeliverySettings settings = new DeliverySettings(
                new BatchLimits(mapping.batchSize(), mapping.maximumBatchingWindow()),
                encoder,
                new LambdaClientFactory(mapping.functionName(), aws, options.maxConcurrentInvocations,
                        options.invokeTimeout, options.invoker),
                new Backoff(options.retryInitialBackoff, options.retryMaxBackoff),
                options.maxConcurrentInvocations,
                mapping.consumerGroupId(),
                admin,
                FailurePolicy.of(mapping),
                mapping.onFailureDestination().orElse(null),
                new DestinationContext(mapping.uuid(), kafka, aws),
                options.restoreOffsets)
                .maxBufferedBytes(options.maxBufferedBytes)
                .offsetGapsExpected(!mapping.filterPatterns().isEmpty())
                .commitBeforeNextBatch(options.commitBeforeNextBatch)
                .commitInterval(options.commitInterval);

        return env.fromSource(
                        new EsmKafkaSource(kafkaSource.build(), settings),
                        WatermarkStrategy.noWatermarks(),
                        "Kafka " + String.join(",", mapping.topics()) + " -> Lambda " + mapping.functionName())
                .uid(SOURCE_UID);
    }
}
