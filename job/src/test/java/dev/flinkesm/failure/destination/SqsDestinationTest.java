package dev.flinkesm.failure.destination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkesm.aws.AwsClients;
import dev.flinkesm.aws.AwsService;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/** The SQS destination with the real SDK client against ElasticMQ, in-process on a free port. */
class SqsDestinationTest {
    private static final String ACCOUNT = "000000000000"; // ElasticMQ's default account id
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static SQSRestServer server;
    private static String endpoint;
    private static SqsClient admin;

    @BeforeAll
    static void startElasticMq() {
        LocalAws.useFakeCredentials();
        long t0 = System.nanoTime();
        server = SQSRestServerBuilder.withInterface("127.0.0.1").withDynamicPort().start();
        int port = server.waitUntilStarted().localAddress().getPort();
        System.out.printf("ElasticMQ started on port %d in %d ms%n", port,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        endpoint = "http://127.0.0.1:" + port;
        admin = SqsClient.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1).build();
    }

    @AfterAll
    static void stopElasticMq() {
        if (admin != null) {
            admin.close();
        }
        if (server != null) {
            server.stopAndWait();
        }
        LocalAws.restore();
    }

    private static OnFailureDestination destination(String queue, String sqsEndpoint) {
        return OnFailureDestinations.create("arn:aws:sqs:us-east-1:" + ACCOUNT + ":" + queue,
                new DestinationContext("esm-uuid", new Properties(), AwsClients.standard().withEndpoint(AwsService.SQS, sqsEndpoint)));
    }

    private static List<Message> receive(String queue) {
        String url = admin.getQueueUrl(b -> b.queueName(queue)).queueUrl();
        return admin.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
    }

    @Test
    void sendsOneMessagePerBatchHoldingTheBatchRecord() throws Exception {
        admin.createQueue(b -> b.queueName("dlq-one"));
        FailedBatch batch = FailedBatches.exhausted(FailedBatches.SELF_MANAGED, 3);

        try (OnFailureDestination dlq = destination("dlq-one", endpoint)) {
            dlq.send(batch).get(30, TimeUnit.SECONDS);
        }

        List<Message> messages = receive("dlq-one");
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).body()).isEqualTo(FailureRecords.batchRecord(batch));
        JsonNode body = MAPPER.readTree(messages.get(0).body());
        assertThat(body.get("KafkaBatchInfo").get("recordsInfo").get("orders-3").get("lastRecordOffset").asText())
                .isEqualTo("42");
        assertThat(body.has("payload")).isFalse();
    }

    @Test
    void looksTheQueueUpOnceForManySends() throws Exception {
        admin.createQueue(b -> b.queueName("dlq-many"));
        try (OnFailureDestination dlq = destination("dlq-many", endpoint)) {
            for (int i = 0; i < 3; i++) {
                dlq.send(FailedBatches.oversized(FailedBatches.SELF_MANAGED)).get(30, TimeUnit.SECONDS);
            }
        }
        List<Message> messages = receive("dlq-many");
        assertThat(messages).hasSize(3);
        assertThat(MAPPER.readTree(messages.get(0).body()).get("requestContext").get("condition").asText())
                .isEqualTo("MaximumPayloadSizeExceeded");
    }

    @Test
    void aQueueThatDoesNotExistFailsTheSendAndALaterSendLooksItUpAgain() throws Exception {
        try (OnFailureDestination dlq = destination("dlq-later", endpoint)) {
            assertThatThrownBy(() -> dlq.send(FailedBatches.oversized(FailedBatches.SELF_MANAGED))
                            .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("QueueDoesNotExist");

            admin.createQueue(b -> b.queueName("dlq-later"));
            dlq.send(FailedBatches.oversized(FailedBatches.SELF_MANAGED)).get(30, TimeUnit.SECONDS);
        }
        assertThat(receive("dlq-later")).hasSize(1);
    }

    @Test
    void anEndpointThatIsDownFailsTheSend() throws Exception {
        try (OnFailureDestination dlq = destination("dlq", LocalAws.deadEndpoint())) {
            assertThatThrownBy(() -> dlq.send(FailedBatches.oversized(FailedBatches.SELF_MANAGED))
                            .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(software.amazon.awssdk.core.exception.SdkClientException.class);
        }
    }
}
