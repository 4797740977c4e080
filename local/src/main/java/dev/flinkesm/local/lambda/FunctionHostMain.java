package dev.flinkesm.local.lambda;

import dev.flinkesm.local.lambda.functions.AlwaysFails;
import dev.flinkesm.local.lambda.functions.BenchCounter;
import dev.flinkesm.local.lambda.functions.BenchStats;
import dev.flinkesm.local.lambda.functions.CountRecords;
import dev.flinkesm.local.lambda.functions.LogBatches;
import dev.flinkesm.local.lambda.functions.Slow;
import dev.flinkesm.local.lambda.runtime.FunctionSpec;
import dev.flinkesm.local.lambda.runtime.RuntimeClients;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * Serves demo functions until killed: {@code demo-logger} (logs each batch), {@code demo-fails} (always fails),
 * {@code demo-slow} (sleeps, then succeeds) and {@code bench-sink} (counts records, returns at once).
 *
 * <p>Each {@code --function NAME=RUNTIME:HANDLER --code DIR|JAR} adds the user's own handler, run as processes by
 * AWS's runtime interface client for the runtime.
 *
 * <p>For {@code scripts/bench}: each {@code --bench-function NAME[:LATENCY_MS]} adds a {@link BenchCounter} (counts
 * records by scanning, keeps produce-to-arrival latencies, answers after its own latency), and {@code bench-stats}
 * reads or resets them through the Invoke API.
 */
@Command(
        name = "function-host",
        mixinStandardHelpOptions = true,
        description = "Serves the Lambda Invoke API for demo functions until killed.")
public final class FunctionHostMain implements Callable<Integer> {

    @Option(names = "--port", description = "Port on 127.0.0.1 (0 = a free port). Default: ${DEFAULT-VALUE}.")
    int port = 9001;

    @Option(names = "--latency-ms", description = "Latency added to every invocation. Default: ${DEFAULT-VALUE}.")
    long latencyMs = 0;

    @Option(names = "--slow-ms", description = "How long demo-slow sleeps. Default: ${DEFAULT-VALUE}.")
    long slowMs = 1000;

    @Option(names = "--record-to", paramLabel = "FILE",
            description = "Append function,topic,partition,offset,invocation,batchRecords for every record of every "
                    + "successful invocation to FILE (for tests in other processes). Default: off.")
    Path recordTo;

    @Option(names = "--bench-function", paramLabel = "NAME[:LATENCY_MS]",
            description = "Adds a counting benchmark function with its own latency (repeatable), "
                    + "read through bench-stats.")
    List<String> benchFunctions = new ArrayList<>();

    @Option(names = "--function", paramLabel = "NAME=RUNTIME:HANDLER",
            description = "Your own handler, run by AWS's runtime interface client (repeatable, each with a --code "
                    + "in the same order): e.g. orders=nodejs:index.handler, "
                    + "orders=java:com.example.Fn::handleRequest, "
                    + "orders=python:app.lambda_handler.")
    List<String> userFunctions = new ArrayList<>();

    @Option(names = "--code", paramLabel = "DIR|JAR", description = "The code of the --function at the same position.")
    List<Path> userCode = new ArrayList<>();

    @Option(names = "--logs", paramLabel = "DIR",
            description = "Each --function's stdout and stderr go to DIR/NAME.log. Default: ${DEFAULT-VALUE}.")
    Path logDir = Path.of("function-logs");

    public static void main(String[] args) {
        System.exit(new CommandLine(new FunctionHostMain()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException, IOException {
        if (latencyMs < 0 || slowMs < 0) {
            System.err.println("--latency-ms and --slow-ms must not be negative");
            return 2;
        }
        if (userFunctions.size() != userCode.size()) {
            System.err.println("each --function needs its --code (got " + userFunctions.size() + " and "
                    + userCode.size() + ")");
            return 2;
        }
        List<FunctionSpec> specs = new ArrayList<>();
        try {
            for (int i = 0; i < userFunctions.size(); i++) {
                specs.add(FunctionSpec.parse(userFunctions.get(i), userCode.get(i), logDir));
            }
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        FunctionHost host = FunctionHost.start(port);
        host.recording(false); // a long-running host must not keep every request body
        DeliveryLog deliveryLog = recordTo == null ? null : new DeliveryLog(recordTo);
        host.onAnswered(deliveryLog);
        CountRecords benchSink = new CountRecords();
        host.register("demo-logger", new LogBatches());
        host.register("demo-fails", new AlwaysFails());
        host.register("demo-slow", new Slow(Duration.ofMillis(slowMs)), Duration.ofMinutes(14));
        // Over AWS's 14-minute limit for Kafka mappings: esm create refuses it.
        host.register("demo-timeout-15min", new LogBatches(), Duration.ofMinutes(15));
        host.register("bench-sink", benchSink);
        for (String name : List.of("demo-logger", "demo-fails", "demo-slow", "bench-sink")) {
            host.faults(name).latency(Duration.ofMillis(latencyMs));
        }
        Map<String, BenchCounter> counters = new LinkedHashMap<>();
        for (String spec : benchFunctions) {
            int colon = spec.lastIndexOf(':');
            String name = colon < 0 ? spec : spec.substring(0, colon);
            String latency = colon < 0 ? "0" : spec.substring(colon + 1);
            if (name.isEmpty() || !latency.matches("[0-9]+") || counters.containsKey(name)) {
                System.err.println("--bench-function must be a new NAME or NAME:LATENCY_MS, got: " + spec);
                host.close();
                return 2;
            }
            BenchCounter counter = new BenchCounter(Long.parseLong(latency));
            counters.put(name, counter);
            host.register(name, counter, Duration.ofMinutes(14));
        }
        if (!counters.isEmpty()) {
            host.register("bench-stats", new BenchStats(counters));
        }
        RuntimeClients clients = RuntimeClients.fromSystemProperties();
        for (FunctionSpec spec : specs) {
            host.register(spec, clients);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // stdout, not the logger: log4j's own shutdown hook may already have stopped logging
            System.out.println("bench-sink received " + benchSink.records() + " records in "
                    + benchSink.invocations() + " invocations");
            host.close();
            if (deliveryLog != null) {
                try {
                    deliveryLog.close();
                } catch (IOException e) {
                    System.err.println("closing " + recordTo + ": " + e);
                }
            }
        }, "function-host-shutdown"));
        // Scripts wait for this line.
        System.out.println("Function host ready: endpoint=" + host.endpoint());
        System.out.flush();
        new CountDownLatch(1).await();
        return 0;
    }
}
