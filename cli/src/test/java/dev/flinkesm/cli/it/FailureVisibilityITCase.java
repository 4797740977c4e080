package dev.flinkesm.cli.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkesm.cli.FlinkRest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The table, rerun as a user would on a real session cluster: every misconfiguration is named in
 * {@code esm get} within 60 s, the JobManager stays up, and no job restarts into its problem. One cluster for all
 * rows; each test removes its mappings so that the next has the cluster's two task slots.
 */
class FailureVisibilityITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WITHIN = Duration.ofSeconds(60);
    private static final String CONNECTION_ERROR =
            "PROBLEM: Connection error. Please check your event source connection configuration.";
    private static LocalEnvironment env;
    private static FlinkRest flink;

    @BeforeAll
    static void start() throws Exception {
        env = new LocalEnvironment("beside:1", "calls:1", "secured:1");
        flink = new FlinkRest(env.flinkUrl);
    }

    @AfterAll
    static void stop() {
        if (env != null) {
            env.close();
        }
    }

    private static String mapping(String function, String topic, String bootstrap, String extra) {
        return "{\"FunctionName\":\"" + function + "\",\"Topics\":[\"" + topic + "\"],"
                + "\"StartingPosition\":\"TRIM_HORIZON\",\"BatchSize\":10,\"MaximumBatchingWindowInSeconds\":0,"
                + "\"SelfManagedEventSource\":{\"Endpoints\":{\"KAFKA_BOOTSTRAP_SERVERS\":[\"" + bootstrap + "\"]}}"
                + extra + "}";
    }

    private static Path file(String json) throws Exception {
        Path file = env.dir.resolve("m-" + System.nanoTime() + ".json");
        Files.writeString(file, json);
        return file;
    }

    /** Creates the mapping (without waiting) against {@code endpoint}; returns its UUID. */
    private static String create(String mappingJson, String endpoint) throws Exception {
        LocalEnvironment.Result r = env.esm("create", "--cli-input-json", "file://" + file(mappingJson),
                "--", "--lambda-endpoint", endpoint, "--checkpoint-interval-ms", "2000");
        assertThat(r.exitCode()).as("create; stderr: %s", r.err()).isZero();
        return JSON.readTree(r.out()).path("UUID").asText();
    }

    private static JsonNode get(String uuid) throws Exception {
        return JSON.readTree(env.esm("get", "--uuid", uuid).out());
    }

    private static JsonNode await(String uuid, Predicate<JsonNode> condition, String what) throws Exception {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        JsonNode c;
        do {
            c = get(uuid);
            if (condition.test(c)) {
                return c;
            }
            Thread.sleep(1000);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("mapping " + uuid + ": not " + what + " within " + WITHIN + ": " + c);
    }

    private static Predicate<JsonNode> result(String state, String lastProcessingResultStart) {
        return c -> state.equals(c.path("State").asText())
                && c.path("LastProcessingResult").asText().startsWith(lastProcessingResultStart);
    }

    private static String jobId(String uuid) {
        for (JsonNode job : flink.get("/jobs/overview").path("jobs")) {
            if (job.path("name").asText().startsWith("esm " + uuid + " ")
                    && !Set.of("CANCELED", "FAILED", "FINISHED").contains(job.path("state").asText())) {
                return job.path("jid").asText();
            }
        }
        throw new AssertionError("no active job for mapping " + uuid);
    }

    /** The JobManager answers, the job runs, and it never failed over (no entry in its exception history). */
    private static void assertAliveAndNotRestarting(String uuid) {
        assertThat(flink.get("/overview").path("taskmanagers").asInt()).isPositive();
        String jobId = jobId(uuid);
        assertThat(flink.get("/jobs/" + jobId).path("state").asText()).isEqualTo("RUNNING");
        assertThat(flink.exceptions(jobId).path("exceptionHistory").path("entries")).isEmpty();
    }

    private static void delete(String... uuids) {
        for (String uuid : uuids) {
            assertThat(env.esm("delete", "--uuid", uuid).exitCode()).isZero();
        }
    }

    private static int closedPort() throws Exception {
        return LocalEnvironment.freePort(); // nothing listens there once the probe socket is closed
    }

    @Test
    void anInvalidMappingSubmittedThroughRestIsRefusedWithItsMessageAndTheJobManagerStaysUp() throws Exception {
        String beside = create(mapping("demo-logger", "beside", env.bootstrapServers, ""), env.lambdaEndpoint);
        try {
            await(beside, result("Enabled", "OK"), "Enabled");
            String jarId = flink.get("/jars").path("files").get(0).path("id").asText();
            String invalid = mapping("demo-logger", "beside", env.bootstrapServers, ",\"BatchSize\":20000")
                    .replace("\"BatchSize\":10,", "");
            FlinkRest.HttpError refused = catchThrowableOfType(FlinkRest.HttpError.class,
                    () -> flink.run(jarId, List.of("--mapping-json", invalid), null));
            System.out.println("REST refusal: " + refused.getMessage());
            assertThat(refused.status()).isBetween(400, 599);
            assertThat(refused.getMessage()).contains("ESM_CONFIG_NOT_VALID: BatchSize 20000 is out of range 1..10000");

            // The job's main asks Lambda about the function too, whoever submits it.
            FlinkRest.HttpError noFunction = catchThrowableOfType(FlinkRest.HttpError.class,
                    () -> flink.run(jarId, List.of("--mapping-json",
                            mapping("no-such-function", "beside", env.bootstrapServers, ""),
                            "--lambda-endpoint", env.lambdaEndpoint), null));
            assertThat(noFunction.getMessage())
                    .contains("FUNCTION_CONFIG_NOT_VALID: PROBLEM: ResourceNotFoundException: ")
                    .contains("no-such-function");

            Thread.sleep(2000); // what System.exit did took the JobManager down within a second
            assertAliveAndNotRestarting(beside);
            assertThat(get(beside).path("State").asText()).isEqualTo("Enabled");
        } finally {
            delete(beside);
        }
    }

    @Test
    void brokersThatNothingListensOnAreAConnectionError() throws Exception {
        String uuid = create(mapping("demo-logger", "beside", "127.0.0.1:" + closedPort(), ""), env.lambdaEndpoint);
        try {
            JsonNode c = await(uuid, result("Enabled", CONNECTION_ERROR), "a connection error");
            assertThat(c.path("LastProcessingResult").asText()).isEqualTo(CONNECTION_ERROR);
            assertThat(c.path("StateTransitionReason").asText()).isEqualTo("USER_INITIATED");
            assertAliveAndNotRestarting(uuid);
        } finally {
            delete(uuid);
        }
    }

    @Test
    void saslOverTlsAgainstAPlaintextPortIsAConnectionError() throws Exception {
        Path secret = env.dir.resolve("basic-auth.json");
        Files.writeString(secret, "{\"username\":\"alice\",\"password\":\"not-used\"}");
        String uuid = create(mapping("demo-logger", "secured", env.bootstrapServers,
                ",\"SourceAccessConfigurations\":[{\"Type\":\"BASIC_AUTH\",\"URI\":\"file://" + secret + "\"}]"),
                env.lambdaEndpoint);
        try {
            JsonNode c = await(uuid, r -> !r.path("LastProcessingResult").asText().equals("OK")
                    && !r.path("State").asText().equals("Creating"), "named");
            System.out.println("BASIC_AUTH against PLAINTEXT: " + c);
            assertThat(c.path("LastProcessingResult").asText()).isEqualTo(CONNECTION_ERROR);
            assertAliveAndNotRestarting(uuid);
        } finally {
            delete(uuid);
        }
    }

    @Test
    void aMissingTopicIsNamedWhileTheMappingWaitsAndClearedOnceTheTopicExists() throws Exception {
        String uuid = create(mapping("demo-logger", "created-later", env.bootstrapServers, ""), env.lambdaEndpoint);
        try {
            JsonNode c = await(uuid, result("Enabled", "PROBLEM: Topic not found"), "topic not found");
            assertThat(c.path("StateTransitionReason").asText()).isEqualTo("USER_INITIATED");
            assertAliveAndNotRestarting(uuid);

            Properties p = new Properties();
            p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, env.bootstrapServers);
            try (Admin admin = Admin.create(p)) {
                admin.createTopics(List.of(new NewTopic("created-later", 1, (short) 1))).all().get();
            }
            Map<Integer, List<Long>> produced;
            try (TestProducer producer = new TestProducer(env.bootstrapServers)) {
                produced = producer.produce("created-later", 1, 20, 0);
            }
            Deliveries.awaitAll(env.deliveries, "created-later", produced, WITHIN);
            await(uuid, result("Enabled", "OK"), "OK again");
            assertAliveAndNotRestarting(uuid);
        } finally {
            delete(uuid);
        }
    }

    @Test
    void aFunctionEndpointThatIsDownWhileRecordsWaitIsAFunctionCallFailure() throws Exception {
        String uuid = create(mapping("demo-logger", "calls", env.bootstrapServers, ""),
                "http://127.0.0.1:" + closedPort());
        try {
            try (TestProducer producer = new TestProducer(env.bootstrapServers)) {
                producer.produce("calls", 1, 5, 0);
            }
            JsonNode c = await(uuid, result("Enabled", "PROBLEM: Function call failed"), "a function call failure");
            assertThat(c.path("StateTransitionReason").asText()).isEqualTo("USER_INITIATED");
            assertAliveAndNotRestarting(uuid);
        } finally {
            delete(uuid);
        }
    }

    @Test
    void aMappingWithoutAFreeTaskSlotSaysHowManyItNeedsAndHowManyAreFree() throws Exception {
        String first = create(mapping("demo-logger", "beside", env.bootstrapServers, ""), env.lambdaEndpoint);
        String second = create(mapping("demo-logger", "calls", env.bootstrapServers, ""), env.lambdaEndpoint);
        String third = create(mapping("demo-logger", "secured", env.bootstrapServers, ""), env.lambdaEndpoint);
        try {
            await(first, result("Enabled", "OK"), "Enabled");
            await(second, result("Enabled", "OK"), "Enabled");
            JsonNode waiting = await(third, result("Creating", "PROBLEM: Waiting for task slots"), "waiting");
            assertThat(waiting.path("LastProcessingResult").asText())
                    .startsWith("PROBLEM: Waiting for task slots: the job needs 1, 0 of 2 are free.");

            delete(first);
            first = null;
            await(third, result("Enabled", "OK"), "Enabled once a slot is free");
        } finally {
            if (first != null) {
                delete(first);
            }
            delete(second, third);
        }
    }

    @Test
    void aMissingFunctionOrOneThatMayRunTooLongIsRefusedByCreateAndValidate() throws Exception {
        Path missing = file(mapping("no-such-function", "beside", env.bootstrapServers, ""));
        LocalEnvironment.Result created = env.esm("create", "--cli-input-json", "file://" + missing,
                "--", "--lambda-endpoint", env.lambdaEndpoint);
        assertThat(created.exitCode()).isEqualTo(254);
        assertThat(created.err()).startsWith("ResourceNotFoundException: ").contains("no-such-function");
        assertThat(env.esm("list").out()).doesNotContain("no-such-function");

        LocalEnvironment.Result validated = env.esm("validate", "--cli-input-json", "file://" + missing,
                "--", "--lambda-endpoint", env.lambdaEndpoint);
        assertThat(validated.exitCode()).isEqualTo(254);
        assertThat(validated.err()).startsWith("ResourceNotFoundException: ");

        Path tooLong = file(mapping("demo-timeout-15min", "beside", env.bootstrapServers, ""));
        LocalEnvironment.Result refused = env.esm("validate", "--cli-input-json", "file://" + tooLong,
                "--", "--lambda-endpoint", env.lambdaEndpoint);
        assertThat(refused.exitCode()).isEqualTo(254);
        assertThat(refused.err()).startsWith("InvalidParameterValueException: Function demo-timeout-15min has a "
                + "timeout of 900 seconds");

        Path invalid = file(mapping("demo-logger", "beside", env.bootstrapServers, ",\"BatchSize\":20000")
                .replace("\"BatchSize\":10,", ""));
        LocalEnvironment.Result invalidResult = env.esm("validate", "--cli-input-json", "file://" + invalid);
        assertThat(invalidResult.exitCode()).isEqualTo(254);
        assertThat(invalidResult.err())
                .startsWith("InvalidParameterValueException: ESM_CONFIG_NOT_VALID: BatchSize 20000 is out of range");

        Path good = file(mapping("demo-logger", "beside", env.bootstrapServers, ""));
        LocalEnvironment.Result ok = env.esm("validate", "--cli-input-json", "file://" + good,
                "--", "--lambda-endpoint", env.lambdaEndpoint);
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(JSON.readTree(ok.out()).path("Valid").asBoolean()).isTrue();
    }
}
