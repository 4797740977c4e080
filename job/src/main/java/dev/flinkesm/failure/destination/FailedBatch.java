package dev.flinkesm.failure.destination;

import dev.flinkesm.payload.EncodedRecord;
import dev.flinkesm.payload.KafkaEventEncoder;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A batch of one topic-partition that the mapping gave up on, with what the failure record needs to describe it.
 *
 * @param requestId the failure record's {@code requestContext.requestId}. Also names the S3 object, so a retried
 *     send of the same batch overwrites rather than duplicates it. The factories generate a random one.
 * @param topic the records' topic
 * @param partition the records' partition
 * @param records the batch in offset order, at least one; all of {@code topic}-{@code partition}
 * @param condition why the batch was given up
 * @param approximateInvokeCount how many times the batch (or the records in it) was invoked; 0 when never
 * @param functionArn the function the mapping invokes, as the failure record names it
 * @param statusCode the last invoke's HTTP status; {@code null} when there was none (oversized record, no answer)
 * @param executedVersion the last invoke's {@code X-Amz-Executed-Version}, or {@code null}
 * @param functionError the last invoke's {@code X-Amz-Function-Error} ({@code Unhandled}, ...), or {@code null}
 * @param failedAt when the mapping gave up: the record's {@code timestamp} and the S3 object key's date
 * @param encoder the mapping's event encoder: bootstrap servers, MSK cluster ARN, and the event payload
 */
public record FailedBatch(
        String requestId,
        String topic,
        int partition,
        List<EncodedRecord> records,
        FailureCondition condition,
        int approximateInvokeCount,
        String functionArn,
        Integer statusCode,
        String executedVersion,
        String functionError,
        Instant failedAt,
        KafkaEventEncoder encoder) {

    public FailedBatch {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(topic, "topic");
        records = List.copyOf(Objects.requireNonNull(records, "records"));
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(functionArn, "functionArn");
        Objects.requireNonNull(failedAt, "failedAt");
        Objects.requireNonNull(encoder, "encoder");
        if (records.isEmpty()) {
            throw new IllegalArgumentException("a failed batch holds at least one record");
        }
        for (EncodedRecord r : records) {
            if (r.partition() != partition || !r.topic().equals(topic)) {
                throw new IllegalArgumentException(
                        "record " + r + " is not of " + topic + "-" + partition + ": a failed batch is one partition");
            }
        }
        if (approximateInvokeCount < 0) {
            throw new IllegalArgumentException("approximateInvokeCount must be >= 0, was " + approximateInvokeCount);
        }
        if (condition == FailureCondition.MAXIMUM_PAYLOAD_SIZE_EXCEEDED
                && (statusCode != null || executedVersion != null || functionError != null)) {
            throw new IllegalArgumentException(
                    "MaximumPayloadSizeExceeded was never invoked: its response context is all null");
        }
    }

    /**
     * A batch that was invoked and failed until its retries (or its records' age) ran out; the response fields are
     * those of the last invoke.
     */
    public static FailedBatch afterInvokes(
            KafkaEventEncoder encoder,
            String functionArn,
            List<EncodedRecord> records,
            FailureCondition condition,
            int approximateInvokeCount,
            Integer statusCode,
            String executedVersion,
            String functionError,
            Instant failedAt) {
        EncodedRecord first = records.get(0);
        return new FailedBatch(
                UUID.randomUUID().toString(),
                first.topic(),
                first.partition(),
                records,
                condition,
                approximateInvokeCount,
                functionArn,
                statusCode,
                executedVersion,
                functionError,
                failedAt,
                encoder);
    }

    /** One record whose event alone is over Lambda's 6 MB request limit: never invoked, no response context. */
    public static FailedBatch payloadTooLarge(
            KafkaEventEncoder encoder, String functionArn, EncodedRecord record, Instant failedAt) {
        return new FailedBatch(
                UUID.randomUUID().toString(),
                record.topic(),
                record.partition(),
                List.of(record),
                FailureCondition.MAXIMUM_PAYLOAD_SIZE_EXCEEDED,
                0,
                functionArn,
                null,
                null,
                null,
                failedAt,
                encoder);
    }

    /** {@code "<topic>-<partition>"}, the key AWS uses in the event and in {@code recordsInfo}. */
    public String topicPartition() {
        return topic + "-" + partition;
    }

    public EncodedRecord firstRecord() {
        return records.get(0);
    }

    public EncodedRecord lastRecord() {
        return records.get(records.size() - 1);
    }

    /** The event Lambda was (or would have been) invoked with, as {@link KafkaEventEncoder#event} builds it. */
    public byte[] event() {
        return encoder.event(records);
    }

    /** {@code event().length}, without building the event. */
    public long eventSize() {
        long sum = 0;
        for (EncodedRecord r : records) {
            sum += r.size();
        }
        return encoder.eventSize(topic, partition, records.size(), sum);
    }

    @Override
    public String toString() {
        // never the payload: topic, partition and the offset range only
        return "FailedBatch[" + topicPartition() + "@" + firstRecord().offset() + ".." + lastRecord().offset()
                + ", " + records.size() + " records, " + condition.awsName() + ", requestId " + requestId + "]";
    }
}
