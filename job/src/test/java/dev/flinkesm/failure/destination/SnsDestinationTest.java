package dev.flinkesm.failure.destination;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.flinkesm.aws.AwsClients;
import dev.flinkesm.aws.AwsService;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The SNS destination with the real SDK client against a tiny local SNS. SDK 2.57's SNS client speaks the AWS query
 * protocol ({@code aws-query-protocol}): a form-encoded POST {@code Action=Publish&Version=2010-03-31&TopicArn=..&
 * Message=..}, answered with {@code PublishResponse} XML, errors as {@code ErrorResponse} XML.
 */
class SnsDestinationTest {
    private static final String TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:esm-failures";

    private static HttpServer server;
    private static String endpoint;
    private static final List<Map<String, String>> published = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startLocalSns() throws IOException {
        LocalAws.useFakeCredentials();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", SnsDestinationTest::handle);
        server.start();
        endpoint = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stopLocalSns() {
        server.stop(0);
        LocalAws.restore();
    }

    @BeforeEach
    void clear() {
        published.clear();
    }

    private static void handle(HttpExchange exchange) throws IOException {
        Map<String, String> form = new HashMap<>();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        String xml;
        int status;
        if (!"Publish".equals(form.get("Action"))) {
            status = 400;
            xml = error("InvalidAction", "unexpected action " + form.get("Action"));
        } else if (!TOPIC_ARN.equals(form.get("TopicArn"))) {
            status = 404;
            xml = error("NotFound", "Topic does not exist");
        } else {
            published.add(form);
            status = 200;
            xml = "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult><MessageId>"
                    + UUID.randomUUID() + "</MessageId></PublishResult><ResponseMetadata><RequestId>"
                    + UUID.randomUUID() + "</RequestId></ResponseMetadata></PublishResponse>";
        }
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/xml");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static String error(String code, String message) {
        return "<ErrorResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><Error><Type>Sender</Type><Code>"
                + code + "</Code><Message>" + message + "</Message></Error><RequestId>"
                + UUID.randomUUID() + "</RequestId></ErrorResponse>";
    }

    private static OnFailureDestination destination(String topicArn, String snsEndpoint) {
        return OnFailureDestinations.create(topicArn,
                new DestinationContext("esm-uuid", new Properties(), AwsClients.standard().withEndpoint(AwsService.SNS, snsEndpoint)));
    }

    @Test
    void publishesTheBatchRecordToTheTopic() throws Exception {
        FailedBatch batch = FailedBatches.exhausted(FailedBatches.SELF_MANAGED, 2);
        try (OnFailureDestination dlq = destination(TOPIC_ARN, endpoint)) {
            dlq.send(batch).get(30, TimeUnit.SECONDS);
        }
        assertThat(published).hasSize(1);
        assertThat(published.get(0)).containsEntry("TopicArn", TOPIC_ARN)
                .containsEntry("Message", FailureRecords.batchRecord(batch));
    }

    @Test
    void aTopicSnsRefusesFailsTheSend() {
        try (OnFailureDestination dlq = destination("arn:aws:sns:us-east-1:123456789012:other", endpoint)) {
            assertThatThrownBy(() -> dlq.send(FailedBatches.oversized(FailedBatches.SELF_MANAGED))
                            .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("Topic does not exist");
        }
        assertThat(published).isEmpty();
    }

    @Test
    void anEndpointThatIsDownFailsTheSend() throws Exception {
        try (OnFailureDestination dlq = destination(TOPIC_ARN, LocalAws.deadEndpoint())) {
            assertThatThrownBy(() -> dlq.send(FailedBatches.oversized(FailedBatches.SELF_MANAGED))
                            .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(software.amazon.awssdk.core.exception.SdkClientException.class);
        }
    }
}
