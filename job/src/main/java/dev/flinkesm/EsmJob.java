package dev.flinkesm;

import dev.flinkesm.config.EventSourceMapping;
import dev.flinkesm.config.MappingParser;
import dev.flinkesm.invoke.LambdaClientFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The job's entry point: {@code flink run flink-lambda-esm-job-*-flink.jar --mapping mapping.json}. The mapping
 * is the JSON {@code aws lambda create-event-source-mapping --cli-input-json} takes.
 */
@Command(
        name = "flink-lambda-esm",
        mixinStandardHelpOptions = true,
        description = "Runs a Lambda Kafka event source mapping as a Flink job.")
public final class EsmJob implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(EsmJob.class);

    @CommandLine.ArgGroup(multiplicity = "1")
    MappingSource mapping;

    static final class MappingSource {
        @Option(names = "--mapping", description = "Mapping file (create-event-source-mapping JSON).")
        Path file;

        @Option(names = "--mapping-json", description = "The mapping JSON itself (for REST submission).")
        String json;
    }

    @Option(names = "--lambda-endpoint",
            description = "Lambda endpoint URL. Default: the AWS SDK's resolution (AWS_ENDPOINT_URL_LAMBDA, ...).")
    String lambdaEndpoint;

    @Option(names = "--parallelism", description = "Source parallelism; at most the partition count is useful.")
    int parallelism;

    @Option(names = "--max-concurrent-invocations", defaultValue = "256",
            description = "In-flight invocations per subtask at most (default: ${DEFAULT-VALUE}).")
    int maxConcurrentInvocations;

    @Option(names = "--checkpoint-interval-ms", defaultValue = "10000",
            description = "Checkpoint interval if the cluster sets none (default: ${DEFAULT-VALUE}).")
    long checkpointIntervalMs;

    @Option(names = "--retry-initial-backoff-ms", defaultValue = "200") long retryInitialBackoffMs;

    @Option(names = "--retry-max-backoff-ms", defaultValue = "10000") long retryMaxBackoffMs;

    @Option(names = "--invoke-timeout-ms", defaultValue = "900000",
            description = "Client timeout of one invocation (default 15 min, Lambda's maximum).")
    long invokeTimeoutMs;

    @Option(names = "--http-client", defaultValue = "CRT",
            description = "The SDK HTTP client for invocations: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    LambdaClientFactory.HttpClientKind httpClient;

    @Option(names = "--kafka-property", description = "Extra Kafka consumer property, key=value (repeatable).")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Option(names = "--destination-endpoint",
            description = "Endpoint for an on-failure destination service, e.g. sqs=http://localhost:9324 "
                    + "(repeatable). Default: the AWS SDK's resolution.")
    Map<String, String> destinationEndpoints = new LinkedHashMap<>();

    /** Never exits the JVM: it may be the JobManager's ({@link CommandLineEntry}). */
    public static void main(String[] args) throws Exception {
        CommandLineEntry.run(new EsmJob(), args);
    }

    @Override
    public Integer call() throws Exception {
        // An invalid mapping throws MappingValidationException (ESM_CONFIG_NOT_VALID: ...) to the submitter.
        EventSourceMapping parsed =
                mapping.file != null ? MappingParser.parse(mapping.file) : MappingParser.parse(mapping.json);
        if (!parsed.enabled()) {
            LOG.info("Mapping {} has Enabled: false; nothing to run.", parsed.uuid());
            System.err.println("Mapping " + parsed.uuid() + " has Enabled: false; nothing to run.");
            return 0;
        }
        StartChecks.checkFunction(parsed, options());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        EsmPipeline.build(env, parsed, options());
        env.execute("esm " + parsed.uuid() + " (" + parsed.functionName() + ")");
        return 0;
    }

    JobOptions options() {
        JobOptions options = new JobOptions()
                .lambdaEndpoint(lambdaEndpoint)
                .parallelism(parallelism)
                .maxConcurrentInvocations(maxConcurrentInvocations)
                .checkpointInterval(Duration.ofMillis(checkpointIntervalMs))
                .backoff(Duration.ofMillis(retryInitialBackoffMs), Duration.ofMillis(retryMaxBackoffMs))
                .invokeTimeout(Duration.ofMillis(invokeTimeoutMs))
                .httpClient(httpClient);
        options.kafkaProperties.putAll(kafkaProperties);
        options.destinationEndpoints.putAll(destinationEndpoints);
        return options;
    }
}
