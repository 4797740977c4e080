package dev.flinkesm.job;

import dev.flinkesm.aws.HttpClientKind;
import dev.flinkesm.invoke.InvokerKind;
import dev.flinkesm.config.EventSourceMapping;
import dev.flinkesm.config.MappingParser;
import dev.flinkesm.filter.FilterQuota;
import dev.flinkesm.pipeline.EsmPipeline;
import dev.flinkesm.pipeline.JobOptions;
import dev.flinkesm.source.RestoreOffsets;
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

    @Option(names = FilterQuota.OPTION, paramLabel = "N", defaultValue = "5", converter = FilterQuotaConverter.class,
            description = "Filters a mapping may have, 5..10: AWS's default quota is 5 and a quota increase raises it"
                    + " to 10 (default: ${DEFAULT-VALUE}).")
    FilterQuota filterQuota;

    @Option(names = "--lambda-endpoint", description = "The same as --endpoint lambda=URL.")
    String lambdaEndpoint;

    @Option(names = "--parallelism", description = "Source parallelism; at most the partition count is useful.")
    int parallelism;

    @Option(names = "--max-concurrent-invocations", defaultValue = "256",
            description = "In-flight invocations per subtask at most (default: ${DEFAULT-VALUE}).")
    int maxConcurrentInvocations;

    @Option(names = "--max-buffered-mb", defaultValue = "128",
            description = "Megabytes of records a subtask holds at most (waiting, in flight, retrying); over it, "
                    + "the reader takes no more records (default: ${DEFAULT-VALUE}).")
    long maxBufferedMb;

    @Option(names = "--commit-before-next-batch",
            description = "A partition's next batch waits until the consumer group holds the offset after the one "
                    + "before: a crash re-sends at most the batch in flight, at one commit round-trip per batch.")
    boolean commitBeforeNextBatch;

    @Option(names = "--commit-interval-ms", defaultValue = "50",
            description = "Least milliseconds between two offset commits of a subtask (default ${DEFAULT-VALUE}; "
                    + "0: after every batch, one request per batch). A crash re-sends what was in flight and what "
                    + "was delivered in the last interval. Ignored with --commit-before-next-batch.")
    long commitIntervalMs;

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
    HttpClientKind httpClient;

    @Option(names = "--invoker", defaultValue = "SDK",
            description = "How invocations are sent: SDK (LambdaAsyncClient on --http-client, the default) or "
                    + "SIGNED_HTTP (the SDK's SigV4 signer, credentials, region and endpoint on the JDK's HTTP "
                    + "client, without the SDK's request pipeline: less CPU per invocation, docs/performance.md).")
    InvokerKind invoker;

    @Option(names = "--restore-offsets", defaultValue = "LATER",
            description = "Where a restored partition starts: LATER (default) of its checkpointed offset and the "
                    + "consumer group's committed one, so a crash re-sends only what was in flight; CHECKPOINT: the "
                    + "checkpoint's or savepoint's offset, for a deliberate rewind to an older savepoint.")
    RestoreOffsets restoreOffsets;

    @Option(names = "--kafka-property", description = "Extra Kafka consumer property, key=value (repeatable).")
    Map<String, String> kafkaProperties = new LinkedHashMap<>();

    @Option(names = {"--endpoint", "--destination-endpoint"}, paramLabel = "SERVICE=URL",
            converter = {EndpointServiceConverter.class, EndpointServiceConverter.Url.class},
            description = "Endpoint of an AWS service: lambda, secretsmanager, sqs, sns, s3, kafka (MSK), e.g. "
                    + "sqs=http://localhost:9324 (repeatable). Default: the AWS SDK's resolution.")
    Map<String, String> endpoints = new LinkedHashMap<>();

    /** Never exits the JVM: it may be the JobManager's ({@link CommandLineEntry}). */
    public static void main(String[] args) throws Exception {
        // Managed Service for Apache Flink passes no arguments: its runtime properties hold them.
        CommandLineEntry.run(new EsmJob(), ManagedFlinkProperties.argsOr(args));
    }

    @Override
    public Integer call() throws Exception {
        // An invalid mapping throws MappingValidationException (ESM_CONFIG_NOT_VALID: ...) to the submitter.
        EventSourceMapping parsed = mapping.file != null
                ? MappingParser.parse(mapping.file, filterQuota) : MappingParser.parse(mapping.json, filterQuota);
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
                .maxBufferedBytes(maxBufferedMb << 20)
                .commitBeforeNextBatch(commitBeforeNextBatch)
                .commitInterval(Duration.ofMillis(commitIntervalMs))
                .checkpointInterval(Duration.ofMillis(checkpointIntervalMs))
                .backoff(Duration.ofMillis(retryInitialBackoffMs), Duration.ofMillis(retryMaxBackoffMs))
                .invokeTimeout(Duration.ofMillis(invokeTimeoutMs))
                .httpClient(httpClient)
                .invoker(invoker)
                .restoreOffsets(restoreOffsets);
        options.kafkaProperties.putAll(kafkaProperties);
        endpoints.forEach(options::endpoint);
        return options;
    }
}
