package dev.flinkesm.job;

import dev.flinkesm.aws.HttpClientKind;
import dev.flinkesm.config.EventSourceMapping;
import dev.flinkesm.failure.MappingStoppedException;
import dev.flinkesm.failure.ReasonCode;
import dev.flinkesm.invoke.FunctionCheck;
import dev.flinkesm.invoke.LambdaClientFactory;
import dev.flinkesm.pipeline.JobOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the job checks before it submits its pipeline, in {@code main} (on the JobManager when submitted through REST
 * or the web UI): the function exists, the caller may see it, and its timeout is within AWS's limit for Kafka. A
 * refusal is thrown, never {@code System.exit}: Flink answers the submitter with the message and the JobManager
 * stays up.
 */
final class StartChecks {
    private static final Logger LOG = LoggerFactory.getLogger(StartChecks.class);

    private StartChecks() {}

    static void checkFunction(EventSourceMapping mapping, JobOptions options) {
        // Netty, not the job's CRT default: one call here must not load native libraries into the JobManager.
        LambdaClientFactory lambda = new LambdaClientFactory(mapping.functionName(),
                options.aws().withHttpClient(HttpClientKind.NETTY), 1, options.invokeTimeout);
        FunctionCheck.Result result = FunctionCheck.check(lambda);
        switch (result.outcome()) {
            case REFUSED:
                throw new MappingStoppedException(ReasonCode.FUNCTION_CONFIG_NOT_VALID,
                        result.errorCode() + ": " + result.message());
            case UNKNOWN:
                LOG.warn("Not checking function {} before start: {}", mapping.functionName(), result.message());
                break;
            default:
                LOG.info("{}", result.message());
        }
    }
}
