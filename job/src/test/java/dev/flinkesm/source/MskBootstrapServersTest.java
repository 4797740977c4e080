package dev.flinkesm.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.flinkesm.aws.AwsClients;
import dev.flinkesm.aws.AwsService;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real SDK Kafka (MSK) client against a local endpoint answering GetBootstrapBrokers. */
class MskBootstrapServersTest {
    private static final String ARN = "arn:aws:kafka:eu-west-1:123456789012:cluster/orders/abcd-1234";
    private static final List<String> PATHS = new CopyOnWriteArrayList<>();
    private static final List<String> AUTHORIZATIONS = new CopyOnWriteArrayList<>();
    private static HttpServer server;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            PATHS.add(URLDecoder.decode(exchange.getRequestURI().getRawPath(), StandardCharsets.UTF_8));
            AUTHORIZATIONS.add(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = ("{\"BootstrapBrokerString\":\"b-1:9092\",\"BootstrapBrokerStringTls\":\"b-1:9094\","
                    + "\"BootstrapBrokerStringSaslScram\":\"b-1:9096,b-2:9096\","
                    + "\"BootstrapBrokerStringSaslIam\":\"b-1:9098\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static AwsClients endpoint() {
        return AwsClients.standard().withEndpoint(AwsService.KAFKA, "http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static Properties security(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    @Test
    void theBrokerStringFollowsTheMappingsAuthentication() {
        assertThat(MskBootstrapServers.lookup(ARN, security("sasl.mechanism", "AWS_MSK_IAM",
                "security.protocol", "SASL_SSL"), endpoint())).isEqualTo("b-1:9098");
        assertThat(MskBootstrapServers.lookup(ARN, security("sasl.mechanism", "SCRAM-SHA-512",
                "security.protocol", "SASL_SSL"), endpoint())).isEqualTo("b-1:9096,b-2:9096");
        assertThat(MskBootstrapServers.lookup(ARN, security("security.protocol", "SSL"), endpoint()))
                .isEqualTo("b-1:9094");
        assertThat(MskBootstrapServers.lookup(ARN, security(), endpoint())).isEqualTo("b-1:9092");
        assertThat(PATHS).allSatisfy(path -> assertThat(path).isEqualTo("/v1/clusters/" + ARN + "/bootstrap-brokers"));
        assertThat(AUTHORIZATIONS).allSatisfy(auth -> assertThat(auth)
                .startsWith("AWS4-HMAC-SHA256 Credential=test/").contains("/eu-west-1/kafka/aws4_request"));
    }

    @Test
    void aClusterWithoutThatAuthenticationIsAConfigError() {
        com.fasterxml.jackson.databind.JsonNode tlsOnly = new com.fasterxml.jackson.databind.ObjectMapper()
                .createObjectNode().put("BootstrapBrokerStringTls", "b-1:9094");
        assertThatThrownBy(() -> MskBootstrapServers.choose(tlsOnly, security("sasl.mechanism", "AWS_MSK_IAM"), ARN))
                .hasMessageStartingWith("ESM_CONFIG_NOT_VALID: EventSourceArn " + ARN + " has no IAM bootstrap brokers");
    }


    @Test
    void anUnreachableServiceIsAConfigErrorNamingTheCluster() {
        assertThatThrownBy(() -> MskBootstrapServers.lookup(ARN, security(),
                AwsClients.standard().withEndpoint(AwsService.KAFKA, "http://127.0.0.1:1")))
                .hasMessageStartingWith("ESM_CONFIG_NOT_VALID: the brokers of EventSourceArn " + ARN);
    }
}
