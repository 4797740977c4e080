package dev.flinkesm.cli.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * "Never lose a record", scenario 7, on a real multi-process cluster: the job jar submitted with a mapping, the
 * TaskManager killed with {@code kill -9} twice mid-stream (four seconds apart) and replaced, then
 * stop-with-savepoint and resubmission from it. Every produced offset must reach the function, in order per
 * partition; and since the consumer group is committed after every delivered batch and a restore starts at the
 * later of checkpoint and group, each kill may re-send at most the batch each partition had in flight
 * (partitions x BatchSize records).
 */
class TaskManagerLossITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARTITIONS = 6;
    private static final int BATCH_SIZE = 10;
    private static final int RECORDS = 40_000;
    private static final int KILLS = 2;

    private static LocalEnvironment env;

    @BeforeAll
    static void start() throws Exception {
        env = new LocalEnvironment("drill:" + PARTITIONS);
    }

    @AfterAll
    static void stop() {
        if (env != null) {
            env.close();
        }
    }

    @Test
    void killedTaskManagersResendOnlyWhatWasInFlightAndASavepointRestartLosesNothing() throws Exception {
        String mapping = "{\"UUID\":\"7a0c7c1e-0000-4000-8000-000000000007\",\"FunctionName\":\"demo-logger\","
                + "\"Topics\":[\"drill\"],\"StartingPosition\":\"TRIM_HORIZON\",\"SelfManagedEventSource\":"
                + "{\"Endpoints\":{\"KAFKA_BOOTSTRAP_SERVERS\":[\"" + env.bootstrapServers + "\"]}},\"BatchSize\":"
                + BATCH_SIZE + ",\"MaximumBatchingWindowInSeconds\":0}";
        // The strict bound (only the batch in flight is re-sent) holds with --commit-before-next-batch; by default a
        // crash may also re-send the batch before it, whose commit was still on its way (docs/offsets.md).
        String[] jobArgs = {"--mapping-json", mapping, "--lambda-endpoint", env.lambdaEndpoint,
            "--checkpoint-interval-ms", "1000", "--commit-before-next-batch"};
        String job = lastLine(env.script(concat(new String[] {"submit", "--wait", env.jobJar.toString()}, jobArgs)));

        try (TestProducer p = new TestProducer(env.bootstrapServers)) {
            CompletableFuture<Map<Integer, List<Long>>> stream = CompletableFuture.supplyAsync(() -> {
                try (TestProducer q = new TestProducer(env.bootstrapServers)) {
                    return q.produce("drill", PARTITIONS, RECORDS, 2_000); // about 20 s
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // Mid-stream, after some checkpoints, but never after the stream. The cluster's flink-conf sets a 10 s
            // checkpoint interval, which wins over --checkpoint-interval-ms (that option applies only where the cluster
            // sets none), so two checkpoints take about as long as the 20 s stream: on one CI run the first kill came
            // when all 40,000 records were in. A kill before a checkpoint is as good a drill (the group's offsets,
            // committed per batch, are where the splits restart).
            awaitCheckpointsOrDeliveries(job, 2, RECORDS / 4);
            for (int kill = 1; kill <= KILLS; kill++) {
                long killedAt = System.nanoTime();
                int atKill = Deliveries.read(env.deliveries, "drill").size();
                assertThat(atKill).as("kill %d comes while records flow", kill).isPositive();
                if (kill == 1) {
                    assertThat(atKill).as("the first kill comes before the stream is in").isLessThan(RECORDS);
                }
                env.script("kill-taskmanager");
                System.out.println("TaskManager kill -9 #" + kill + " with " + atKill + " records received so far");
                env.script("start-taskmanager");
                awaitFailures(job, kill);
                env.script("wait-running", job, "120");
                long sinceKill = Duration.ofNanos(System.nanoTime() - killedAt).toMillis();
                if (kill < KILLS) {
                    Thread.sleep(Math.max(0, 4000 - sinceKill));
                    assertThat(Deliveries.read(env.deliveries, "drill").size()).as("delivering again after kill %d", kill)
                            .isGreaterThan(atKill);
                }
            }
            Map<Integer, List<Long>> first = stream.get();
            List<Deliveries.Line> received =
                    Deliveries.awaitAll(env.deliveries, "drill", first, Duration.ofSeconds(120));
            int duplicates = Deliveries.duplicates(received);
            System.out.println(KILLS + " TaskManager kill -9s: " + received.size() + " records received for "
                    + count(first) + " produced, " + duplicates + " duplicates");
            assertThat(duplicates).as("re-sent after %d kills: at most each partition's batch in flight", KILLS)
                    .isLessThanOrEqualTo(KILLS * PARTITIONS * BATCH_SIZE);
            assertThat(Deliveries.maxRewindsPerPartition(received))
                    .as("in order per partition: one rewind per kill at most").isLessThanOrEqualTo(KILLS);

            String savepoint = lastLine(env.script("stop-job", job));
            assertThat(savepoint).contains("savepoint-");
            Map<Integer, List<Long>> whileStopped = p.produce("drill", PARTITIONS, 600, 0);
            String resumed = lastLine(env.script(concat(
                    new String[] {"submit", "--wait", "--savepoint", savepoint, env.jobJar.toString()}, jobArgs)));
            awaitCount(resumed, "/checkpoints", "/counts/restored", 1); // the savepoint was restored
            Map<Integer, List<Long>> all = Deliveries.merge(first, whileStopped);
            List<Deliveries.Line> afterResume = Deliveries.awaitAll(env.deliveries, "drill", all, Duration.ofSeconds(60));
            int resumeDuplicates = Deliveries.duplicates(afterResume) - duplicates;
            System.out.println("stop-with-savepoint + resubmit: " + afterResume.size() + " records received for "
                    + count(all) + " produced, " + resumeDuplicates + " more duplicates");
            assertThat(resumeDuplicates).as("a stop-with-savepoint leaves nothing in flight").isZero();
            env.script("cancel", resumed);
        }
    }

    /** Waits until the job's exception history shows {@code atLeast} failures: each kill was noticed. */
    private static void awaitFailures(String job, int atLeast) throws Exception {
        awaitCount(job, "/exceptions", "/exceptionHistory/entries", atLeast);
    }

    /** Until {@code checkpoints} completed or {@code deliveries} records arrived, whichever comes first. */
    private static void awaitCheckpointsOrDeliveries(String job, int checkpoints, int deliveries) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            long completed;
            try {
                completed = JSON.readTree(env.rest("/jobs/" + job + "/checkpoints")).at("/counts/completed").asLong(-1);
            } catch (Exception e) {
                completed = -1;
            }
            int received = Deliveries.read(env.deliveries, "drill").size();
            if (completed >= checkpoints || received >= deliveries) {
                System.out.println("first kill after " + completed + " checkpoints, " + received + " records");
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("job " + job + ": neither " + checkpoints + " checkpoints nor " + deliveries
                + " records within 120 s");
    }

    /** Polls {@code /jobs/<job><path>} until the number (or array size) at {@code pointer} is at least {@code atLeast}. */
    private static void awaitCount(String job, String path, String pointer, int atLeast) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        long seen = -1;
        while (System.nanoTime() < deadline) {
            try {
                JsonNode node = JSON.readTree(env.rest("/jobs/" + job + path)).at(pointer);
                seen = node.isArray() ? node.size() : node.asLong(-1);
            } catch (Exception e) {
                seen = -1; // the REST API is busy while the job restarts
            }
            if (seen >= atLeast) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("job " + job + ": " + path + " " + pointer + " is " + seen + ", expected " + atLeast);
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
