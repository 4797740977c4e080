package dev.flinkesm.failure.destination;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.flinkesm.payload.EncodedRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Builds the JSON documents Lambda writes to a Kafka event source mapping's on-failure destination.
 *
 * <h2>Evidence</h2>
 *
 * <ul>
 *   <li>SQS and SNS ("SNS and SQS example invocation record") and S3 ("S3 destination example invocation record"):
 *       https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html (also with-kafka-on-failure.html and
 *       with-msk-on-failure.html, the same examples).
 *   <li>Kafka topic ("Record format for a Kafka destination", "Partition key behavior"):
 *       https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure-destination.html
 * </ul>
 *
 * <h2>The batch record (SQS, SNS)</h2>
 *
 * <pre>{@code
 * {"requestContext":{"requestId":"...","functionArn":"arn:aws:lambda:...","condition":"RetryAttemptsExhausted",
 *                    "approximateInvokeCount":1},
 *  "responseContext":{"statusCode":200,"executedVersion":"$LATEST","functionError":"Unhandled"},
 *  "version":"1.0","timestamp":"2019-11-14T00:38:06.021Z",
 *  "KafkaBatchInfo":{"batchSize":500,"eventSourceArn":"arn:aws:kafka:...","bootstrapServers":"...",
 *    "payloadSize":2039086,
 *    "recordsInfo":{"Topic-0":{"firstRecordOffset":"...","lastRecordOffset":"...",
 *                              "firstRecordTimestamp":"2019-11-14T00:38:04.835Z",
 *                              "lastRecordTimestamp":"2019-11-14T00:38:05.580Z"}}}}
 * }</pre>
 *
 * Field names, nesting and order are AWS's. Decisions where the example leaves room:
 *
 * <ul>
 *   <li>{@code KafkaBatchInfo} is capitalised, the only capitalised key, as in every AWS example.
 *   <li>{@code eventSourceArn} only for MSK (the encoder's {@link dev.flinkesm.payload.KafkaEventEncoder#eventSourceArn
 *       eventSourceArn}); a self-managed cluster has none, so the field is left out, as the event leaves it out.
 *   <li>Offsets are JSON <em>strings</em>, as in all of AWS's examples (Kafka's and Kinesis's); timestamps are ISO-8601
 *       UTC with exactly three fraction digits ({@code 2019-11-14T00:38:04.835Z}). A record without a timestamp
 *       (-1) shows as {@code 1969-12-31T23:59:59.999Z}.
 *   <li>{@code payloadSize} is the byte length of the event the function was (or would have been) invoked with.
 *   <li>{@code responseContext} is an object whose three fields are {@code null} for
 *       {@code MaximumPayloadSizeExceeded} (the example's comment "null if record is MaximumPayloadSizeExceeded"
 *       sits on that object; keeping the object lets consumers read {@code responseContext.statusCode} without a
 *       null check). Any field not known after an invoke (e.g. no HTTP answer) is {@code null} the same way.
 *   <li>No payload: SQS and SNS records never carry the records themselves (AWS: "For Amazon S3 destinations, Lambda
 *       also sends the entire invocation record"), which keeps them far below SQS's and SNS's message limits.
 * </ul>
 *
 * <h2>S3</h2>
 *
 * The batch record plus {@code "payload"}: the whole event <em>as an escaped JSON string</em>, not an object. AWS:
 * "the {@code payload} field contains the original invocation record as an escaped JSON string", example
 * {@code "payload": "<Whole Event>"}.
 *
 * <h2>Kafka topic</h2>
 *
 * One message per failed record, keyed by the record's original key (no key: the producer's default partitioning),
 * with the same requestContext/responseContext/version/timestamp, then
 *
 * <pre>{@code
 * "KafkaBatchInfo":{"batchSize":1,"eventSourceArn":"...","bootstrapServers":"...","payloadSize":1162,
 *                   "recordInfo":{"offset":"100","timestamp":"2019-11-14T18:16:04.835Z"}},
 * "payload":{"eventSource":"aws:kafka","eventSourceArn":"...","bootstrapServers":"...","records":{"my-topic-0":[...]}}
 * }</pre>
 *
 * Here {@code payload} is a JSON <em>object</em>, the one-record event, as in AWS's example; {@code payloadSize} is
 * that event's byte length. The event bytes are embedded as they are, so they are byte for byte what
 * {@link dev.flinkesm.payload.KafkaEventEncoder#singleRecordEvent} produced.
 *
 * <p>Not a hot path (failures only): plain Jackson streaming, one generator per document. Thread-safe.
 */
public final class FailureRecords {

    public static final String VERSION = "1.0";

    private static final JsonFactory JSON = new JsonFactory();

    /** {@code 2019-11-14T00:38:06.021Z}: always milliseconds, always UTC. */
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private FailureRecords() {}

    /** The record AWS sends to an SQS queue or SNS topic: one per failed batch, without the records. */
    public static String batchRecord(FailedBatch batch) {
        return new String(write(batch, null, false), StandardCharsets.UTF_8);
    }

    /** The record AWS writes to S3: {@link #batchRecord} plus {@code payload}, the whole event as a JSON string. */
    public static byte[] s3Record(FailedBatch batch) {
        return write(batch, null, true);
    }

    /** The message AWS produces to a Kafka destination topic for {@code record}, one of {@code batch}'s records. */
    public static byte[] kafkaRecord(FailedBatch batch, EncodedRecord record) {
        return write(batch, record, false);
    }

    /** {@link #ISO_MILLIS} of an epoch-millisecond timestamp. */
    static String isoMillis(long epochMillis) {
        return ISO_MILLIS.format(Instant.ofEpochMilli(epochMillis));
    }

    static String isoMillis(Instant instant) {
        return ISO_MILLIS.format(instant);
    }

    private static byte[] write(FailedBatch batch, EncodedRecord single, boolean withEventString) {
        try {
            byte[] singleEvent = single == null ? null : batch.encoder().singleRecordEvent(single);
            ByteArrayOutputStream out = new ByteArrayOutputStream(
                    1024 + (singleEvent != null ? singleEvent.length : 0)
                            + (withEventString ? (int) Math.min(Integer.MAX_VALUE - 8, batch.eventSize() * 11 / 10)
                                    : 0));
            try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
                g.writeStartObject();

                g.writeObjectFieldStart("requestContext");
                g.writeStringField("requestId", batch.requestId());
                g.writeStringField("functionArn", batch.functionArn());
                g.writeStringField("condition", batch.condition().awsName());
                g.writeNumberField("approximateInvokeCount", batch.approximateInvokeCount());
                g.writeEndObject();

                g.writeObjectFieldStart("responseContext");
                if (batch.statusCode() == null) {
                    g.writeNullField("statusCode");
                } else {
                    g.writeNumberField("statusCode", batch.statusCode());
                }
                nullableString(g, "executedVersion", batch.executedVersion());
                nullableString(g, "functionError", batch.functionError());
                g.writeEndObject();

                g.writeStringField("version", VERSION);
                g.writeStringField("timestamp", isoMillis(batch.failedAt()));

                g.writeObjectFieldStart("KafkaBatchInfo");
                g.writeNumberField("batchSize", single == null ? batch.records().size() : 1);
                String clusterArn = batch.encoder().eventSourceArn();
                if (clusterArn != null) {
                    g.writeStringField("eventSourceArn", clusterArn);
                }
                g.writeStringField("bootstrapServers", batch.encoder().bootstrapServers());
                g.writeNumberField("payloadSize", single == null ? batch.eventSize() : singleEvent.length);
                if (single == null) {
                    g.writeObjectFieldStart("recordsInfo");
                    g.writeObjectFieldStart(batch.topicPartition());
                    g.writeStringField("firstRecordOffset", Long.toString(batch.firstRecord().offset()));
                    g.writeStringField("lastRecordOffset", Long.toString(batch.lastRecord().offset()));
                    g.writeStringField("firstRecordTimestamp", isoMillis(batch.firstRecord().timestamp()));
                    g.writeStringField("lastRecordTimestamp", isoMillis(batch.lastRecord().timestamp()));
                    g.writeEndObject();
                    g.writeEndObject();
                } else {
                    g.writeObjectFieldStart("recordInfo");
                    g.writeStringField("offset", Long.toString(single.offset()));
                    g.writeStringField("timestamp", isoMillis(single.timestamp()));
                    g.writeEndObject();
                }
                g.writeEndObject();

                if (single != null) {
                    g.writeFieldName("payload");
                    // the encoder's bytes are one JSON object already: embed them unchanged
                    g.writeRawValue(new String(singleEvent, StandardCharsets.UTF_8));
                } else if (withEventString) {
                    g.writeStringField("payload", new String(batch.event(), StandardCharsets.UTF_8));
                }

                g.writeEndObject();
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the failure record of " + batch, e);
        }
    }

    private static void nullableString(JsonGenerator g, String field, String value) throws IOException {
        if (value == null) {
            g.writeNullField(field);
        } else {
            g.writeStringField(field, value);
        }
    }
}
