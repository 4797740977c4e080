package dev.flinkesm.local.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.flinkesm.config.EventSourceMapping;
import dev.flinkesm.local.lambda.functions.RecordingFunction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secured clusters end to end: a real broker with SASL_SSL and SSL listeners, ACLs and a test CA
 * ({@link SecuredKafka}), the job on a MiniCluster, secrets in files and in a local Secrets Manager endpoint read
 * by the real SDK client. Each method either delivers every record or checks that the job stops once (FAILED under
 * a restart strategy that never gives up) with AWS's reason code and problem text.
 */
class SecurityITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = EsmHarness.miniCluster();

    private static final String SM_ARN_PREFIX = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:";
    private static final Map<String, String> SECRETS_MANAGER = new ConcurrentHashMap<>();
    private static SecuredKafka secured;
    private static EsmHarness harness;
    private static HttpServer secretsManager;
    @TempDir
    static Path secrets;

    @BeforeAll
    static void startRealParts() throws Exception {
        long started = System.nanoTime();
        secured = new SecuredKafka();
        harness = new EsmHarness(secured.kafka);
        secretsManager = startSecretsManager();
        // The SDK's standard per-service endpoint setting; the MiniCluster's task manager runs in this JVM.
        System.setProperty("aws.endpointUrlSecretsManager",
                "http://127.0.0.1:" + secretsManager.getAddress().getPort());
        System.err.printf("SecurityITCase: secured broker ready in %d ms%n", (System.nanoTime() - started) / 1_000_000);
    }

    @AfterAll
    static void stopRealParts() throws Exception {
        System.clearProperty("aws.endpointUrlSecretsManager");
        secretsManager.stop(0);
        harness.close();
        secured.close();
    }

    /** GetSecretValue over the JSON 1.1 protocol, from {@link #SECRETS_MANAGER}. */
    private static HttpServer startSecretsManager() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String arn = body.replaceAll("(?s).*\"SecretId\"\\s*:\\s*\"([^\"]+)\".*", "$1");
            String secret = SECRETS_MANAGER.get(arn);
            int status = secret == null ? 400 : 200;
            String response = secret == null
                    ? "{\"__type\":\"ResourceNotFoundException\",\"message\":\"Secrets Manager can't find the secret\"}"
                    : "{\"ARN\":\"" + arn + "\",\"Name\":\"n\",\"SecretString\":"
                            + SecuredKafka.secretJson(Map.of("s", secret)).substring(5).replaceAll("}$", "") + "}";
            byte[] bytes = response.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static String fileSecret(Map<String, String> values) {
        try {
            Path file = secrets.resolve("secret-" + UUID.randomUUID() + ".json");
            Files.writeString(file, SecuredKafka.secretJson(values));
            return file.toUri().toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String smSecret(Map<String, String> values) {
        String arn = SM_ARN_PREFIX + "kafka-" + UUID.randomUUID().toString().substring(0, 6);
        SECRETS_MANAGER.put(arn, SecuredKafka.secretJson(values));
        return arn;
    }

    private static String caSecret() {
        return fileSecret(Map.of("certificate", secured.caPem));
    }

    private static String entry(String type, String uri) {
        return "{\"Type\":\"" + type + "\",\"URI\":\"" + uri + "\"}";
    }

    private record Run(String topic, RecordingFunction function, Produced produced, EventSourceMapping mapping) {}

    /** A fresh topic with records, a function, and a mapping reading it over {@code bootstrap} with these entries. */
    private static Run prepare(String bootstrap, String... accessEntries) throws Exception {
        String topic = EsmHarness.uniqueTopic(SecuredKafka.PREFIX + "t");
        secured.kafka.createTopic(topic, 2);
        String function = "fn-" + UUID.randomUUID().toString().substring(0, 8);
        RecordingFunction recording = new RecordingFunction();
        harness.functions.register(function, recording);
        Produced produced = new Produced();
        try (Produced.Producer producer = Produced.producer(secured.kafka.bootstrapServers())) {
            producer.fill(topic, 2, 100).flushInto(produced);
        }
        EventSourceMapping mapping = harness.mapping("{\"FunctionName\":\"" + function + "\",\"Topics\":[\"" + topic
                + "\"],\"StartingPosition\":\"TRIM_HORIZON\","
                + "\"SelfManagedEventSource\":{\"Endpoints\":{\"KAFKA_BOOTSTRAP_SERVERS\":[\"" + bootstrap + "\"]}},"
                + "\"SelfManagedKafkaEventSourceConfig\":{\"ConsumerGroupId\":\"" + SecuredKafka.PREFIX + "g-"
                + UUID.randomUUID() + "\"},"
                + "\"SourceAccessConfigurations\":[" + String.join(",", accessEntries) + "],"
                + "\"BatchSize\":50,\"MaximumBatchingWindowInSeconds\":0}");
        return new Run(topic, recording, produced, mapping);
    }

    private static void deliversEverything(Run run) throws Exception {
        long started = System.nanoTime();
        JobClient job = harness.start(run.mapping, harness.fastOptions());
        try {
            Await.until(Duration.ofSeconds(60), () -> run.function.delivered().size() >= run.produced.count(),
                    () -> "delivered " + run.function.delivered().size() + " of " + run.produced.count()
                            + ", job " + status(job));
        } finally {
            EsmHarness.cancel(job);
        }
        DeliveryCheck.of(run.produced, run.function.delivered()).assertExactlyOnceInOrder();
        System.err.printf("SecurityITCase: delivered %d records in %d ms%n", run.produced.count(),
                (System.nanoTime() - started) / 1_000_000);
    }

    /** Runs the mapping; it must end FAILED (no restart loop: restarts never give up) and say why. */
    private static String stopsOnceWith(Run run, String expected) throws Exception {
        long started = System.nanoTime();
        JobClient job = harness.startRestartingForever(run.mapping, harness.fastOptions());
        try {
            Await.until(Duration.ofSeconds(60), () -> status(job) == JobStatus.FAILED,
                    () -> "job is " + status(job) + ", expected FAILED without restarts");
        } finally {
            EsmHarness.cancel(job);
        }
        String failure;
        try {
            job.getJobExecutionResult().get();
            throw new AssertionError("the job did not fail");
        } catch (ExecutionException e) {
            failure = chain(e);
        }
        assertThat(failure).contains(expected);
        assertThat(run.function.delivered()).isEmpty();
        System.err.printf("SecurityITCase: stopped with '%s' after %d ms%n", expected,
                (System.nanoTime() - started) / 1_000_000);
        return failure;
    }

    private static JobStatus status(JobClient job) {
        try {
            return job.getJobStatus().get();
        } catch (Exception e) {
            return null;
        }
    }

    private static String chain(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            text.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
        }
        return text.toString();
    }

    private static Map<String, String> scram(String user, String password) {
        return Map.of("username", user, "password", password);
    }

    // ---- delivery on each method ----

    @Test
    void scram512FromAFileSecretDelivers() throws Exception {
        deliversEverything(prepare(secured.saslSslBootstrap(),
                entry("SASL_SCRAM_512_AUTH", fileSecret(scram(SecuredKafka.SCRAM_USER, SecuredKafka.SCRAM_PASSWORD))),
                entry("SERVER_ROOT_CA_CERTIFICATE", caSecret())));
    }

    @Test
    void scram256FromSecretsManagerDelivers() throws Exception {
        deliversEverything(prepare(secured.saslSslBootstrap(),
                entry("SASL_SCRAM_256_AUTH", smSecret(scram(SecuredKafka.SCRAM_USER, SecuredKafka.SCRAM_PASSWORD))),
                entry("SERVER_ROOT_CA_CERTIFICATE", smSecret(Map.of("certificate", secured.caPem)))));
    }

    @Test
    void basicAuthOverTlsDelivers() throws Exception {
        deliversEverything(prepare(secured.saslSslBootstrap(),
                entry("BASIC_AUTH", fileSecret(scram(SecuredKafka.PLAIN_USER, SecuredKafka.PLAIN_PASSWORD))),
                entry("SERVER_ROOT_CA_CERTIFICATE", caSecret())));
    }

    @Test
    void mutualTlsDelivers() throws Exception {
        deliversEverything(prepare(secured.sslBootstrap(),
                entry("CLIENT_CERTIFICATE_TLS_AUTH", fileSecret(Map.of(
                        "certificate", secured.clientChainPem, "privateKey", secured.clientKeyPem))),
                entry("SERVER_ROOT_CA_CERTIFICATE", caSecret())));
    }

    // ---- failures: one stop, with the reason ----

    @Test
    void aWrongPasswordStopsWithSaslAuthenticationFailed() throws Exception {
        stopsOnceWith(prepare(secured.saslSslBootstrap(),
                        entry("SASL_SCRAM_512_AUTH", fileSecret(scram(SecuredKafka.SCRAM_USER, "wrong-password"))),
                        entry("SERVER_ROOT_CA_CERTIFICATE", caSecret())),
                "EVENT_SOURCE_AUTHN_ERROR: PROBLEM: SASL authentication failed");
    }

    @Test
    void anUnknownUserStopsWithSaslAuthenticationFailed() throws Exception {
        stopsOnceWith(prepare(secured.saslSslBootstrap(),
                        entry("BASIC_AUTH", fileSecret(scram("mallory", "whatever"))),
                        entry("SERVER_ROOT_CA_CERTIFICATE", caSecret())),
                "EVENT_SOURCE_AUTHN_ERROR: PROBLEM: SASL authentication failed");
    }

    @Test
    void anUntrustedBrokerCertificateStopsWithLambdaFailedToAuthenticateServer() throws Exception {
        stopsOnceWith(prepare(secured.saslSslBootstrap(),
                        entry("SASL_SCRAM_512_AUTH",
                                fileSecret(scram(SecuredKafka.SCRAM_USER, SecuredKafka.SCRAM_PASSWORD)))),
                "EVENT_SOURCE_AUTHN_ERROR: PROBLEM: Lambda failed to authenticate server");
    }

    @Test
    void aMissingTopicAclStopsWithClusterFailedToAuthorizeLambda() throws Exception {
        stopsOnceWith(prepare(secured.saslSslBootstrap(),
                        entry("SASL_SCRAM_512_AUTH",
                                fileSecret(scram(SecuredKafka.NO_TOPIC_USER, SecuredKafka.SCRAM_PASSWORD))),
                        entry("SERVER_ROOT_CA_CERTIFICATE", caSecret())),
                "EVENT_SOURCE_AUTHZ_ERROR: PROBLEM: Cluster failed to authorize Lambda");
    }

    @Test
    void aMissingGroupAclStopsWithClusterFailedToAuthorizeLambda() throws Exception {
        String failure = stopsOnceWith(prepare(secured.saslSslBootstrap(),
                        entry("SASL_SCRAM_512_AUTH",
                                fileSecret(scram(SecuredKafka.NO_GROUP_USER, SecuredKafka.SCRAM_PASSWORD))),
                        entry("SERVER_ROOT_CA_CERTIFICATE", caSecret())),
                "EVENT_SOURCE_AUTHZ_ERROR: PROBLEM: Cluster failed to authorize Lambda");
        assertThat(failure).contains("GroupAuthorizationException");
    }

    @Test
    void aSecretThatCannotBeReadStopsWithConfigNotValidNamingTheEntry() throws Exception {
        stopsOnceWith(prepare(secured.saslSslBootstrap(),
                        entry("SASL_SCRAM_512_AUTH", "file:///no/such/secret.json"),
                        entry("SERVER_ROOT_CA_CERTIFICATE", caSecret())),
                "ESM_CONFIG_NOT_VALID: PROBLEM: SourceAccessConfigurations[0].URI file:///no/such/secret.json: "
                        + "secret cannot be read (NoSuchFileException)");
    }

    @Test
    void aMissingSecretsManagerSecretStopsWithConfigNotValid() throws Exception {
        stopsOnceWith(prepare(secured.saslSslBootstrap(),
                        entry("SERVER_ROOT_CA_CERTIFICATE", caSecret()),
                        entry("SASL_SCRAM_512_AUTH", SM_ARN_PREFIX + "gone-AbCdEf")),
                "ESM_CONFIG_NOT_VALID: PROBLEM: SourceAccessConfigurations[1].URI " + SM_ARN_PREFIX
                        + "gone-AbCdEf: secret cannot be read (ResourceNotFoundException, HTTP 400)");
    }

    // ---- no secret anywhere Flink keeps or shows things ----

    @Test
    void secretsAreNotInTheJobConfigurationLogsOrSavepoints(
            @InjectClusterClient ClusterClient<?> client, @TempDir Path savepoints) throws Exception {
        String keyText = secured.clientKeyPem.split("\n")[1]; // a line of the key's base64
        Run run = prepare(secured.saslSslBootstrap(),
                entry("SASL_SCRAM_512_AUTH", fileSecret(scram(SecuredKafka.SCRAM_USER, SecuredKafka.SCRAM_PASSWORD))),
                entry("SERVER_ROOT_CA_CERTIFICATE", caSecret()));
        StringBuilder logs = new StringBuilder();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        AbstractAppender capture = new AbstractAppender("secret-leak-check", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                synchronized (logs) {
                    logs.append(event.getMessage().getFormattedMessage()).append('\n');
                    if (event.getThrown() != null) {
                        logs.append(chain(event.getThrown()));
                    }
                }
            }
        };
        capture.start();
        context.getConfiguration().getRootLogger().addAppender(capture, Level.ALL, null);
        // Flink and Kafka's clients at INFO for this job, so the capture sees more than warnings.
        Configurator.setLevel("org.apache.kafka.clients", Level.INFO);
        Configurator.setLevel("org.apache.flink", Level.INFO);
        String savepoint;
        String config;
        String plan;
        try {
            JobClient job = harness.start(run.mapping, harness.fastOptions());
            Await.until(Duration.ofSeconds(60), () -> run.function.delivered().size() >= run.produced.count(),
                    () -> "delivered " + run.function.delivered().size() + " of " + run.produced.count());
            String rest = client.getWebInterfaceURL();
            config = get(rest + "/jobs/" + job.getJobID() + "/config");
            plan = get(rest + "/jobs/" + job.getJobID() + "/plan");
            savepoint = job.stopWithSavepoint(false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get();
            Await.until(Duration.ofSeconds(30), () -> EsmHarness.terminal(job), () -> "job did not stop");
        } finally {
            context.getConfiguration().getRootLogger().removeAppender("secret-leak-check");
            Configurator.setLevel("org.apache.kafka.clients", Level.WARN);
            Configurator.setLevel("org.apache.flink", Level.WARN);
        }
        StringBuilder savepointBytes = new StringBuilder();
        try (Stream<Path> files = Files.walk(Path.of(URI.create(savepoint.startsWith("file:") ? savepoint
                : "file://" + savepoint)))) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                savepointBytes.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
            }
        }
        String captured;
        synchronized (logs) {
            captured = logs.toString();
        }
        // The checks look at real data: the job's configuration, Kafka's configuration dump, a savepoint.
        assertThat(config).contains("\"jid\"").contains("user-config");
        assertThat(captured).contains("Received job submission");
        assertThat(savepointBytes.length()).isGreaterThan(0);
        for (String secret : new String[] {SecuredKafka.SCRAM_PASSWORD, keyText}) {
            assertThat(config).doesNotContain(secret);
            assertThat(plan).doesNotContain(secret);
            assertThat(captured).doesNotContain(secret);
            assertThat(savepointBytes.toString()).doesNotContain(secret);
        }
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        return response.body();
    }
}
