package dev.flinkesm.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.flinkesm.invoke.InvokeResult;
import dev.flinkesm.invoke.LambdaClientFactory;
import dev.flinkesm.delivery.Invoker;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.regions.Region;

class AwsClientsTest {

    @Nested
    class EndpointOption {
        @Test
        void servicesAreNamedAsTheSdkNamesThemInEndpointSettings() {
            assertThat(AwsService.named("lambda")).isEqualTo(AwsService.LAMBDA);
            assertThat(AwsService.named("secrets_manager")).isEqualTo(AwsService.SECRETS_MANAGER);
            assertThat(AwsService.named("SecretsManager")).isEqualTo(AwsService.SECRETS_MANAGER);
            assertThat(AwsService.named("SQS")).isEqualTo(AwsService.SQS);
            assertThat(AwsService.named("msk")).isEqualTo(AwsService.KAFKA);
        }

        @Test
        void anUnknownServiceIsRefusedNamingTheKnownOnes() {
            assertThatThrownBy(() -> AwsClients.of(Map.of("dynamodb", "http://localhost:8000"), HttpClientKind.CRT))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("--endpoint dynamodb=...: unknown service; one of lambda, secretsmanager, sqs, sns,"
                            + " s3, kafka");
        }

        @Test
        void anEndpointMustBeAnAbsoluteUrl() {
            assertThatThrownBy(() -> AwsClients.standard().withEndpoint(AwsService.SQS, "localhost-9324"))
                    .hasMessage("--endpoint sqs=localhost-9324: not an absolute URL such as http://localhost:9324");
        }

        @Test
        void theSettingsSurviveTheTripThroughTheJobGraph() throws Exception {
            AwsClients aws = AwsClients.of(Map.of("sqs", "http://127.0.0.1:9324", "s3", "http://127.0.0.1:9000"),
                    HttpClientKind.NETTY);
            AwsClients copy = InstantiationUtil.clone(aws);
            assertThat(copy.endpointOverride(AwsService.SQS)).contains(URI.create("http://127.0.0.1:9324"));
            assertThat(copy.endpointOverride(AwsService.S3)).contains(URI.create("http://127.0.0.1:9000"));
            assertThat(copy.endpointOverride(AwsService.LAMBDA)).isEmpty();
            assertThat(copy.httpClient()).isEqualTo(HttpClientKind.NETTY);
        }
    }

    /** MSK has no SDK client at the pinned version: its endpoint must still follow the SDK's rules. */
    @Nested
    class KafkaEndpoint {
        private final Region region = Region.EU_WEST_1;

        @Test
        void withNothingSetItIsMsksRegionalEndpoint() {
            assertThat(AwsClients.standard().kafkaEndpoint(region)).hasToString("https://kafka.eu-west-1.amazonaws.com");
        }

        @Test
        void theServiceSpecificSystemPropertyIsUsed() {
            System.setProperty("aws.endpointUrlKafka", "http://127.0.0.1:4566");
            try {
                assertThat(AwsClients.standard().kafkaEndpoint(region)).hasToString("http://127.0.0.1:4566");
            } finally {
                System.clearProperty("aws.endpointUrlKafka");
            }
        }

        @Test
        void theSharedConfigFilesServicesSectionIsUsed(@TempDir Path dir) throws Exception {
            Path config = dir.resolve("config");
            Files.writeString(config, "[default]\nservices = local\n\n[services local]\nkafka =\n"
                    + "  endpoint_url = http://127.0.0.1:4567\n");
            String before = System.getProperty("aws.configFile");
            System.setProperty("aws.configFile", config.toString());
            try {
                assertThat(AwsClients.standard().kafkaEndpoint(region)).hasToString("http://127.0.0.1:4567");
            } finally {
                if (before == null) {
                    System.clearProperty("aws.configFile");
                } else {
                    System.setProperty("aws.configFile", before);
                }
            }
        }

        @Test
        void anExplicitEndpointWinsOverTheSdkSettings() {
            System.setProperty("aws.endpointUrlKafka", "http://127.0.0.1:4566");
            try {
                assertThat(AwsClients.standard().withEndpoint(AwsService.KAFKA, "http://127.0.0.1:4999")
                        .kafkaEndpoint(region)).hasToString("http://127.0.0.1:4999");
            } finally {
                System.clearProperty("aws.endpointUrlKafka");
            }
        }
    }

    /** The real Lambda client of each HTTP kind against a local endpoint answering Invoke. */
    @Nested
    class LambdaClient {
        private static final List<String> userAgents = new CopyOnWriteArrayList<>();
        private static final List<String> authorizations = new CopyOnWriteArrayList<>();
        private static HttpServer server;

        @BeforeAll
        static void start() throws Exception {
            System.setProperty("aws.accessKeyId", "test");
            System.setProperty("aws.secretAccessKey", "test");
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", exchange -> {
                userAgents.add(exchange.getRequestHeaders().getFirst("User-Agent"));
                authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
                exchange.getRequestBody().readAllBytes();
                byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
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

        @ParameterizedTest
        @EnumSource(HttpClientKind.class)
        void invokesThroughTheEndpointInTheArnsRegionWithOurUserAgent(HttpClientKind kind) throws Exception {
            AwsClients aws = AwsClients.standard().withHttpClient(kind)
                    .withEndpoint(AwsService.LAMBDA, "http://127.0.0.1:" + server.getAddress().getPort());
            LambdaClientFactory factory = new LambdaClientFactory(
                    "arn:aws:lambda:ap-south-1:123456789012:function:f", aws, 4, Duration.ofSeconds(10));
            try (Invoker invoker = factory.createInvoker()) {
                InvokeResult result = invoker.invoke("{}".getBytes(StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
                assertThat(result.kind()).isEqualTo(InvokeResult.Kind.SUCCESS);
            }
            assertThat(userAgents.get(userAgents.size() - 1)).contains(AwsClients.USER_AGENT);
            assertThat(authorizations.get(authorizations.size() - 1)).contains("/ap-south-1/lambda/aws4_request");
        }
    }
}
