package dev.flinkesm.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkesm.cli.EsmCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.CreateEventSourceMappingRequest;
import software.amazon.awssdk.services.lambda.model.GetEventSourceMappingResponse;
import software.amazon.awssdk.services.lambda.model.LambdaException;
import software.amazon.awssdk.services.lambda.model.ResourceConflictException;
import software.amazon.awssdk.services.lambda.model.ResourceInUseException;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/**
 * {@code esm serve} (started as the command is, in this JVM) against a real multi-process Flink session cluster,
 * broker and function host, driven by unmodified third-party clients: the AWS SDK for Java v2 {@code LambdaClient},
 * Debian's AWS CLI v2 and boto3 (installed by this test when missing). Mappings that run a job are deleted by the
 * test that made them: the cluster has two slots.
 */
class MappingApiITCase {
    /**
     * Functions the local host serves that no other case here maps: create refuses a function that does not exist,
     * as AWS does, and these cases list mappings by function name.
     */
    private static final String RACE_FUNCTION = "demo-fails";
    private static final String PAGER_FUNCTION = "demo-slow";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY_ID = "AKIDESMOPERATOR";
    private static final String SECRET = "operator-secret-for-tests";

    private static LocalEnvironment env;
    private static String endpoint;
    private static Thread serve;
    private static LambdaClient lambda;

    @BeforeAll
    static void start() throws Exception {
        DebianPackages.ensureAwsCliAndBoto3();
        env = new LocalEnvironment("sdk:2", "cli:1", "boto:1");
        Path keys = env.dir.resolve("access-keys.json");
        Files.writeString(keys, "[{\"AccessKeyId\":\"" + KEY_ID + "\",\"SecretAccessKey\":\"" + SECRET + "\"}]");
        int port = LocalEnvironment.freePort();
        endpoint = "http://127.0.0.1:" + port;
        Map<String, String> cliEnv = Map.of("ESM_FLINK_URL", env.flinkUrl, "ESM_STORE", env.store.toString(),
                "ESM_JOB_JAR", env.jobJar.toString(), "AWS_REGION", "us-east-1");
        StringWriter out = new StringWriter();
        serve = new Thread(() -> EsmCli.run(cliEnv, new PrintWriter(out), new PrintWriter(System.err),
                "serve", "--port", String.valueOf(port), "--access-keys", keys.toString(),
                "--", "--lambda-endpoint", env.lambdaEndpoint, "--checkpoint-interval-ms", "2000"), "esm-serve");
        serve.setDaemon(true); // the command serves until the JVM ends
        serve.start();
        awaitListening(port);
        lambda = client(SECRET);
    }

    @AfterAll
    static void stop() {
        if (lambda != null) {
            lambda.close();
        }
        if (env != null) {
            env.close();
        }
    }

    private static void awaitListening(int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return;
            } catch (java.io.IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("esm serve is not listening on " + port);
    }

    private static LambdaClient client(String secret) {
        return LambdaClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY_ID, secret)))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryStrategy(RetryMode.STANDARD).retryStrategy(b -> b.maxAttempts(1)))
                .build();
    }

    private static String mappingJson(String function, String topic, int batchSize, boolean enabled) {
        return "{\"FunctionName\":\"" + function + "\",\"Topics\":[\"" + topic + "\"],"
                + "\"StartingPosition\":\"TRIM_HORIZON\",\"Enabled\":" + enabled + ","
                + "\"SelfManagedEventSource\":{\"Endpoints\":{\"KAFKA_BOOTSTRAP_SERVERS\":[\""
                + env.bootstrapServers + "\"]}},\"BatchSize\":" + batchSize + ",\"MaximumBatchingWindowInSeconds\":0}";
    }

    private static GetEventSourceMappingResponse awaitState(String uuid, String state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            var c = lambda.getEventSourceMapping(b -> b.uuid(uuid));
            if (state.equals(c.state())) {
                return c;
            }
            assertThat(System.nanoTime()).as("%s not %s: %s", uuid, state, c).isLessThan(deadline);
            Thread.sleep(300);
        }
    }

    private static void awaitGone(String uuid) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                lambda.getEventSourceMapping(b -> b.uuid(uuid));
            } catch (ResourceNotFoundException gone) {
                return;
            }
            assertThat(System.nanoTime()).as("%s still there after delete", uuid).isLessThan(deadline);
            Thread.sleep(300);
        }
    }

    // ------------------------------------------------------------------------------------------ AWS SDK for Java v2

    @Test
    void sdkLambdaClientCreatesUpdatesAndDeletesADeliveringMapping() throws Exception {
        CreateEventSourceMappingRequest request = CreateEventSourceMappingRequest.builder()
                .functionName("demo-logger").topics("sdk").startingPosition("TRIM_HORIZON").batchSize(50)
                .maximumBatchingWindowInSeconds(0)
                .selfManagedEventSource(s -> s.endpointsWithStrings(
                        Map.of("KAFKA_BOOTSTRAP_SERVERS", List.of(env.bootstrapServers))))
                .build();
        var created = lambda.createEventSourceMapping(request);
        String uuid = created.uuid();
        assertThat(created.sdkHttpResponse().statusCode()).isEqualTo(202);
        assertThat(created.state()).isIn("Creating", "Enabled");
        assertThat(created.functionArn()).isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:demo-logger");
        assertThatThrownBy(() -> lambda.createEventSourceMapping(request))
                .isInstanceOfSatisfying(ResourceConflictException.class,
                        e -> assertThat(e.statusCode()).isEqualTo(409));
        awaitState(uuid, "Enabled");

        Map<Integer, List<Long>> produced;
        try (TestProducer p = new TestProducer(env.bootstrapServers)) {
            produced = p.produce("sdk", 2, 300, 0);
        }
        Deliveries.awaitAll(env.deliveries, "sdk", produced, Duration.ofSeconds(60));

        // An update answers 202 while it is in progress; meanwhile 50 concurrent get/list calls are answered
        // correctly, and a second update is refused as Lambda refuses it.
        var updating = lambda.updateEventSourceMapping(b -> b.uuid(uuid).batchSize(7));
        assertThat(updating.sdkHttpResponse().statusCode()).isEqualTo(202);
        assertThat(updating.state()).isEqualTo("Updating");
        assertThat(updating.batchSize()).isEqualTo(7); // as Lambda answers: the new configuration, Updating
        assertThatThrownBy(() -> lambda.updateEventSourceMapping(b -> b.uuid(uuid).batchSize(8)))
                .isInstanceOfSatisfying(ResourceInUseException.class, e -> assertThat(e.statusCode()).isEqualTo(400));
        List<String> seen = concurrentGetsAndLists(uuid, 50);
        assertThat(seen).hasSize(50).allSatisfy(s -> assertThat(s).isIn("Updating", "Enabled"));
        assertThat(awaitState(uuid, "Enabled").batchSize()).isEqualTo(7);

        var disabled = lambda.updateEventSourceMapping(b -> b.uuid(uuid).enabled(false));
        assertThat(disabled.state()).isIn("Disabling", "Disabled");
        awaitState(uuid, "Disabled");
        assertThat(lambda.updateEventSourceMapping(b -> b.uuid(uuid).enabled(true)).state())
                .isIn("Enabling", "Enabled");
        awaitState(uuid, "Enabled");

        var deleted = lambda.deleteEventSourceMapping(b -> b.uuid(uuid));
        assertThat(deleted.sdkHttpResponse().statusCode()).isEqualTo(202);
        assertThat(deleted.state()).isEqualTo("Deleting");
        awaitGone(uuid);
        List<String> jobStates = new ArrayList<>();
        for (JsonNode job : JSON.readTree(env.rest("/jobs/overview")).path("jobs")) {
            if (job.path("name").asText().startsWith("esm " + uuid + " ")) {
                jobStates.add(job.path("state").asText());
            }
        }
        // create, update, disable/enable: three jobs of this mapping, none left running after the delete
        assertThat(jobStates).hasSize(3).doesNotContain("RUNNING", "CREATED", "INITIALIZING", "CANCELLING");
    }

    /** n calls at once, half get, half list; each answer's State of {@code uuid}. */
    private static List<String> concurrentGetsAndLists(String uuid, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<String>> answers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean get = i % 2 == 0;
            answers.add(pool.submit(() -> {
                go.await();
                if (get) {
                    var c = lambda.getEventSourceMapping(b -> b.uuid(uuid));
                    assertThat(c.uuid()).isEqualTo(uuid);
                    assertThat(c.batchSize()).isIn(50, 7);
                    return c.state();
                }
                var all = lambda.listEventSourceMappings(b -> b.functionName("demo-logger")).eventSourceMappings();
                return all.stream().filter(c -> c.uuid().equals(uuid)).findFirst().orElseThrow().state();
            }));
        }
        go.countDown();
        List<String> states = new ArrayList<>();
        for (Future<String> f : answers) {
            states.add(f.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();
        return states;
    }

    @Test
    void twoCreatesOfTheSameMappingAtOnceGiveOneMappingAndOneConflict() throws Exception {
        String json = mappingJson(RACE_FUNCTION, "race", 10, false);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HttpResult>> results = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            results.add(pool.submit(() -> {
                go.await();
                return awsCli("lambda", "create-event-source-mapping", "--cli-input-json", json);
            }));
        }
        go.countDown();
        List<HttpResult> r = new ArrayList<>();
        for (Future<HttpResult> f : results) {
            r.add(f.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();
        assertThat(r).filteredOn(x -> x.exit == 0).hasSize(1);
        assertThat(r).filteredOn(x -> x.exit == 254).singleElement().satisfies(x -> assertCliError(x,
                "ResourceConflictException", "CreateEventSourceMapping", "An event source mapping with "));
        String uuid = JSON.readTree(r.stream().filter(x -> x.exit == 0).findFirst().orElseThrow().out)
                .path("UUID").asText();
        assertThat(lambda.listEventSourceMappings(b -> b.functionName(RACE_FUNCTION)).eventSourceMappings())
                .singleElement().satisfies(c -> assertThat(c.uuid()).isEqualTo(uuid));
        lambda.deleteEventSourceMapping(b -> b.uuid(uuid));
        awaitGone(uuid);
    }

    // ------------------------------------------------------------------------------------------ authentication

    @Test
    void unsignedAndWronglySignedRequestsAreRefused() throws Exception {
        HttpResponse<String> unsigned = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(endpoint + "/2015-03-31/event-source-mappings/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(403);
        assertThat(unsigned.headers().firstValue("x-amzn-ErrorType")).hasValue("UnrecognizedClientException");

        try (LambdaClient impostor = client("not-the-secret")) {
            assertThatThrownBy(impostor::listEventSourceMappings).isInstanceOfSatisfying(LambdaException.class, e -> {
                assertThat(e.statusCode()).isEqualTo(403);
                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
            });
        }
        HttpResult wrongSecret = awsCliAs(KEY_ID, "not-the-secret", "lambda", "list-event-source-mappings");
        assertCliError(wrongSecret, "InvalidSignatureException", "ListEventSourceMappings",
                "The request signature we calculated does not match");
        HttpResult unknownKey = awsCliAs("AKIDSTRANGER", SECRET, "lambda", "list-event-source-mappings");
        assertCliError(unknownKey, "UnrecognizedClientException", "ListEventSourceMappings",
                "The security token included in the request is invalid.");
    }

    // ------------------------------------------------------------------------------------------ AWS CLI v2

    record HttpResult(int exit, String out, String err) {}

    private static HttpResult awsCli(String... args) throws Exception {
        return awsCliAs(KEY_ID, SECRET, args);
    }

    /** Debian's AWS CLI v2 with --endpoint-url pointed at esm serve, no config files, no pager. */
    private static HttpResult awsCliAs(String keyId, String secret, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(DebianPackages.AWS_CLI.toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--endpoint-url", endpoint, "--output", "json"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> e = pb.environment();
        e.put("AWS_ACCESS_KEY_ID", keyId);
        e.put("AWS_SECRET_ACCESS_KEY", secret);
        e.put("AWS_DEFAULT_REGION", "us-east-1");
        e.put("AWS_PAGER", "");
        e.put("AWS_MAX_ATTEMPTS", "1");
        e.put("AWS_CONFIG_FILE", env.dir.resolve("no-aws-config").toString());
        e.put("AWS_SHARED_CREDENTIALS_FILE", env.dir.resolve("no-aws-credentials").toString());
        Path errFile = env.dir.resolve("aws-" + System.nanoTime() + ".err");
        pb.redirectError(errFile.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("aws %s finished", String.join(" ", args)).isTrue();
        String err = Files.readString(errFile);
        System.out.println("$ aws " + String.join(" ", args) + "  -> exit " + p.exitValue()
                + (err.isBlank() ? "" : "\n  " + err.trim()));
        return new HttpResult(p.exitValue(), out, err);
    }

    private static HttpResult cli(String option, String value, String uuid) {
        try {
            return awsCli("lambda", "update-event-source-mapping", "--uuid", uuid, option, value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * botocore's sentence for a service error; it adds "(reached max retries: N)" before the colon when its retry
     * handler ran.
     */
    private static void assertCliError(HttpResult r, String type, String operation, String messageStart) {
        assertThat(r.exit).as("exit code; stderr: %s", r.err).isEqualTo(254);
        assertThat(r.err.trim()).matches(java.util.regex.Pattern.compile("(?s)An error occurred \\(" + type
                + "\\) when calling the " + operation + " operation( \\(reached max retries: \\d+\\))?: "
                + java.util.regex.Pattern.quote(messageStart) + ".*"));
    }

    private static JsonNode ok(HttpResult r) throws Exception {
        assertThat(r.exit).as("exit code; stderr: %s", r.err).isZero();
        return JSON.readTree(r.out);
    }

    @Test
    void awsCliDrivesTheLifecycleOfAMappingThatDelivers() throws Exception {
        Path file = env.dir.resolve("cli-mapping.json");
        Files.writeString(file, mappingJson("demo-logger", "cli", 20, true));
        JsonNode created = ok(awsCli("lambda", "create-event-source-mapping", "--cli-input-json", "file://" + file));
        String uuid = created.path("UUID").asText();
        assertThat(created.path("State").asText()).isIn("Creating", "Enabled");
        assertThat(created.path("LastModified").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d.*");
        awaitState(uuid, "Enabled");
        Map<Integer, List<Long>> produced;
        try (TestProducer p = new TestProducer(env.bootstrapServers)) {
            produced = p.produce("cli", 1, 100, 0);
        }
        assertThat(Deliveries.awaitAll(env.deliveries, "cli", produced, Duration.ofSeconds(60)))
                .allSatisfy(l -> assertThat(l.batchRecords()).isLessThanOrEqualTo(20));

        JsonNode got = ok(awsCli("lambda", "get-event-source-mapping", "--uuid", uuid));
        assertThat(got.path("State").asText()).isEqualTo("Enabled");
        assertThat(got.path("BatchSize").asInt()).isEqualTo(20);
        assertThat(got.path("Topics").get(0).asText()).isEqualTo("cli");

        JsonNode updated = ok(awsCli("lambda", "update-event-source-mapping", "--uuid", uuid, "--batch-size", "5"));
        assertThat(updated.path("State").asText()).isEqualTo("Updating");
        assertThat(awaitState(uuid, "Enabled").batchSize()).isEqualTo(5);
        assertThat(ok(awsCli("lambda", "update-event-source-mapping", "--uuid", uuid, "--no-enabled"))
                .path("State").asText()).isIn("Disabling", "Disabled");
        awaitState(uuid, "Disabled");
        assertThat(ok(awsCli("lambda", "update-event-source-mapping", "--uuid", uuid, "--enabled"))
                .path("State").asText()).isIn("Enabling", "Enabled");
        awaitState(uuid, "Enabled");

        // Each error type as the AWS CLI reports a service error: exit 254 and botocore's sentence.
        HttpResult missing = awsCli("lambda", "get-event-source-mapping", "--uuid",
                "00000000-0000-0000-0000-000000000000");
        assertCliError(missing, "ResourceNotFoundException", "GetEventSourceMapping",
                "The resource you requested does not exist.");
        HttpResult conflict = awsCli("lambda", "create-event-source-mapping", "--cli-input-json", "file://" + file);
        assertCliError(conflict, "ResourceConflictException", "CreateEventSourceMapping",
                "An event source mapping with topics [cli] and function (demo-logger) already exists.");
        HttpResult invalid = awsCli("lambda", "update-event-source-mapping", "--uuid", uuid, "--batch-size", "20000");
        assertCliError(invalid, "InvalidParameterValueException", "UpdateEventSourceMapping",
                "ESM_CONFIG_NOT_VALID: BatchSize 20000 is out of range");
        // Two updates at once: the one that arrives second finds the first in progress (it holds the mapping for
        // its whole stop-with-savepoint and resubmission, seconds).
        CompletableFuture<HttpResult> six = CompletableFuture.supplyAsync(() -> cli("--batch-size", "6", uuid));
        CompletableFuture<HttpResult> four = CompletableFuture.supplyAsync(() -> cli("--batch-size", "4", uuid));
        List<HttpResult> both = List.of(six.get(), four.get());
        assertThat(both).filteredOn(x -> x.exit == 0).hasSize(1);
        assertThat(both).filteredOn(x -> x.exit == 254).singleElement().satisfies(x -> assertCliError(x,
                "ResourceInUseException", "UpdateEventSourceMapping", "Cannot update the event source mapping"));
        assertThat(awaitState(uuid, "Enabled").batchSize()).isIn(6, 4);

        JsonNode deleted = ok(awsCli("lambda", "delete-event-source-mapping", "--uuid", uuid));
        assertThat(deleted.path("State").asText()).isEqualTo("Deleting");
        awaitGone(uuid);
    }

    @Test
    void awsCliListsPageByPageWithMaxItems() throws Exception {
        List<String> uuids = new ArrayList<>();
        for (String topic : List.of("page-a", "page-b", "page-c")) {
            uuids.add(ok(awsCli("lambda", "create-event-source-mapping", "--cli-input-json",
                    mappingJson(PAGER_FUNCTION, topic, 10, false))).path("UUID").asText());
        }
        uuids.sort(String::compareTo);
        JsonNode first = ok(awsCli("lambda", "list-event-source-mappings", "--function-name", PAGER_FUNCTION,
                "--max-items", "2", "--page-size", "1"));
        assertThat(first.path("EventSourceMappings").findValuesAsText("UUID")).containsExactlyElementsOf(
                uuids.subList(0, 2));
        String token = first.path("NextToken").asText();
        assertThat(token).isNotEmpty();
        JsonNode rest = ok(awsCli("lambda", "list-event-source-mappings", "--function-name", PAGER_FUNCTION,
                "--max-items", "2", "--page-size", "1", "--starting-token", token));
        assertThat(rest.path("EventSourceMappings").findValuesAsText("UUID")).containsExactly(uuids.get(2));
        assertThat(rest.has("NextToken")).isFalse();
        JsonNode all = ok(awsCli("lambda", "list-event-source-mappings", "--function-name", PAGER_FUNCTION));
        assertThat(all.path("EventSourceMappings").findValuesAsText("UUID")).containsExactlyElementsOf(uuids);
        for (String uuid : uuids) {
            ok(awsCli("lambda", "delete-event-source-mapping", "--uuid", uuid));
            awaitGone(uuid);
        }
    }

    // ------------------------------------------------------------------------------------------ boto3

    @Test
    void boto3RunsTheLifecycleAndEveryFieldMatchesBotocoresModel() throws Exception {
        Path script = env.dir.resolve("boto3_lifecycle.py");
        try (var in = MappingApiITCase.class.getResourceAsStream("/api/boto3_lifecycle.py")) {
            Files.write(script, in.readAllBytes());
        }
        Path mapping = env.dir.resolve("boto-mapping.json");
        Files.writeString(mapping, mappingJson("demo-logger", "boto", 25, true));
        ProcessBuilder pb = new ProcessBuilder(DebianPackages.PYTHON.toString(), script.toString(), endpoint, KEY_ID,
                SECRET, mapping.toString()).redirectErrorStream(true);
        pb.environment().put("AWS_CONFIG_FILE", env.dir.resolve("no-aws-config").toString());
        Process p = pb.start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(p.waitFor(240, TimeUnit.SECONDS)).as("boto3 script finished").isTrue();
        String out = output.get();
        System.out.println(out.lines().map(l -> "  [boto3] " + l + "\n").reduce("", String::concat));
        assertThat(p.exitValue()).as("boto3 script: %s", out).isZero();
        assertThat(out).contains("enabled ").contains("updated batch size").contains("disabled and enabled")
                .contains("errors ResourceConflictException InvalidParameterValueException").contains("deleted ");
    }

}
