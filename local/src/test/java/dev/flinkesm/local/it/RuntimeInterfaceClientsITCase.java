package dev.flinkesm.local.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkesm.config.EventSourceMapping;
import dev.flinkesm.local.lambda.Invocation;
import dev.flinkesm.local.lambda.runtime.FunctionSpec;
import dev.flinkesm.local.lambda.runtime.ProcessFunction;
import dev.flinkesm.local.lambda.runtime.RuntimeClients;
import dev.flinkesm.local.lambda.runtime.TestCode;
import dev.flinkesm.local.lambda.functions.RecordingFunction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job, unchanged, against users' handlers run by AWS's runtime interface clients as processes: every produced
 * record reaches the handler byte-exact, throttling at the function's concurrency is retried by the job, and the
 * processes are reused and stopped at the end.
 */
class RuntimeInterfaceClientsITCase {

    @RegisterExtension
    static final MiniClusterExtension FLINK = EsmHarness.miniCluster();

    private static final int PARTITIONS = 2;
    private static final int PER_PARTITION = 60;

    private static EsmHarness harness;
    private static final RuntimeClients CLIENTS = RuntimeClients.fromSystemProperties();

    @TempDir
    Path dir;

    @BeforeAll
    static void startRealParts() throws Exception {
        harness = new EsmHarness();
    }

    @AfterAll
    static void stopRealParts() throws Exception {
        harness.close();
    }

    @Test
    void aJavaHandlerReceivesEveryRecordByteExactAndThrottlingAtItsConcurrencyIsRetried() throws Exception {
        Path received = dir.resolve("received.csv");
        FunctionSpec spec = FunctionSpec.parse(
                        "java-orders=java:dev.flinkesm.local.lambda.runtime.fn.RecordKafkaToFile::handleRequest",
                        TestCode.java(dir.resolve("code")), dir.resolve("logs"))
                .withConcurrency(1) // two partitions invoke at once: one of them is throttled
                .withEnvironment("RECORD_TO", received.toString())
                .withEnvironment("SLEEP_MS", "200");

        ProcessFunction function = runToCompletion(spec, received);

        List<Invocation> answered = harness.functions.invocations(spec.name());
        assertThat(answered).as("throttled at concurrency 1").anyMatch(i -> i.statusCode() == 429);
        assertThat(function.processesStarted()).as("one warm process served every invocation").hasSize(1);
    }

    @Test
    void aNodeHandlerWithPowertoolsKafkaConsumerReceivesEveryRecordByteExact() throws Exception {
        Path received = dir.resolve("received.csv");
        FunctionSpec spec = FunctionSpec.parse("node-orders=nodejs:kafka.handler",
                        TestCode.node(dir.resolve("code"), CLIENTS), dir.resolve("logs"))
                .withConcurrency(2)
                .withEnvironment("RECORD_TO", received.toString());

        ProcessFunction function = runToCompletion(spec, received);

        assertThat(function.processesStarted()).as("warm processes reused").hasSizeBetween(1, 2);
        assertThat(harness.functions.invocations(spec.name()).size())
                .isGreaterThan(function.processesStarted().size());
    }

    /** Produces, runs the job until the handler saw everything, checks it, stops the job and the function. */
    private ProcessFunction runToCompletion(FunctionSpec spec, Path received) throws Exception {
        String topic = EsmHarness.uniqueTopic("ric");
        harness.kafka.createTopic(topic, PARTITIONS);
        Produced produced = new Produced();
        try (Produced.Producer producer = Produced.producer(harness.kafka.bootstrapServers())) {
            for (int i = 0; i < PER_PARTITION; i++) {
                for (int p = 0; p < PARTITIONS; p++) {
                    producer.send(topic, p, null, key(p, i), value(p, i));
                }
            }
            producer.flushInto(produced);
        }
        harness.functions.register(spec, CLIENTS);
        ProcessFunction function = harness.functions.processFunction(spec.name());
        EventSourceMapping mapping = harness.mapping(
                EsmHarness.mappingJson(spec.name(), "TRIM_HORIZON", 10, 0, "", topic));
        JobClient job = harness.start(mapping, harness.fastOptions());
        try {
            Await.until(Duration.ofSeconds(90), () -> lines(received).size() >= produced.count(),
                    () -> "handler received " + lines(received).size() + " of " + produced.count());
        } finally {
            EsmHarness.cancel(job);
        }
        List<String> lines = lines(received);
        List<RecordingFunction.Delivered> delivered = new ArrayList<>();
        Map<String, Integer> invocationNumbers = new HashMap<>();
        for (String line : lines) {
            String[] f = line.split(",", -1);
            int partition = Integer.parseInt(f[2]);
            long offset = Long.parseLong(f[3]);
            int index = produced.offsetsByPartition.get(f[1] + "-" + partition).indexOf(offset);
            assertThat(index).as("offset %s-%d@%d was produced", f[1], partition, offset).isNotNegative();
            byte[] key = Base64.getDecoder().decode(f[4]);
            byte[] value = Base64.getDecoder().decode(f[5]);
            assertThat(key).as("key of %d@%d", partition, offset).isEqualTo(key(partition, index));
            assertThat(value).as("value of %d@%d", partition, offset).isEqualTo(value(partition, index));
            int invocation = invocationNumbers.computeIfAbsent(f[0], id -> invocationNumbers.size() + 1);
            delivered.add(new RecordingFunction.Delivered(f[1], partition, offset, key, value, invocation));
        }
        DeliveryCheck.of(produced, delivered).assertDelivered();
        harness.functions.register(spec.name(), new RecordingFunction()); // replacing stops the processes
        for (ProcessHandle process : function.processesStarted()) {
            process.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(function.processesStarted()).noneMatch(ProcessHandle::isAlive);
        assertThat(Files.readString(spec.logFile())).as("the handler's output in the function's log file")
                .contains("received ");
        return function;
    }

    private static byte[] key(int partition, int i) {
        return ("order-" + partition + "-" + i).getBytes(StandardCharsets.UTF_8);
    }

    /** JSON (Powertools decodes it), with non-ASCII text so a re-encoding would show. */
    private static byte[] value(int partition, int i) {
        return ("{\"orderId\":" + i + ",\"partition\":" + partition + ",\"note\":\"größe ✓ " + i + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> lines(Path file) {
        try {
            if (!Files.exists(file)) {
                return List.of();
            }
            return Files.readAllLines(file).stream().filter(l -> !l.isEmpty()).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
