package dev.flinkesm.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.Serializable;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated Kafka event source mapping: what {@code aws lambda create-event-source-mapping --cli-input-json} takes,
 * resolved to the values the job runs with (defaults applied, UUID and consumer group settled). Each field's rules,
 * range and default are declared once, in {@link MappingFields}.
 *
 * <p>Built by {@link MappingParser}; {@link Serializable} because it travels inside the Flink job graph. Optional
 * values are nullable components ({@code ...OrNull}; {@link Optional} is not serializable) exposed as Optionals.
 * {@link #toJson()} gives the canonical form, and {@code MappingParser.parse(m.toJson())} equals {@code m}.
 *
 * @param uuid the file's {@code UUID}, or {@link MappingUuid#derive} of function, topics and cluster; lower case
 * @param functionName as given: name, {@code name:qualifier}, partial ARN or full ARN, optionally qualified
 * @param topics one or more, in the file's order, without duplicates
 * @param startingPosition used only when the consumer group has no committed offsets; committed offsets win
 * @param startingPositionTimestampOrNull present exactly when the position is AT_TIMESTAMP
 * @param bootstrapServersOrNull {@code SelfManagedEventSource.Endpoints.KAFKA_BOOTSTRAP_SERVERS} joined with ","
 * @param eventSourceArnOrNull the Amazon MSK cluster ARN; exactly one of it and the bootstrap servers is set
 * @param batchSize records per invoke at most
 * @param maximumBatchingWindow as given in whole seconds, or 500 ms when absent; zero means: send what is there
 * @param consumerGroupId the Kafka consumer group; null given means {@code uuid}, as on AWS
 * @param maximumRetryAttempts -1 retries until the record expires
 * @param maximumRecordAgeInSeconds -1 means no limit
 * @param reportBatchItemFailures {@code FunctionResponseTypes} contains {@code ReportBatchItemFailures}
 * @param onFailureDestinationOrNull {@code kafka://<topic>}, or an SQS queue, SNS topic or S3 bucket ARN, parsed once
 * @param sourceAccessConfigurations in the file's order; at most one authentication entry
 * @param filterPatterns {@code FilterCriteria.Filters[].Pattern}, each a JSON object as text; empty: no filters
 */
public record EventSourceMapping(
        String uuid,
        String functionName,
        List<String> topics,
        StartingPosition startingPosition,
        Instant startingPositionTimestampOrNull,
        String bootstrapServersOrNull,
        String eventSourceArnOrNull,
        int batchSize,
        Duration maximumBatchingWindow,
        String consumerGroupId,
        boolean enabled,
        int maximumRetryAttempts,
        int maximumRecordAgeInSeconds,
        boolean bisectBatchOnFunctionError,
        boolean reportBatchItemFailures,
        DestinationAddress onFailureDestinationOrNull,
        List<SourceAccessConfiguration> sourceAccessConfigurations,
        List<String> filterPatterns)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

    public EventSourceMapping {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(functionName, "functionName");
        topics = List.copyOf(topics);
        Objects.requireNonNull(startingPosition, "startingPosition");
        if ((bootstrapServersOrNull == null) == (eventSourceArnOrNull == null)) {
            throw new IllegalStateException("exactly one of bootstrapServers and eventSourceArn");
        }
        Objects.requireNonNull(maximumBatchingWindow, "maximumBatchingWindow");
        consumerGroupId = consumerGroupId != null ? consumerGroupId : uuid;
        sourceAccessConfigurations = List.copyOf(sourceAccessConfigurations);
        filterPatterns = List.copyOf(filterPatterns);
    }

    public Optional<Instant> startingPositionTimestamp() {
        return Optional.ofNullable(startingPositionTimestampOrNull);
    }

    /** Empty for MSK. */
    public Optional<String> bootstrapServers() {
        return Optional.ofNullable(bootstrapServersOrNull);
    }

    /** Empty for self-managed Kafka. */
    public Optional<String> eventSourceArn() {
        return Optional.ofNullable(eventSourceArnOrNull);
    }

    /** True when the source is an Amazon MSK cluster ({@code EventSourceArn}). */
    public boolean isMsk() {
        return eventSourceArnOrNull != null;
    }

    public Optional<DestinationAddress> onFailureDestination() {
        return Optional.ofNullable(onFailureDestinationOrNull);
    }

    /**
     * Canonical JSON in AWS's field names, in {@link MappingFields} order: the resolved UUID and consumer group are
     * written out, and a field at a default its entry leaves out is left out.
     */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        for (Field<?> field : MappingFields.ALL) {
            field.writeTo(root, this);
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The canonical JSON: a mapping holds secret locations (ARNs), never secrets. */
    @Override
    public String toString() {
        return toJson();
    }
}
