package dev.flinkesm.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flinkesm.config.EventSourceMapping;
import dev.flinkesm.config.MappingParser;
import dev.flinkesm.local.kafka.EmbeddedKafka;
import dev.flinkesm.local.lambda.FunctionHost;
import dev.flinkesm.local.lambda.Invocation;
import dev.flinkesm.local.lambda.runtime.FunctionSpec;
import dev.flinkesm.local.lambda.runtime.RuntimeClients;
import dev.flinkesm.local.lambda.functions.LogBatches;
import dev.flinkesm.pipeline.EsmPipeline;
import dev.flinkesm.pipeline.JobOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The embedded default in one command: a real KRaft broker, a local Lambda-API function host with the demo
 * function, and the job on a local Flink MiniCluster with the web UI, fed by a demo producer.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Runs broker, function host and the job locally, with the Flink web UI.")
public final class LocalDemo implements Callable<Integer> {

    @Option(names = "--records", description = "Produce N records, wait until all are delivered, then exit 0.")
    long records;

    @Option(names = "--rate", defaultValue = "500", description = "Records per second (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--partitions", defaultValue = "4") int partitions;

    @Option(names = "--web-port", defaultValue = "8081", description = "Flink web UI port (default: ${DEFAULT-VALUE}).")
    int webPort;

    @Option(names = "--mapping", defaultValue = "config/local-demo.json",
            description = "Mapping file; its bootstrap servers are replaced by the embedded broker's.")
    Path mappingFile;

    @Option(names = "--timeout-seconds", defaultValue = "300",
            description = "With --records: give up (exit 1) after this long.")
    long timeoutSeconds;

    @Option(names = "--function", paramLabel = "NAME=RUNTIME:HANDLER",
            description = "Run your own handler instead of the demo function: e.g. orders=nodejs:index.handler, "
                    + "orders=java:com.example.Fn::handleRequest, orders=python:app.lambda_handler. "
                    + "The mapping's FunctionName becomes NAME.")
    String function;

    @Option(names = "--code", paramLabel = "DIR|JAR", description = "The handler's code (with --function).")
    Path code;

    @Option(names = "--function-timeout-seconds", defaultValue = "60",
            description = "The function's timeout (default: ${DEFAULT-VALUE}).")
    int functionTimeoutSeconds;

    @Option(names = "--concurrency", defaultValue = "4",
            description = "Processes the function may run at once; beyond, Lambda's 429 (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = "--logs", defaultValue = "local/target/function-logs",
            description = "Each function's stdout and stderr go to DIR/NAME.log (default: ${DEFAULT-VALUE}).")
    Path logDir;

    private static final ObjectMapper COUNTER_JSON = new ObjectMapper();

    private final AtomicLong produced = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong invocations = new AtomicLong();
    /** Set by the shutdown hook (Ctrl-C): the loop below then sees the cluster go away and ends quietly. */
    private volatile boolean stopping;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LocalDemo()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        defaultAwsSettings();
        if ((function == null) != (code == null)) {
            System.err.println("--function and --code go together");
            return 2;
        }
        FunctionSpec spec = null;
        if (function != null) {
            try {
                spec = FunctionSpec.parse(function, code, logDir)
                        .withTimeout(Duration.ofSeconds(functionTimeoutSeconds)).withConcurrency(concurrency);
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                return 2;
            }
        }
        Path flinkTmp = Files.createTempDirectory("esm-demo-flink");
        EmbeddedKafka kafka = EmbeddedKafka.start();
        FunctionHost functions = FunctionHost.start(0);
        JobClient[] job = new JobClient[1];
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping = true;
            stopAll(job[0], functions, kafka, flinkTmp);
        }));

        EventSourceMapping mapping = loadMapping(kafka.bootstrapServers(), spec == null ? null : spec.name());
        functions.recording(false);
        functions.onAnswered(this::count);
        if (spec == null) {
            functions.register(mapping.functionName(), new LogBatches());
        } else {
            try {
                functions.register(spec, RuntimeClients.fromSystemProperties());
            } catch (RuntimeException e) {
                System.err.println("Cannot run " + spec.name() + ": " + e.getMessage());
                return 1;
            }
        }
        for (String topic : mapping.topics()) {
            kafka.createTopic(topic, partitions);
        }

        Configuration conf = new Configuration();
        conf.set(RestOptions.PORT, webPort);
        conf.set(CoreOptions.TMP_DIRS, flinkTmp.toString());
        // The web UI (and the progress line) refresh metrics every second instead of every ten.
        conf.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofSeconds(1));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        EsmPipeline.build(env, mapping, new JobOptions()
                .lambdaEndpoint(functions.endpoint().toString())
                .parallelism(Math.min(partitions, 2))
                .checkpointInterval(Duration.ofSeconds(2)));
        job[0] = env.executeAsync("esm " + mapping.uuid() + " (" + mapping.functionName() + ")");

        System.out.println("Kafka broker:   " + kafka.bootstrapServers() + "  topics " + mapping.topics());
        System.out.println("Function host:  " + functions.endpoint() + "  function " + mapping.functionName()
                + (spec == null ? "" : " (" + spec.runtime().identifier() + " " + spec.handler() + ", log "
                        + spec.logFile() + ")"));
        System.out.println("Flink web UI:   http://localhost:" + webPort);
        System.out.println(records > 0 ? "Producing " + records + " records..." : "Producing; Ctrl-C stops everything.");

        Thread producer = new Thread(() -> produce(kafka.bootstrapServers(), mapping), "demo-producer");
        producer.setDaemon(true);
        producer.start();

        FlinkRest rest = new FlinkRest("http://localhost:" + webPort);
        long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        while (true) {
            Thread.sleep(1000);
            // The job's own metrics, as the web UI shows them; the function's count confirms them.
            System.out.printf("\rproduced %d  polled %d  invoked %d  committed %d  lag %d  | function saw %d records "
                            + "in %d invocations   ",
                    produced.get(), metric(rest, job[0], "PolledEventCount"), metric(rest, job[0], "InvokedEventCount"),
                    metric(rest, job[0], "CommittedEventCount"), metric(rest, job[0], "SumOffsetLag"),
                    delivered.get(), invocations.get());
            if (records > 0 && delivered.get() >= records) {
                System.out.printf("%ndelivered %d of %d records in %d invocations%n",
                        delivered.get(), records, invocations.get());
                return 0;
            }
            if (records > 0 && System.nanoTime() > deadline) {
                System.out.printf("%ntimed out: delivered %d of %d records%n", delivered.get(), records);
                return 1;
            }
            JobStatus status;
            try {
                status = job[0].getJobStatus().get();
            } catch (IllegalStateException | ExecutionException e) {
                if (stopping) {
                    return 0; // Ctrl-C: the hook is stopping the cluster under us, as asked
                }
                throw e;
            }
            if (status.isGloballyTerminalState()) {
                System.out.printf("%nthe job stopped: %s%n", status);
                return 1;
            }
        }
    }

    private static long metric(FlinkRest rest, JobClient job, String name) {
        try {
            return Math.max(0, rest.sourceMetric(job.getJobID(), name));
        } catch (RuntimeException e) {
            return 0; // the REST endpoint is still starting
        }
    }

    private EventSourceMapping loadMapping(String bootstrapServers, String functionName) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode tree = (ObjectNode) json.readTree(mappingFile.toFile());
        if (functionName != null) {
            tree.put("FunctionName", functionName);
        }
        ObjectNode endpoints = tree.with("SelfManagedEventSource").with("Endpoints");
        endpoints.putArray("KAFKA_BOOTSTRAP_SERVERS").add(bootstrapServers);
        return MappingParser.parse(json.writeValueAsString(tree));
    }

    private void produce(String bootstrapServers, EventSourceMapping mapping) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        String topic = mapping.topics().get(0);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            long start = System.nanoTime();
            for (long i = 0; records == 0 || i < records; i++) {
                byte[] key = ("order-" + (i % 97)).getBytes();
                byte[] value = ("{\"orderId\":" + i + ",\"amount\":" + (i % 1000) / 10.0 + "}").getBytes();
                producer.send(new ProducerRecord<>(topic, key, value), (m, e) -> {
                    if (e == null) {
                        produced.incrementAndGet();
                    }
                });
                long due = start + (i + 1) * 1_000_000_000L / Math.max(rate, 1);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void stopAll(JobClient job, FunctionHost functions, EmbeddedKafka kafka, Path flinkTmp) {
        try {
            if (job != null) {
                job.cancel().get();
            }
        } catch (Exception ignored) {
            // the MiniCluster may already be shutting down
        }
        try {
            functions.close();
        } catch (Exception ignored) {
            // best effort on the way out
        }
        try {
            kafka.close();
        } catch (Exception ignored) {
            // best effort on the way out
        }
        try (Stream<Path> files = Files.walk(flinkTmp)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort on the way out
        }
    }

    /** The SDK's default chains need a region and credentials; the local host accepts any. */
    private static void defaultAwsSettings() {
        if (System.getProperty("aws.region") == null && System.getenv("AWS_REGION") == null) {
            System.setProperty("aws.region", "us-east-1");
        }
        if (System.getProperty("aws.accessKeyId") == null && System.getenv("AWS_ACCESS_KEY_ID") == null) {
            System.setProperty("aws.accessKeyId", "local");
            System.setProperty("aws.secretAccessKey", "local");
        }
    }

    /** Counts what the function received in successful invocations, for the progress line. */
    private void count(Invocation invocation) {
        if (!invocation.succeeded()) {
            return;
        }
        try {
            JsonNode records = COUNTER_JSON.readTree(invocation.body()).path("records");
            long n = 0;
            for (JsonNode partition : records) {
                n += partition.size();
            }
            delivered.addAndGet(n);
            invocations.incrementAndGet();
        } catch (IOException e) {
            // not a Kafka event: nothing to count
        }
    }
}
