package dev.flinkesm.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.Serializable;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated Kafka event source mapping: what {@code aws lambda create-event-source-mapping --cli-input-json} takes,
 * resolved to the values the job runs with (defaults applied, UUID and consumer group settled).
 *
 * <p>Built only by {@link MappingParser}; immutable and {@link Serializable} because it travels inside the Flink job
 * graph. Optional values are held as nullable fields ({@link Optional} is not serializable) and exposed as Optionals.
 * {@link #toJson()} gives the canonical form, and {@code MappingParser.parse(m.toJson())} equals {@code m}.
 */
public final class EventSourceMapping implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_BATCH_SIZE = 100;
    /** AWS's default for Kafka when MaximumBatchingWindowInSeconds is absent; not expressible in the field itself. */
    public static final Duration DEFAULT_MAXIMUM_BATCHING_WINDOW = Duration.ofMillis(500);
    public static final int DEFAULT_MAXIMUM_RETRY_ATTEMPTS = -1;
    public static final int DEFAULT_MAXIMUM_RECORD_AGE_IN_SECONDS = -1;
    public static final String REPORT_BATCH_ITEM_FAILURES = "ReportBatchItemFailures";

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    private final String uuid;
    private final String functionName;
    private final List<String> topics;
    private final StartingPosition startingPosition;
    private final Instant startingPositionTimestamp;
    private final String bootstrapServers;
    private final String eventSourceArn;
    private final int batchSize;
    private final Duration maximumBatchingWindow;
    private final String consumerGroupId;
    private final boolean enabled;
    private final int maximumRetryAttempts;
    private final int maximumRecordAgeInSeconds;
    private final boolean bisectBatchOnFunctionError;
    private final boolean reportBatchItemFailures;
    private final DestinationAddress onFailureDestination;
    private final List<SourceAccessConfiguration> sourceAccessConfigurations;
    private final List<String> filterPatterns;

    private EventSourceMapping(Builder b) {
        this.uuid = Objects.requireNonNull(b.uuid, "uuid");
        this.functionName = Objects.requireNonNull(b.functionName, "functionName");
        this.topics = List.copyOf(b.topics);
        this.startingPosition = Objects.requireNonNull(b.startingPosition, "startingPosition");
        this.startingPositionTimestamp = b.startingPositionTimestamp;
        this.bootstrapServers = b.bootstrapServers;
        this.eventSourceArn = b.eventSourceArn;
        if ((bootstrapServers == null) == (eventSourceArn == null)) {
            throw new IllegalStateException("exactly one of bootstrapServers and eventSourceArn");
        }
        this.batchSize = b.batchSize;
        this.maximumBatchingWindow = Objects.requireNonNull(b.maximumBatchingWindow, "maximumBatchingWindow");
        this.consumerGroupId = b.consumerGroupId != null ? b.consumerGroupId : uuid;
        this.enabled = b.enabled;
        this.maximumRetryAttempts = b.maximumRetryAttempts;
        this.maximumRecordAgeInSeconds = b.maximumRecordAgeInSeconds;
        this.bisectBatchOnFunctionError = b.bisectBatchOnFunctionError;
        this.reportBatchItemFailures = b.reportBatchItemFailures;
        this.onFailureDestination = b.onFailureDestination;
        this.sourceAccessConfigurations = List.copyOf(b.sourceAccessConfigurations);
        this.filterPatterns = List.copyOf(b.filterPatterns);
    }

    /** The file's {@code UUID}, or {@link MappingUuid#derive} of function, topics and cluster. Lower case. */
    public String uuid() {
        return uuid;
    }

    /** As given: name, {@code name:qualifier}, partial ARN or full ARN, optionally qualified. */
    public String functionName() {
        return functionName;
    }

    /** One or more topics, in the file's order, without duplicates. */
    public List<String> topics() {
        return topics;
    }

    /** Used only when the consumer group has no committed offsets; committed offsets win. */
    public StartingPosition startingPosition() {
        return startingPosition;
    }

    /** Present exactly when {@link #startingPosition()} is AT_TIMESTAMP. */
    public Optional<Instant> startingPositionTimestamp() {
        return Optional.ofNullable(startingPositionTimestamp);
    }

    /** {@code SelfManagedEventSource.Endpoints.KAFKA_BOOTSTRAP_SERVERS} joined with ","; empty for MSK. */
    public Optional<String> bootstrapServers() {
        return Optional.ofNullable(bootstrapServers);
    }

    /** The Amazon MSK cluster ARN; empty for self-managed Kafka. */
    public Optional<String> eventSourceArn() {
        return Optional.ofNullable(eventSourceArn);
    }

    /** True when the source is an Amazon MSK cluster ({@code EventSourceArn}). */
    public boolean isMsk() {
        return eventSourceArn != null;
    }

    /** 1..10,000 records per invoke; default 100. */
    public int batchSize() {
        return batchSize;
    }

    /** 0..300 s as given, or 500 ms when the field is absent (AWS's Kafka default). Zero means: send what is there. */
    public Duration maximumBatchingWindow() {
        return maximumBatchingWindow;
    }

    /** The Kafka consumer group; defaults to {@link #uuid()} as on AWS. */
    public String consumerGroupId() {
        return consumerGroupId;
    }

    /** Default true. */
    public boolean enabled() {
        return enabled;
    }

    /**
     * -1 (default) retries until the record expires; otherwise 0..10,000. Note for delivery: with an on-failure
     * destination and -1, AWS caps retries at 10.
     */
    public int maximumRetryAttempts() {
        return maximumRetryAttempts;
    }

    /** -1 (default) means no limit; otherwise 60..604,800 seconds. */
    public int maximumRecordAgeInSeconds() {
        return maximumRecordAgeInSeconds;
    }

    /** Default false. */
    public boolean bisectBatchOnFunctionError() {
        return bisectBatchOnFunctionError;
    }

    /** True when {@code FunctionResponseTypes} contains {@code ReportBatchItemFailures}. */
    public boolean reportBatchItemFailures() {
        return reportBatchItemFailures;
    }

    /** {@code kafka://<topic>}, or an SQS queue, SNS topic or S3 bucket ARN, as parsed once by the parser. */
    public Optional<DestinationAddress> onFailureDestination() {
        return Optional.ofNullable(onFailureDestination);
    }

    /** In the file's order; at most one authentication entry. */
    public List<SourceAccessConfiguration> sourceAccessConfigurations() {
        return sourceAccessConfigurations;
    }

    /** {@code FilterCriteria.Filters[].Pattern}, each a JSON object as text; empty when there are no filters. */
    public List<String> filterPatterns() {
        return filterPatterns;
    }

    /**
     * Canonical JSON in AWS's field names: the resolved UUID and consumer group are written out, defaults of the
     * error-handling fields are left out, and the batching window is left out when it is the 500 ms default (the
     * field only takes whole seconds).
     */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("UUID", uuid);
        root.put("FunctionName", functionName);
        ArrayNode topicsNode = root.putArray("Topics");
        topics.forEach(topicsNode::add);
        root.put("StartingPosition", startingPosition.name());
        if (startingPositionTimestamp != null) {
            root.put("StartingPositionTimestamp", unixSeconds(startingPositionTimestamp));
        }
        if (isMsk()) {
            root.put("EventSourceArn", eventSourceArn);
            root.putObject("AmazonManagedKafkaEventSourceConfig").put("ConsumerGroupId", consumerGroupId);
        } else {
            ArrayNode servers =
                    root.putObject("SelfManagedEventSource").putObject("Endpoints").putArray("KAFKA_BOOTSTRAP_SERVERS");
            for (String server : bootstrapServers.split(",")) {
                servers.add(server);
            }
            root.putObject("SelfManagedKafkaEventSourceConfig").put("ConsumerGroupId", consumerGroupId);
        }
        root.put("BatchSize", batchSize);
        if (!maximumBatchingWindow.equals(DEFAULT_MAXIMUM_BATCHING_WINDOW)) {
            root.put("MaximumBatchingWindowInSeconds", maximumBatchingWindow.toSeconds());
        }
        root.put("Enabled", enabled);
        if (!sourceAccessConfigurations.isEmpty()) {
            ArrayNode sac = root.putArray("SourceAccessConfigurations");
            for (SourceAccessConfiguration c : sourceAccessConfigurations) {
                sac.addObject().put("Type", c.type().name()).put("URI", c.uri());
            }
        }
        if (!filterPatterns.isEmpty()) {
            ArrayNode filters = root.putObject("FilterCriteria").putArray("Filters");
            filterPatterns.forEach(p -> filters.addObject().put("Pattern", p));
        }
        if (maximumRetryAttempts != DEFAULT_MAXIMUM_RETRY_ATTEMPTS) {
            root.put("MaximumRetryAttempts", maximumRetryAttempts);
        }
        if (maximumRecordAgeInSeconds != DEFAULT_MAXIMUM_RECORD_AGE_IN_SECONDS) {
            root.put("MaximumRecordAgeInSeconds", maximumRecordAgeInSeconds);
        }
        if (bisectBatchOnFunctionError) {
            root.put("BisectBatchOnFunctionError", true);
        }
        if (reportBatchItemFailures) {
            root.putArray("FunctionResponseTypes").add(REPORT_BATCH_ITEM_FAILURES);
        }
        if (onFailureDestination != null) {
            root.putObject("DestinationConfig").putObject("OnFailure").put("Destination", onFailureDestination.address());
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BigDecimal unixSeconds(Instant instant) {
        return BigDecimal.valueOf(instant.getEpochSecond())
                .add(BigDecimal.valueOf(instant.getNano(), 9))
                .stripTrailingZeros();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof EventSourceMapping)) {
            return false;
        }
        EventSourceMapping that = (EventSourceMapping) o;
        return batchSize == that.batchSize
                && enabled == that.enabled
                && maximumRetryAttempts == that.maximumRetryAttempts
                && maximumRecordAgeInSeconds == that.maximumRecordAgeInSeconds
                && bisectBatchOnFunctionError == that.bisectBatchOnFunctionError
                && reportBatchItemFailures == that.reportBatchItemFailures
                && uuid.equals(that.uuid)
                && functionName.equals(that.functionName)
                && topics.equals(that.topics)
                && startingPosition == that.startingPosition
                && Objects.equals(startingPositionTimestamp, that.startingPositionTimestamp)
                && Objects.equals(bootstrapServers, that.bootstrapServers)
                && Objects.equals(eventSourceArn, that.eventSourceArn)
                && maximumBatchingWindow.equals(that.maximumBatchingWindow)
                && consumerGroupId.equals(that.consumerGroupId)
                && Objects.equals(onFailureDestination, that.onFailureDestination)
                && sourceAccessConfigurations.equals(that.sourceAccessConfigurations)
                && filterPatterns.equals(that.filterPatterns);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                uuid,
                functionName,
                topics,
                startingPosition,
                startingPositionTimestamp,
                bootstrapServers,
                eventSourceArn,
                batchSize,
                maximumBatchingWindow,
                consumerGroupId,
                enabled,
                maximumRetryAttempts,
                maximumRecordAgeInSeconds,
                bisectBatchOnFunctionError,
                reportBatchItemFailures,
                onFailureDestination,
                sourceAccessConfigurations,
                filterPatterns);
    }

    /** The canonical JSON: a mapping holds secret locations (ARNs), never secrets. */
    @Override
    public String toString() {
        return toJson();
    }

    /** Mutable draft filled by {@link MappingParser}; defaults are AWS's. */
    static final class Builder {
        String uuid;
        String functionName;
        List<String> topics = List.of();
        StartingPosition startingPosition;
        Instant startingPositionTimestamp;
        String bootstrapServers;
        String eventSourceArn;
        int batchSize = DEFAULT_BATCH_SIZE;
        Duration maximumBatchingWindow = DEFAULT_MAXIMUM_BATCHING_WINDOW;
        String consumerGroupId;
        boolean enabled = true;
        int maximumRetryAttempts = DEFAULT_MAXIMUM_RETRY_ATTEMPTS;
        int maximumRecordAgeInSeconds = DEFAULT_MAXIMUM_RECORD_AGE_IN_SECONDS;
        boolean bisectBatchOnFunctionError;
        boolean reportBatchItemFailures;
        DestinationAddress onFailureDestination;
        List<SourceAccessConfiguration> sourceAccessConfigurations = List.of();
        List<String> filterPatterns = List.of();

        EventSourceMapping build() {
            return new EventSourceMapping(this);
        }
    }
}
