package dev.flinkesm.local.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KafkaEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkesm.config.EventSourceMapping;
import dev.flinkesm.local.lambda.functions.RecordingFunction;
import dev.flinkesm.pipeline.JobOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A poison record dead-lettered through a running job to SQS (ElasticMQ) and S3 (S3Proxy), both reached through
 * {@code --endpoint}: the job's own AWS clients, built by {@code AwsClients} on the task manager, write the failure
 * record; everything else is delivered and every offset committed.
 */
class AwsDestinationsITCase {
    @RegisterExtension
    static final MiniClusterExtension FLINK = EsmHarness.miniCluster();

    private static final String ACCOUNT = "000000000000"; // ElasticMQ's default account id
    private static final String POISON = "POISON";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EsmHarness harness;
    private static SQSRestServer sqsServer;
    private static String sqsEndpoint;
    private static BlobStoreContext blobs;
    private static S3Proxy s3Server;
    private static String s3Endpoint;

    @BeforeAll
    static void startRealParts() throws Exception {
        harness = new EsmHarness(); // also sets the SDK's region and (fake) credentials for the job's clients
        sqsServer = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
        sqsEndpoint = "http://127.0.0.1:" + sqsServer.waitUntilStarted().localAddress().getPort();
        blobs = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
                .build(BlobStoreContext.class);
        s3Server = S3Proxy.builder()
                .blobStore(blobs.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, System.getProperty("aws.accessKeyId"),
                        System.getProperty("aws.secretAccessKey"))
                .build();
        s3Server.start();
        while (!"STARTED".equals(s3Server.getState())) {
            Thread.sleep(10);
        }
        s3Endpoint = "http://127.0.0.1:" + s3Server.getPort();
    }

    @AfterAll
    static void stopRealParts() throws Exception {
        if (s3Server != null) {
            s3Server.stop();
        }
        if (blobs != null) {
            blobs.close();
        }
        if (sqsServer != null) {
            sqsServer.stopAndWait();
        }
        if (harness != null) {
            harness.close();
        }
    }

    /** Records what it processed; throws on a batch holding the poison record. */
    static final class PoisonFailsTheBatch implements RequestHandler<KafkaEvent, Object> {
        final RecordingFunction recorder = new RecordingFunction();

        @Override
        public Object handleRequest(KafkaEvent event, Context context) {
            for (List<KafkaEvent.KafkaEventRecord> records : event.getRecords().values()) {
                for (KafkaEvent.KafkaEventRecord r : records) {
                    if (POISON.equals(new String(Base64.getDecoder().decode(r.getValue()), StandardCharsets.UTF_8))) {
                        throw new IllegalArgumentException("cannot process record at offset " + r.getOffset());
                    }
                }
            }
            return recorder.handleRequest(event, context);
        }
    }

    /**
     * One partition of 20 records in batches of 5, the poison record at offset 7: the batch 5..9 fails twice and
     * goes to {@code destination}; the other 15 records are delivered and all 20 offsets committed. Returns the topic.
     */
    private String runPoisonedMapping(String name, String destination, JobOptions options)
            throws Exception {
        String topic = EsmHarness.uniqueTopic(name);
        harness.kafka.createTopic(topic, 1);
        PoisonFailsTheBatch function = new PoisonFailsTheBatch();
        harness.functions.register(name, function);
        Produced produced = new Produced();
        try (Produced.Producer producer = Produced.producer(harness.kafka.bootstrapServers())) {
            for (int i = 0; i < 20; i++) {
                producer.send(topic, 0, null, ("key-" + i).getBytes(), (i == 7 ? POISON : "ok " + i).getBytes());
            }
            producer.flushInto(produced);
        }
        EventSourceMapping m = harness.mapping(EsmHarness.mappingJson(name, "TRIM_HORIZON", 5, 1,
                ",\"MaximumRetryAttempts\":1,\"DestinationConfig\":{\"OnFailure\":{\"Destination\":\""
                        + destination + "\"}}", topic));
        JobClient job = harness.start(m, options.parallelism(1));
        try {
            Await.until(Duration.ofSeconds(90), () -> Long.valueOf(20).equals(
                            harness.committedOffsets(m.consumerGroupId()).get(topic + "-0")),
                    () -> "committed " + harness.committedOffsets(m.consumerGroupId()));
        } finally {
            EsmHarness.cancel(job);
        }
        assertThat(function.recorder.offsetsByPartition().get(topic + "-0"))
                .containsExactly(0L, 1L, 2L, 3L, 4L, 10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L);
        return topic;
    }

    private static void assertFailedBatchRecord(JsonNode record, String topic) {
        assertThat(record.at("/requestContext/condition").asText()).isEqualTo("RetryAttemptsExhausted");
        assertThat(record.at("/requestContext/approximateInvokeCount").asInt()).isEqualTo(2);
        assertThat(record.at("/responseContext/functionError").asText()).isEqualTo("Unhandled");
        assertThat(record.at("/KafkaBatchInfo/batchSize").asInt()).isEqualTo(5);
        JsonNode info = record.at("/KafkaBatchInfo/recordsInfo/" + topic + "-0");
        assertThat(info.get("firstRecordOffset").asText()).isEqualTo("5");
        assertThat(info.get("lastRecordOffset").asText()).isEqualTo("9");
    }

    @Test
    void aPoisonedBatchGoesToTheSqsQueueNamedByTheMapping() throws Exception {
        try (SqsClient sqs = SqsClient.builder().endpointOverride(URI.create(sqsEndpoint)).region(Region.US_EAST_1)
                .build()) {
            String queueUrl = sqs.createQueue(b -> b.queueName("orders-dlq")).queueUrl();
            String topic = runPoisonedMapping("sqs-poison", "arn:aws:sqs:us-east-1:" + ACCOUNT + ":orders-dlq",
                    harness.fastOptions().endpoint("sqs", sqsEndpoint));

            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .waitTimeSeconds(1)).messages();
            assertThat(messages).hasSize(1);
            JsonNode record = JSON.readTree(messages.get(0).body());
            assertFailedBatchRecord(record, topic);
            assertThat(record.has("payload")).isFalse();
        }
    }

    @Test
    void aPoisonedBatchGoesToTheS3BucketWithTheWholeEvent() throws Exception {
        try (S3Client s3 = S3Client.builder().endpointOverride(URI.create(s3Endpoint)).region(Region.US_EAST_1)
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build()) {
            s3.createBucket(b -> b.bucket("orders-failures"));
            String topic = runPoisonedMapping("s3-poison", "arn:aws:s3:::orders-failures",
                    harness.fastOptions().endpoint("s3", s3Endpoint));

            List<S3Object> objects = s3.listObjectsV2(b -> b.bucket("orders-failures")).contents();
            assertThat(objects).hasSize(1);
            assertThat(objects.get(0).key()).startsWith("aws/lambda/");
            JsonNode record = JSON.readTree(s3.getObjectAsBytes(b -> b.bucket("orders-failures")
                    .key(objects.get(0).key())).asByteArray());
            assertFailedBatchRecord(record, topic);
            JsonNode event = JSON.readTree(record.get("payload").asText());
            assertThat(event.at("/records/" + topic + "-0")).hasSize(5);
            assertThat(event.at("/records/" + topic + "-0/2/value").asText())
                    .isEqualTo(Base64.getEncoder().encodeToString(POISON.getBytes(StandardCharsets.UTF_8)));
        }
    }
}
