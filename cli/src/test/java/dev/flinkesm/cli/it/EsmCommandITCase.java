package dev.flinkesm.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flinkesm.deploy.MonitoredMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The esm command against a real multi-process Flink session cluster, a real broker and the function host: every
 * produced offset is checked against what the function received.
 */
class EsmCommandITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalEnvironment env;

    @BeforeAll
    static void start() throws Exception {
        env = new LocalEnvironment("flow:2", "upd:2", "onoff:2", "bad:1");
    }

    @AfterAll
    static void stop() {
        if (env != null) {
            env.close();
        }
    }

    private static String mapping(String function, String topic, int batchSize, int windowSeconds) {
        return "{\"FunctionName\":\"" + function + "\",\"Topics\":[\"" + topic + "\"],"
                + "\"StartingPosition\":\"TRIM_HORIZON\","
                + "\"SelfManagedEventSource\":{\"Endpoints\":{\"KAFKA_BOOTSTRAP_SERVERS\":[\""
                + env.bootstrapServers + "\"]}},\"BatchSize\":" + batchSize
                + ",\"MaximumBatchingWindowInSeconds\":" + windowSeconds + "}";
    }

    private static JsonNode ok(LocalEnvironment.Result r) throws Exception {
        assertThat(r.exitCode()).as("exit code; stderr: %s", r.err()).isZero();
        return JSON.readTree(r.out());
    }

    private static JsonNode create(String mappingJson) throws Exception {
        Path file = env.dir.resolve("m-" + System.nanoTime() + ".json");
        Files.writeString(file, mappingJson);
        return ok(env.esm("create", "--cli-input-json", "file://" + file, "--wait",
                "--", "--lambda-endpoint", env.lambdaEndpoint, "--checkpoint-interval-ms", "2000"));
    }

    private static JsonNode get(String uuid) throws Exception {
        return ok(env.esm("get", "--uuid", uuid));
    }

    private static JsonNode awaitState(String uuid, String state, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode c;
        do {
            c = JSON.readTree(env.esm("get", "--uuid", uuid).out());
            if (state.equals(c.path("State").asText())) {
                return c;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("mapping " + uuid + " not " + state + " after " + timeout + ": " + c);
    }

    private static void delete(String uuid) throws Exception {
        JsonNode d = ok(env.esm("delete", "--uuid", uuid));
        assertThat(d.path("State").asText()).isEqualTo("Deleting");
    }

    @Test
    void createGetListMetricsDelete() throws Exception {
        JsonNode created = create(mapping("demo-logger", "flow", 50, 0));
        String uuid = created.path("UUID").asText();
        assertThat(created.path("State").asText()).isEqualTo("Enabled");
        assertThat(created.path("FunctionArn").asText()).endsWith(":function:demo-logger");
        assertThat(created.path("LastProcessingResult").asText()).isEqualTo("OK");
        assertThat(created.path("StateTransitionReason").asText()).isEqualTo("USER_INITIATED");

        Map<Integer, List<Long>> produced;
        try (TestProducer p = new TestProducer(env.bootstrapServers)) {
            produced = p.produce("flow", 2, 600, 0);
        }
        List<Deliveries.Line> received = Deliveries.awaitAll(env.deliveries, "flow", produced, Duration.ofSeconds(60));
        assertThat(received).allSatisfy(l -> assertThat(l.batchRecords()).isLessThanOrEqualTo(50));

        JsonNode got = get(uuid);
        assertThat(got.path("UUID").asText()).isEqualTo(uuid);
        assertThat(got.path("Topics").get(0).asText()).isEqualTo("flow");
        assertThat(got.path("BatchSize").asInt()).isEqualTo(50);
        assertThat(got.path("StartingPosition").asText()).isEqualTo("TRIM_HORIZON");
        assertThat(got.path("SelfManagedEventSource").path("Endpoints").path("KAFKA_BOOTSTRAP_SERVERS").get(0)
                .asText()).isEqualTo(env.bootstrapServers);
        assertThat(got.path("SelfManagedKafkaEventSourceConfig").path("ConsumerGroupId").asText()).isEqualTo(uuid);
        assertThat(got.path("State").asText()).isEqualTo("Enabled");
        assertThat(got.path("LastModified").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*\\+00:00");

        JsonNode list = ok(env.esm("list", "--function-name", "demo-logger"));
        assertThat(list.path("EventSourceMappings").findValuesAsText("UUID")).contains(uuid);
        assertThat(ok(env.esm("list", "--function-name", "other-function")).path("EventSourceMappings")).isEmpty();
        String table = env.esm("list", "--output", "table").out();
        assertThat(table).contains("UUID").contains(uuid).contains("Enabled").contains("demo-logger");

        // A second create of the same mapping conflicts, as on AWS.
        Path again = env.dir.resolve("again.json");
        Files.writeString(again, mapping("demo-logger", "flow", 50, 0));
        LocalEnvironment.Result conflict = env.esm("create", "--cli-input-json", "file://" + again);
        assertThat(conflict.exitCode()).isEqualTo(254);
        assertThat(conflict.err()).startsWith("ResourceConflictException: ");

        // Metrics under AWS's names in the TaskManager's Prometheus endpoint: every delivered record counted once.
        long delivered = received.size();
        long invoked = -1;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            invoked = metric(env.prometheus(), "InvokedEventCount", uuid);
            if (invoked == delivered) {
                break;
            }
            Thread.sleep(500);
        }
        assertThat(invoked).as("InvokedEventCount of %s", uuid).isEqualTo(delivered);

        // Every series deploy/'s Grafana dashboard and Prometheus alert rules query is in the running job's scrape.
        Set<MonitoredMetrics.Series> monitored = MonitoredMetrics.of(env.repo);
        String scrape = env.prometheus();
        assertThat(monitored).hasSizeGreaterThan(15).allSatisfy(series ->
                assertThat(series.isIn(scrape)).as("%s in the scrape of a running mapping", series).isTrue());

        delete(uuid);
        LocalEnvironment.Result gone = env.esm("get", "--uuid", uuid);
        assertThat(gone.exitCode()).isEqualTo(254);
        assertThat(gone.err().trim())
                .isEqualTo("ResourceNotFoundException: The resource you requested does not exist.");
        assertThat(env.rest("/jobs/overview")).doesNotContain("\"state\":\"RUNNING\"");
    }

    /** Sum of a counter over the series of one mapping's job. */
    static long metric(String prometheus, String name, String uuid) {
        Pattern line = Pattern.compile("^\\S*_" + name + "\\{([^}]*)\\}\\s+(\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(prometheus);
        double sum = 0;
        boolean found = false;
        while (m.find()) {
            if (m.group(1).replace('-', '_').contains(uuid.replace('-', '_'))) {
                sum += Double.parseDouble(m.group(2));
                found = true;
            }
        }
        return found ? (long) sum : -1;
    }

    @Test
    void updateBatchSizeLosesNothing() throws Exception {
        String uuid = create(mapping("demo-logger", "upd", 100, 1)).path("UUID").asText();
        Map<Integer, List<Long>> before;
        try (TestProducer p = new TestProducer(env.bootstrapServers)) {
            before = p.produce("upd", 2, 400, 0);
            Deliveries.awaitAll(env.deliveries, "upd", before, Duration.ofSeconds(60));
            // Records keep coming while the update stops the job with a savepoint and resubmits it.
            CompletableFuture<Map<Integer, List<Long>>> during = CompletableFuture.supplyAsync(() -> {
                try (TestProducer q = new TestProducer(env.bootstrapServers)) {
                    return q.produce("upd", 2, 300, 100);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(500);
            JsonNode updating = ok(env.esm("update", "--uuid", uuid, "--batch-size", "7"));
            assertThat(updating.path("State").asText()).isIn("Updating", "Enabled");
            assertThat(updating.path("BatchSize").asInt()).isEqualTo(7);
            awaitState(uuid, "Enabled", Duration.ofSeconds(60));
            Map<Integer, List<Long>> whileUpdating = during.get();
            Map<Integer, List<Long>> after = p.produce("upd", 2, 200, 0);

            Map<Integer, List<Long>> all = Deliveries.merge(Deliveries.merge(before, whileUpdating), after);
            List<Deliveries.Line> received = Deliveries.awaitAll(env.deliveries, "upd", all, Duration.ofSeconds(60));
            System.out.println("update: " + received.size() + " received for 900 produced, "
                    + Deliveries.duplicates(received) + " duplicates");
            assertThat(Deliveries.batchesCarrying(received, before).values()).anyMatch(n -> n > 7);
            assertThat(Deliveries.batchesCarrying(received, after).values())
                    .isNotEmpty().allMatch(n -> n <= 7).contains(7);
        }
        assertThat(get(uuid).path("BatchSize").asInt()).isEqualTo(7);

        // Create-only fields are refused with AWS's message, and nothing changes.
        LocalEnvironment.Result topics = env.esm("update", "--uuid", uuid, "--topics", "other");
        assertThat(topics.exitCode()).isEqualTo(252);
        assertThat(topics.err()).contains("Unknown parameter in input: \"Topics\", must be one of: UUID, FunctionName");
        LocalEnvironment.Result invalid = env.esm("update", "--uuid", uuid, "--batch-size", "20000");
        assertThat(invalid.exitCode()).isEqualTo(254);
        assertThat(invalid.err()).contains("ESM_CONFIG_NOT_VALID: BatchSize 20000 is out of range 1..10000");
        delete(uuid);
    }

    @Test
    void disableAndEnableLoseNothing() throws Exception {
        String uuid = create(mapping("demo-logger", "onoff", 100, 0)).path("UUID").asText();
        try (TestProducer p = new TestProducer(env.bootstrapServers)) {
            Map<Integer, List<Long>> first = p.produce("onoff", 2, 200, 0);
            Deliveries.awaitAll(env.deliveries, "onoff", first, Duration.ofSeconds(60));

            JsonNode disabled = ok(env.esm("update", "--uuid", uuid, "--enabled", "false"));
            assertThat(disabled.path("State").asText()).isEqualTo("Disabled");
            assertThat(disabled.path("StateTransitionReason").asText()).isEqualTo("USER_INITIATED");
            int receivedWhenDisabled = Deliveries.read(env.deliveries, "onoff").size();
            Map<Integer, List<Long>> second = p.produce("onoff", 2, 200, 0);
            Thread.sleep(1500);
            assertThat(Deliveries.read(env.deliveries, "onoff")).hasSize(receivedWhenDisabled);
            assertThat(get(uuid).path("State").asText()).isEqualTo("Disabled");

            JsonNode enabled = ok(env.esm("update", "--uuid", uuid, "--enabled", "true", "--wait"));
            assertThat(enabled.path("State").asText()).isEqualTo("Enabled");
            List<Deliveries.Line> received = Deliveries.awaitAll(env.deliveries, "onoff",
                    Deliveries.merge(first, second), Duration.ofSeconds(60));
            System.out.println("disable/enable: " + received.size() + " received for 400 produced, "
                    + Deliveries.duplicates(received) + " duplicates");
        }
        delete(uuid);
    }

    @Test
    void missingFunctionIsRefusedAtCreateAsAwsRefusesIt() throws Exception {
        // CreateEventSourceMapping refuses a function that does not exist; esm asks GetFunctionConfiguration first.
        Path file = env.dir.resolve("bad.json");
        Files.writeString(file, mapping("no-such-function", "bad", 10, 0));
        LocalEnvironment.Result refused = env.esm("create", "--cli-input-json", "file://" + file,
                "--", "--lambda-endpoint", env.lambdaEndpoint);
        assertThat(refused.exitCode()).isEqualTo(254);
        assertThat(refused.err()).startsWith("ResourceNotFoundException: ").contains("no-such-function");
        assertThat(env.esm("list").out()).doesNotContain("no-such-function");
    }

    @Test
    void invalidMappingIsRefusedBeforeAnythingRuns() throws Exception {
        LocalEnvironment.Result r = env.esm("create", "--cli-input-json",
                "{\"FunctionName\":\"f\",\"Topics\":[\"t\"],\"StartingPosition\":\"LATEST\",\"BatchSize\":0,"
                        + "\"SelfManagedEventSource\":{\"Endpoints\":{\"KAFKA_BOOTSTRAP_SERVERS\":[\"h:1\"]}}}");
        assertThat(r.exitCode()).isEqualTo(254);
        assertThat(r.err()).startsWith("InvalidParameterValueException: ESM_CONFIG_NOT_VALID: BatchSize 0 is out of range");
        assertThat(env.esm("list").out()).doesNotContain("\"FunctionArn\"");
    }
}
