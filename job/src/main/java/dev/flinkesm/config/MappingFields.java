package dev.flinkesm.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.LongPredicate;
import java.util.stream.Collectors;

/**
 * Every top-level field of a mapping that AWS's API knows, each declared once: its kind, whether
 * {@code UpdateEventSourceMapping} takes it, and for a Kafka field its checks and messages, default and JSON form.
 * The parser reads the Kafka fields in this order (a field may look at the ones above it), {@link
 * EventSourceMapping#toJson()} writes them in this order, and {@code esm update} takes exactly the updatable ones.
 *
 * <p>A new field is one entry here plus, for a Kafka field, a component of {@link EventSourceMapping} (and its
 * argument where {@link MappingParser} builds the mapping). A field without {@code updatable(slot)} is create-only;
 * the slots give the order of the AWS CLI's list of UpdateEventSourceMapping's parameters, which its "Unknown
 * parameter" message prints.
 */
public final class MappingFields {

    /** Ours: AWS assigns it on create. Absent, it is derived from function, topics and cluster. */
    static final Field<String> UUID = Field.<String>kafka("UUID").updatable(0).readAfterOthers()
            .reads(IdentityReaders::uuid).writes(EventSourceMapping::uuid, MappingFields::text).declared();
    static final Field<String> FUNCTION_NAME = Field.<String>kafka("FunctionName").updatable(1)
            .reads(IdentityReaders::functionName)
            .writes(EventSourceMapping::functionName, MappingFields::text).declared();
    static final Field<List<String>> TOPICS = Field.<List<String>>kafka("Topics")
            .reads(IdentityReaders::topics).writes(EventSourceMapping::topics, MappingFields::texts).declared();
    static final Field<StartingPosition> STARTING_POSITION = Field.<StartingPosition>kafka("StartingPosition")
            .reads(StartReaders::startingPosition)
            .writes(EventSourceMapping::startingPosition, (root, name, v) -> root.put(name, v.name())).declared();
    static final Field<Instant> STARTING_POSITION_TIMESTAMP =
            Field.<Instant>kafka("StartingPositionTimestamp")
                    .reads(StartReaders::startingPositionTimestamp)
                    .writes(EventSourceMapping::startingPositionTimestampOrNull, StartReaders::writeTimestamp)
                    .declared();
    static final Field<String> SELF_MANAGED_EVENT_SOURCE = Field.<String>kafka("SelfManagedEventSource")
            .reads(EventSourceReaders::selfManagedEventSource)
            .writes(EventSourceMapping::bootstrapServersOrNull, EventSourceReaders::writeSelfManagedEventSource)
            .declared();
    static final Field<String> EVENT_SOURCE_ARN = Field.<String>kafka("EventSourceArn")
            .reads(EventSourceReaders::eventSourceArn)
            .writes(EventSourceMapping::eventSourceArnOrNull, MappingFields::text).declared();
    static final Field<String> SELF_MANAGED_KAFKA_CONFIG = Field.<String>kafka("SelfManagedKafkaEventSourceConfig")
            .reads(EventSourceReaders.kafkaConfig(true))
            .writes(m -> m.isMsk() ? null : m.consumerGroupId(), EventSourceReaders::writeKafkaConfig).declared();
    static final Field<String> AMAZON_MANAGED_KAFKA_CONFIG =
            Field.<String>kafka("AmazonManagedKafkaEventSourceConfig")
                    .reads(EventSourceReaders.kafkaConfig(false))
                    .writes(m -> m.isMsk() ? m.consumerGroupId() : null, EventSourceReaders::writeKafkaConfig)
                    .declared();
    static final Field<Integer> BATCH_SIZE = Field.<Integer>kafka("BatchSize").updatable(3)
            .byDefault(100).writtenWhenDefault().reads(integer(v -> v >= 1 && v <= 10_000, "1..10000"))
            .writes(EventSourceMapping::batchSize, MappingFields::number).declared();
    /** Absent, AWS's Kafka default of 500 ms, which the field (whole seconds) cannot express: left out of JSON. */
    static final Field<Duration> MAXIMUM_BATCHING_WINDOW = Field.<Duration>kafka("MaximumBatchingWindowInSeconds")
            .updatable(5).byDefault(Duration.ofMillis(500))
            .reads(integer(v -> v >= 0 && v <= 300, "0..300").then(Duration::ofSeconds))
            .writes(EventSourceMapping::maximumBatchingWindow, (root, name, v) -> root.put(name, v.toSeconds()))
            .declared();
    static final Field<Boolean> ENABLED = Field.<Boolean>kafka("Enabled").updatable(2)
            .byDefault(true).writtenWhenDefault().reads(MappingFields::bool)
            .writes(EventSourceMapping::enabled, (root, name, v) -> root.put(name, v)).declared();
    static final Field<List<SourceAccessConfiguration>> SOURCE_ACCESS_CONFIGURATIONS =
            Field.<List<SourceAccessConfiguration>>kafka("SourceAccessConfigurations").updatable(11)
                    .byDefault(List.of()).reads(SourceAccessReader::read)
                    .writes(EventSourceMapping::sourceAccessConfigurations, SourceAccessReader::write).declared();
    static final Field<List<String>> FILTER_CRITERIA = Field.<List<String>>kafka("FilterCriteria").updatable(4)
            .byDefault(List.of()).reads(FilterCriteriaReader::read)
            .writes(EventSourceMapping::filterPatterns, FilterCriteriaReader::write).declared();
    /** -1 retries until the record expires. With a destination and -1, delivery caps retries at 10, as AWS. */
    static final Field<Integer> MAXIMUM_RETRY_ATTEMPTS = Field.<Integer>kafka("MaximumRetryAttempts").updatable(9)
            .byDefault(-1).reads(integer(v -> v >= -1 && v <= 10_000, "-1 or 0..10000"))
            .writes(EventSourceMapping::maximumRetryAttempts, MappingFields::number).declared();
    /** -1 means no age limit. */
    static final Field<Integer> MAXIMUM_RECORD_AGE = Field.<Integer>kafka("MaximumRecordAgeInSeconds").updatable(7)
            .byDefault(-1).reads(integer(v -> v == -1 || (v >= 60 && v <= 604_800), "-1 or 60..604800"))
            .writes(EventSourceMapping::maximumRecordAgeInSeconds, MappingFields::number).declared();
    static final Field<Boolean> BISECT_BATCH_ON_FUNCTION_ERROR = Field.<Boolean>kafka("BisectBatchOnFunctionError")
            .updatable(8).byDefault(false).reads(MappingFields::bool)
            .writes(EventSourceMapping::bisectBatchOnFunctionError, (root, name, v) -> root.put(name, v)).declared();
    static final Field<Boolean> FUNCTION_RESPONSE_TYPES = Field.<Boolean>kafka("FunctionResponseTypes")
            .updatable(13).byDefault(false).reads(FailureReaders::functionResponseTypes)
            .writes(EventSourceMapping::reportBatchItemFailures, FailureReaders::writeFunctionResponseTypes)
            .declared();
    static final Field<DestinationAddress> DESTINATION_CONFIG = Field.<DestinationAddress>kafka("DestinationConfig")
            .updatable(6).reads(FailureReaders::destinationConfig)
            .writes(EventSourceMapping::onFailureDestinationOrNull, FailureReaders::writeDestinationConfig).declared();

    /** All fields; Kafka fields in reading and canonical JSON order. */
    static final List<Field<?>> ALL = List.of(
            UUID, FUNCTION_NAME, TOPICS, STARTING_POSITION, STARTING_POSITION_TIMESTAMP,
            SELF_MANAGED_EVENT_SOURCE, EVENT_SOURCE_ARN, SELF_MANAGED_KAFKA_CONFIG, AMAZON_MANAGED_KAFKA_CONFIG,
            BATCH_SIZE, MAXIMUM_BATCHING_WINDOW, ENABLED, SOURCE_ACCESS_CONFIGURATIONS, FILTER_CRITERIA,
            MAXIMUM_RETRY_ATTEMPTS, MAXIMUM_RECORD_AGE, BISECT_BATCH_ON_FUNCTION_ERROR, FUNCTION_RESPONSE_TYPES,
            DESTINATION_CONFIG,
            Field.noEffectOffAws("Tags", "tags are an AWS resource feature").declared(),
            Field.noEffectOffAws("KMSKeyArn", "it encrypts filter criteria inside AWS").updatable(16).declared(),
            Field.noEffectOffAws("MetricsConfig", "the job always reports its metrics through Flink's metric system")
                    .updatable(17).declared(),
            Field.noEffectOffAws("ProvisionedPollerConfig", "Flink's parallelism sets the number of pollers")
                    .updatable(18).declared(),
            Field.noEffectOffAws("ScalingConfig", "it is SQS-only; Flink's parallelism sets concurrency")
                    .updatable(14).declared(),
            Field.noEffectOffAws("LoggingConfig", "it sets the level of Lambda's poller logs; the job logs through"
                    + " Flink").declared(),
            Field.otherSourcesOnly("ParallelizationFactor", "Kinesis and DynamoDB streams").updatable(10).declared(),
            Field.otherSourcesOnly("TumblingWindowInSeconds", "Kinesis and DynamoDB streams").updatable(12)
                    .declared(),
            Field.otherSourcesOnly("Queues", "Amazon MQ").declared(),
            Field.otherSourcesOnly("DocumentDBEventSourceConfig", "Amazon DocumentDB").updatable(15).declared());

    private static final Map<String, Field<?>> BY_NAME =
            ALL.stream().collect(Collectors.toUnmodifiableMap(Field::name, Function.identity()));

    private MappingFields() {}

    /** Every declared field, in table order. */
    public static List<Field<?>> all() {
        return ALL;
    }

    /** The fields {@code UpdateEventSourceMapping} takes, in the AWS CLI's order of its parameters. */
    public static List<String> updatable() {
        return ALL.stream()
                .filter(Field::updatable)
                .sorted(Comparator.comparingInt(Field::updateSlot))
                .map(Field::name)
                .collect(Collectors.toUnmodifiableList());
    }

    static Optional<Field<?>> named(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** The declared field spelled like {@code name} but for case, for a "did you mean" hint. */
    static Optional<String> spelledLike(String name) {
        return ALL.stream().map(Field::name).filter(known -> known.equalsIgnoreCase(name)).findFirst();
    }

    // ---- readers and writers shared by several fields ----

    /** An integer within {@code inRange}; the message names the field, the value and {@code range}. */
    private static IntegerReader integer(LongPredicate inRange, String range) {
        return (node, name, run) -> run.integer(node, name, inRange, range);
    }

    /** A reader of integers that can be turned into another type. */
    @FunctionalInterface
    private interface IntegerReader extends Field.Reader<Integer> {
        default <R> Field.Reader<R> then(Function<Integer, R> convert) {
            return (node, name, run) -> {
                Integer value = read(node, name, run);
                return value == null ? null : convert.apply(value);
            };
        }
    }

    private static Boolean bool(JsonNode node, String name, ParseRun run) {
        return run.bool(node, name);
    }

    private static void text(ObjectNode root, String name, String value) {
        root.put(name, value);
    }

    private static void texts(ObjectNode root, String name, List<String> values) {
        ArrayNode list = root.putArray(name);
        values.forEach(list::add);
    }

    private static void number(ObjectNode root, String name, Integer value) {
        root.put(name, value);
    }
}
