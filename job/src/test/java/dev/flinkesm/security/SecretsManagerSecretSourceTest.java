package dev.flinkesm.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.flinkesm.aws.AwsClients;
import dev.flinkesm.aws.AwsService;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The real SDK client against a tiny local endpoint speaking Secrets Manager's JSON 1.1 protocol. */
class SecretsManagerSecretSourceTest {
    static final String ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:kafka-AbCdEf";
    private static HttpServer server;
    private static final List<String> targets = new CopyOnWriteArrayList<>();
    private static final List<String> authorizations = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            targets.add(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status;
            String response;
            if (body.contains(ARN)) {
                status = 200;
                response = "{\"ARN\":\"" + ARN + "\",\"Name\":\"kafka\",\"VersionId\":\"v1\","
                        + "\"SecretString\":\"{\\\"username\\\":\\\"alice\\\",\\\"password\\\":\\\"s3cr3t\\\"}\"}";
            } else {
                status = 400;
                response = "{\"__type\":\"ResourceNotFoundException\","
                        + "\"message\":\"Secrets Manager can't find the specified secret.\"}";
            }
            byte[] bytes = response.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static SecretsManagerSecretSource local() {
        return new SecretsManagerSecretSource(
                AwsClients.standard().withEndpoint(AwsService.SECRETS_MANAGER, endpoint().toString()));
    }

    @Test
    void readsTheSecretStringSignedForTheArnsRegion() {
        assertThat(local().read(ARN))
                .containsEntry("username", "alice").containsEntry("password", "s3cr3t");
        assertThat(targets).contains("secretsmanager.GetSecretValue");
        assertThat(authorizations.get(authorizations.size() - 1)).contains("/eu-west-1/secretsmanager/");
    }

    @Test
    void followsTheSdksStandardEndpointSetting() {
        System.setProperty("aws.endpointUrlSecretsManager", endpoint().toString());
        try {
            assertThat(new SecretsManagerSecretSource(AwsClients.standard()).read(ARN)).containsEntry("username", "alice");
        } finally {
            System.clearProperty("aws.endpointUrlSecretsManager");
        }
    }

    @Test
    void aMissingSecretIsReportedByItsErrorCode() {
        assertThatThrownBy(() -> local()
                .read("arn:aws:secretsmanager:eu-west-1:123456789012:secret:gone-XyZ123"))
                .isInstanceOf(SecretUnreadableException.class)
                .hasMessage("secret cannot be read (ResourceNotFoundException, HTTP 400)");
    }

    @Test
    void anythingButASecretArnIsRefused() {
        assertThatThrownBy(() -> local()
                .read("arn:aws:kafka:eu-west-1:123456789012:cluster/x/y"))
                .hasMessage("not a Secrets Manager secret ARN");
    }

    @Test
    void theKafkaSecretProviderReadsThroughTheEndpointTheJobWasGiven() {
        EsmSecretsConfigProvider provider = new EsmSecretsConfigProvider();
        provider.configure(java.util.Map.of("0.uri", ARN, "0.type", "BASIC_AUTH",
                EsmSecretsConfigProvider.SECRETS_MANAGER_ENDPOINT, endpoint().toString()));
        assertThat(provider.get("0", java.util.Set.of("jaas")).data().get("jaas"))
                .contains("username=\"alice\"");
    }
}
