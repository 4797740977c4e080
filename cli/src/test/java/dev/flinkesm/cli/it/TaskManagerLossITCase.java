package dev.flinkesm.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "Never lose a record", scenario 7, on a real multi-process cluster: the job jar submitted with a mapping, the
 * TaskManager killed with {@code kill -9} mid-stream and replaced, then stop-with-savepoint and resubmission from
 * it. Every produced offset must reach the function; duplicates (at-least-once) are counted and printed.
 */
class TaskManagerLossITCase {
    private static LocalEnvironment env;

    @BeforeAll
    static void start() throws Exception {
        env = new LocalEnvironment("drill:2");
    }

    @AfterAll
    static void stop() {
        if (env != null) {
            env.close();
        }
    }

    @Test
    void killedTaskManagerAndSavepointRestartLoseNothing() throws Exception {
        String mapping = "{\"UUID\":\"7a0c7c1e-0000-4000-8000-000000000007\",\"FunctionName\":\"demo-logger\","
                + "\"Topics\":[\"drill\"],\"StartingPosition\":\"TRIM_HORIZON\",\"SelfManagedEventSource\":"
                + "{\"Endpoints\":{\"KAFKA_BOOTSTRAP_SERVERS\":[\"" + env.bootstrapServers + "\"]}},\"BatchSize\":20,"
                + "\"MaximumBatchingWindowInSeconds\":0}";
        String[] jobArgs = {"--mapping-json", mapping, "--lambda-endpoint", env.lambdaEndpoint,
            "--checkpoint-interval-ms", "1000"};
        String job = lastLine(env.script(concat(new String[] {"submit", "--wait", env.jobJar.toString()}, jobArgs)));

        try (TestProducer p = new TestProducer(env.bootstrapServers)) {
            CompletableFuture<Map<Integer, List<Long>>> stream = CompletableFuture.supplyAsync(() -> {
                try (TestProducer q = new TestProducer(env.bootstrapServers)) {
                    return q.produce("drill", 2, 2000, 250); // about 8 s
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(3000); // mid-stream, after some checkpoints
            int atKill = Deliveries.read(env.deliveries, "drill").size();
            env.script("kill-taskmanager");
            System.out.println("TaskManager killed with " + atKill + " records received so far");
            assertThat(atKill).as("killed mid-stream").isPositive();
            env.script("start-taskmanager");
            env.script("wait-running", job, "120");
            Map<Integer, List<Long>> first = stream.get();
            assertThat(atKill).as("killed mid-stream").isLessThan(count(first));
            List<Deliveries.Line> received =
                    Deliveries.awaitAll(env.deliveries, "drill", first, Duration.ofSeconds(90));
            System.out.println("TaskManager kill -9: " + received.size() + " records received for "
                    + count(first) + " produced, " + Deliveries.duplicates(received) + " duplicates");
            assertThat(env.rest("/jobs/" + job + "/checkpoints")).contains("\"restored\"");

            String savepoint = lastLine(env.script("stop-job", job));
            assertThat(savepoint).contains("savepoint-");
            Map<Integer, List<Long>> whileStopped = p.produce("drill", 2, 500, 0);
            String resumed = lastLine(env.script(concat(
                    new String[] {"submit", "--wait", "--savepoint", savepoint, env.jobJar.toString()}, jobArgs)));
            Map<Integer, List<Long>> all = Deliveries.merge(first, whileStopped);
            received = Deliveries.awaitAll(env.deliveries, "drill", all, Duration.ofSeconds(60));
            System.out.println("stop-with-savepoint + resubmit: " + received.size() + " records received for "
                    + count(all) + " produced, " + Deliveries.duplicates(received) + " duplicates");
            env.script("cancel", resumed);
        }
    }

    private static int count(Map<Integer, List<Long>> offsets) {
        return offsets.values().stream().mapToInt(List::size).sum();
    }

    private static String lastLine(String out) {
        String[] lines = out.trim().split("\n");
        return lines[lines.length - 1].trim();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
