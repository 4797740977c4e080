package dev.flinkesm.failure.destination;

/**
 * Why a batch went to the on-failure destination: the {@code requestContext.condition} of the failure record, with
 * AWS's exact strings.
 *
 * <ul>
 *   <li>{@code RetryAttemptsExhausted} and {@code MaximumPayloadSizeExceeded} are the two values AWS's Kafka example
 *       lists ("SNS and SQS example invocation record",
 *       https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure.html).
 *   <li>{@code RecordAgeExceeded} is what Lambda's stream mappings (Kinesis, DynamoDB) write when
 *       {@code MaximumRecordAgeInSeconds} runs out. The Kafka pages say records that "exceed the maximum age" go to
 *       the destination too, but their example lists no condition for it; this value is the one AWS uses for the same
 *       rule elsewhere (seen in real DynamoDB-stream S3 failure objects and in LocalStack's stream poller).
 * </ul>
 *
 * <p>AWS's Kafka-topic destination example shows {@code "condition": "RetriesExhausted"}, but that example's
 * requestContext/responseContext (requestId {@code e4b46cbf-b738-xmpl-...}, timestamp
 * {@code 2019-11-14T18:16:05.568Z}) is copied verbatim from the asynchronous-invocation record, whose condition that
 * is. We write the ESM value for every destination so one consumer can read all of them.
 */
public enum FailureCondition {
    RETRY_ATTEMPTS_EXHAUSTED("RetryAttemptsExhausted"),
    MAXIMUM_PAYLOAD_SIZE_EXCEEDED("MaximumPayloadSizeExceeded"),
    RECORD_AGE_EXCEEDED("RecordAgeExceeded");

    private final String awsName;

    FailureCondition(String awsName) {
        this.awsName = awsName;
    }

    /** The exact string in {@code requestContext.condition}. */
    public String awsName() {
        return awsName;
    }
}
