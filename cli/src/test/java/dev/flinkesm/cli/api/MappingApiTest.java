package dev.flinkesm.cli.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flinkesm.cli.Esm;
import dev.flinkesm.cli.FlinkRest;
import dev.flinkesm.cli.MappingRecord;
import dev.flinkesm.cli.MappingStore;
import dev.flinkesm.cli.Output;
import dev.flinkesm.config.MappingParser;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.EventSourceMappingConfiguration;
import software.amazon.awssdk.services.lambda.model.InvalidParameterValueException;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.ListEventSourceMappingsResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;
import software.amazon.awssdk.services.lambda.model.ServiceException;
import software.amazon.awssdk.services.lambda.model.TooManyRequestsException;

/**
 * The server with the real AWS SDK for Java v2 {@code LambdaClient}, on a store of disabled mappings (they need no
 * Flink job) and a Flink URL where nothing listens, so every operation that must reach Flink fails as a
 * ServiceException. The session-cluster cases are in {@code it/MappingApiITCase}.
 */
class MappingApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEYS = "[{\"AccessKeyId\":\"AKIDTEST\",\"SecretAccessKey\":\"test-secret\"}]";

    @TempDir Path dir;
    private MappingStore store;
    private ApiServer server;
    private LambdaClient lambda;
    private final List<String> uuids = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        store = new MappingStore(dir.resolve("store"));
        int nothingListens;
        try (ServerSocket s = new ServerSocket(0)) {
            nothingListens = s.getLocalPort();
        }
        Esm esm = new Esm(new FlinkRest("http://127.0.0.1:" + nothingListens), store, null, null,
                new Output.Account("us-east-1", "123456789012"));
        server = ApiServer.start(esm, List.of(), AccessKeys.parse(KEYS, "test"), ApiServer.Settings.http(
                "127.0.0.1", 0));
        lambda = client("test-secret");
        for (int i = 0; i < 5; i++) {
            uuids.add(disabled(i % 2 == 0 ? "orders" : "audit", "t" + i));
        }
        uuids.sort(String::compareTo);
    }

    @AfterEach
    void stop() {
        lambda.close();
        server.close();
    }

    private LambdaClient client(String secret) {
        return LambdaClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + server.port()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", secret)))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    /** A disabled mapping written to the store the way the command writes one. */
    private String disabled(String function, String topic) throws Exception {
        String json = "{\"FunctionName\":\"" + function + "\",\"Topics\":[\"" + topic + "\"],"
                + "\"StartingPosition\":\"TRIM_HORIZON\",\"Enabled\":false,\"BatchSize\":10,"
                + "\"SelfManagedEventSource\":{\"Endpoints\":{\"KAFKA_BOOTSTRAP_SERVERS\":[\"k1:9092\"]}}}";
        var mapping = MappingParser.parse(json);
        MappingRecord r = new MappingRecord();
        r.uuid = mapping.uuid();
        r.mapping = (ObjectNode) JSON.readTree(mapping.toJson());
        r.lastModified = Instant.parse("2026-12-01T10:00:00.250Z").toString();
        store.save(r);
        return r.uuid;
    }

    @Test
    void getAnswersEveryFieldOfTheConfigurationTheSdkKnows() {
        var c = lambda.getEventSourceMapping(b -> b.uuid(uuids.get(0)));
        assertThat(c.uuid()).isEqualTo(uuids.get(0));
        assertThat(c.state()).isEqualTo("Disabled");
        assertThat(c.stateTransitionReason()).isEqualTo("USER_INITIATED");
        assertThat(c.lastProcessingResult()).isEqualTo("OK");
        assertThat(c.batchSize()).isEqualTo(10);
        assertThat(c.startingPositionAsString()).isEqualTo("TRIM_HORIZON");
        assertThat(c.lastModified()).isEqualTo(Instant.parse("2026-12-01T10:00:00.250Z"));
        assertThat(c.functionArn()).matches("arn:aws:lambda:us-east-1:123456789012:function:(orders|audit)");
        assertThat(c.eventSourceMappingArn())
                .isEqualTo("arn:aws:lambda:us-east-1:123456789012:event-source-mapping:" + uuids.get(0));
        assertThat(c.selfManagedEventSource().endpointsAsStrings().get("KAFKA_BOOTSTRAP_SERVERS"))
                .containsExactly("k1:9092");
        assertThat(c.selfManagedKafkaEventSourceConfig().consumerGroupId()).isEqualTo(uuids.get(0));
        assertThat(c.topics()).hasSize(1);
    }

    @Test
    void anUnknownMappingIsResourceNotFound() {
        assertThatThrownBy(() -> lambda.getEventSourceMapping(b -> b.uuid("00000000-0000-0000-0000-000000000000")))
                .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(
                            "The resource you requested does not exist.");
                });
        assertThatThrownBy(() -> lambda.deleteEventSourceMapping(b -> b.uuid("not-a-uuid")))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void listPagesWithMaxItemsAndNextMarker() {
        List<String> seen = new ArrayList<>();
        String marker = null;
        int pages = 0;
        do {
            String m = marker;
            ListEventSourceMappingsResponse page = lambda.listEventSourceMappings(b -> b.maxItems(2).marker(m));
            assertThat(page.eventSourceMappings()).hasSizeLessThanOrEqualTo(2);
            page.eventSourceMappings().forEach(c -> seen.add(c.uuid()));
            marker = page.nextMarker();
            pages++;
        } while (marker != null);
        assertThat(seen).containsExactlyElementsOf(uuids);
        assertThat(pages).isEqualTo(3);

        // The SDK's own paginator follows NextMarker the same way.
        assertThat(lambda.listEventSourceMappingsPaginator(b -> b.maxItems(1)).eventSourceMappings().stream()
                .map(EventSourceMappingConfiguration::uuid).toList()).containsExactlyElementsOf(uuids);
        assertThat(lambda.listEventSourceMappings(b -> b.functionName("orders")).eventSourceMappings()).hasSize(3);
        assertThat(lambda.listEventSourceMappings(
                b -> b.functionName("arn:aws:lambda:us-east-1:123456789012:function:audit")).eventSourceMappings())
                .hasSize(2);
        assertThat(lambda.listEventSourceMappings(b -> b.eventSourceArn(
                "arn:aws:kafka:us-east-1:123456789012:cluster/c/1")).eventSourceMappings()).isEmpty();
    }

    @Test
    void listRefusesABadMaxItemsOrMarker() {
        assertThatThrownBy(() -> lambda.listEventSourceMappings(b -> b.maxItems(0)))
                .isInstanceOfSatisfying(InvalidParameterValueException.class, e -> assertThat(e.getMessage())
                        .contains("Member must have value between 1 and 10000"));
        assertThatThrownBy(() -> lambda.listEventSourceMappings(b -> b.marker("garbage")))
                .isInstanceOf(InvalidParameterValueException.class);
    }

    @Test
    void updateOfADisabledMappingRecordsTheChange() {
        var c = lambda.updateEventSourceMapping(b -> b.uuid(uuids.get(1)).batchSize(77));
        assertThat(c.batchSize()).isEqualTo(77);
        assertThat(c.state()).isEqualTo("Disabled");
        assertThat(store.require(uuids.get(1)).mapping.path("BatchSize").asInt()).isEqualTo(77);
    }

    @Test
    void anUpdateBreakingARuleIsInvalidParameterValue() {
        assertThatThrownBy(() -> lambda.updateEventSourceMapping(b -> b.uuid(uuids.get(1)).batchSize(20_000)))
                .isInstanceOfSatisfying(InvalidParameterValueException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorMessage()).contains("BatchSize");
                });
        assertThat(store.require(uuids.get(1)).mapping.path("BatchSize").asInt()).isEqualTo(10);
    }

    @Test
    void deleteAnswersDeletingAndForgetsTheMapping() {
        var d = lambda.deleteEventSourceMapping(b -> b.uuid(uuids.get(2)));
        assertThat(d.state()).isEqualTo("Deleting");
        assertThat(d.uuid()).isEqualTo(uuids.get(2));
        assertThat(store.load(uuids.get(2))).isEmpty();
    }

    @Test
    void anOperationThatCannotReachFlinkIsAServiceException() {
        assertThatThrownBy(() -> lambda.createEventSourceMapping(b -> b.functionName("orders").topics("fresh")
                .startingPosition("LATEST").selfManagedEventSource(s -> s.endpointsWithStrings(
                        java.util.Map.of("KAFKA_BOOTSTRAP_SERVERS", List.of("k1:9092"))))))
                .isInstanceOfSatisfying(ServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(500);
                    assertThat(e.awsErrorDetails().errorMessage()).contains("Cannot reach the Flink cluster");
                });
    }

    @Test
    void anInvalidMappingIsInvalidParameterValueBeforeFlinkIsAsked() {
        assertThatThrownBy(() -> lambda.createEventSourceMapping(b -> b.functionName("orders").topics("t")
                .startingPosition("LATEST").batchSize(0).selfManagedEventSource(s -> s.endpointsWithStrings(
                        java.util.Map.of("KAFKA_BOOTSTRAP_SERVERS", List.of("k1:9092"))))))
                .isInstanceOfSatisfying(InvalidParameterValueException.class, e -> assertThat(
                        e.awsErrorDetails().errorMessage()).contains("BatchSize"));
    }

    @Test
    void aWrongSecretIsInvalidSignature() {
        try (LambdaClient impostor = client("wrong-secret")) {
            assertThatThrownBy(() -> impostor.listEventSourceMappings())
                    .isInstanceOfSatisfying(LambdaException.class, e -> {
                        assertThat(e.statusCode()).isEqualTo(403);
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
                    });
        }
    }

    @Test
    void anUnsignedRequestIsUnrecognizedClientWithLambdasErrorShape() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/2015-03-31/event-source-mappings/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.headers().firstValue("x-amzn-ErrorType")).hasValue("UnrecognizedClientException");
        assertThat(JSON.readTree(r.body()).path("Type").asText()).isEqualTo("User");
        assertThat(JSON.readTree(r.body()).path("message").asText()).startsWith("Missing Authentication Token");
        assertThat(r.body()).doesNotContain("orders");
    }

    @Test
    void requestsBeyondTheConcurrencyLimitAreTooManyRequests() throws Exception {
        Esm esm = new Esm(new FlinkRest("http://127.0.0.1:1"), store, null, null,
                new Output.Account("us-east-1", "123456789012"));
        // A limit of 0 admits nothing: every authenticated request is over the limit.
        try (ApiServer full = ApiServer.start(esm, List.of(), AccessKeys.parse(KEYS, "test"),
                        new ApiServer.Settings("127.0.0.1", 0, 0, null, null));
                LambdaClient c = LambdaClient.builder()
                        .endpointOverride(URI.create("http://127.0.0.1:" + full.port()))
                        .region(Region.US_EAST_1)
                        .credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create("AKIDTEST", "test-secret")))
                        .httpClient(UrlConnectionHttpClient.create())
                        .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD)
                                .retryStrategy(b -> b.maxAttempts(1)))
                        .build()) {
            assertThatThrownBy(() -> c.getEventSourceMapping(b -> b.uuid(uuids.get(0))))
                    .isInstanceOfSatisfying(TooManyRequestsException.class,
                            e -> assertThat(e.statusCode()).isEqualTo(429));
        }
    }

    @Test
    void servesHttpsFromAPkcs12KeyStore() throws Exception {
        Path p12 = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-storetype", "PKCS12", "-keystore", p12.toString(), "-storepass", "changeit",
                "-alias", "esm", "-keyalg", "EC", "-dname", "CN=esm", "-ext", "san=ip:127.0.0.1", "-validity", "2")
                .redirectErrorStream(true).start();
        keytool.getInputStream().readAllBytes();
        assertThat(keytool.waitFor()).isZero();
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(p12)) {
            ks.load(in, "changeit".toCharArray());
        }
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks); // trust exactly the server's own certificate
        Esm esm = new Esm(new FlinkRest("http://127.0.0.1:1"), store, null, null,
                new Output.Account("us-east-1", "123456789012"));
        try (ApiServer tls = ApiServer.start(esm, List.of(), AccessKeys.parse(KEYS, "test"),
                        new ApiServer.Settings("127.0.0.1", 0, 8, p12, "changeit".toCharArray()));
                LambdaClient c = LambdaClient.builder()
                        .endpointOverride(URI.create("https://127.0.0.1:" + tls.port()))
                        .region(Region.US_EAST_1)
                        .credentialsProvider(StaticCredentialsProvider.create(
                                AwsBasicCredentials.create("AKIDTEST", "test-secret")))
                        .httpClient(UrlConnectionHttpClient.builder()
                                .tlsTrustManagersProvider(tmf::getTrustManagers).build())
                        .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD)
                                .retryStrategy(b -> b.maxAttempts(1)))
                        .build()) {
            assertThat(c.getEventSourceMapping(b -> b.uuid(uuids.get(0))).uuid()).isEqualTo(uuids.get(0));
        }
    }

    @Test
    void aMappingHasNoTagsForTerraformsRefresh() {
        String arn = "arn:aws:lambda:us-east-1:123456789012:event-source-mapping:" + uuids.get(0);
        assertThat(lambda.listTags(b -> b.resource(arn)).tags()).isEmpty();
    }

    @Test
    void anOperationThisServerDoesNotHaveIsUnknownOperation() {
        assertThatThrownBy(() -> lambda.getFunction(b -> b.functionName("orders")))
                .isInstanceOfSatisfying(LambdaException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnknownOperationException");
                });
    }

    @Test
    void everyErrorTypeHasLambdasStatus() {
        assertThat(ApiError.of("ResourceNotFoundException", "m").status()).isEqualTo(404);
        assertThat(ApiError.of("InvalidParameterValueException", "m").status()).isEqualTo(400);
        assertThat(ApiError.of("ResourceConflictException", "m").status()).isEqualTo(409);
        assertThat(ApiError.of("ResourceInUseException", "m").status()).isEqualTo(400);
        assertThat(ApiError.of("TooManyRequestsException", "m").status()).isEqualTo(429);
        assertThat(ApiError.of("ServiceException", "m").status()).isEqualTo(500);
        assertThat(ApiError.of("ServiceException", "m").kind()).isEqualTo("Service");
        assertThat(ApiError.from(new dev.flinkesm.cli.EsmError("ParamValidation", "x", 252)).type())
                .isEqualTo("InvalidParameterValueException");
        assertThat(ApiError.from(new IllegalStateException("secret detail")).message())
                .doesNotContain("secret detail");
    }

    @Test
    void aServiceErrorIsNotSdkRetryableByAccident() {
        // The SDK's classification of our 500: a service exception with status 500, so callers' retry policies apply.
        assertThatThrownBy(() -> lambda.createEventSourceMapping(b -> b.functionName("orders").topics("again")
                .startingPosition("LATEST").selfManagedEventSource(s -> s.endpointsWithStrings(
                        java.util.Map.of("KAFKA_BOOTSTRAP_SERVERS", List.of("k1:9092"))))))
                .isInstanceOfSatisfying(SdkServiceException.class, e -> assertThat(e.statusCode()).isEqualTo(500));
    }
}
