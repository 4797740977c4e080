package dev.flinkesm.cli;

import dev.flinkesm.invoke.FunctionCheck;
import dev.flinkesm.invoke.LambdaClientFactory;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses a mapping whose function does not exist, may not be read by the caller, or times out after more than 14
 * minutes, as {@code CreateEventSourceMapping} does. It asks through the job's own client settings: the function,
 * and the {@code --lambda-endpoint} job argument given after {@code --} (otherwise the SDK's standard endpoint,
 * region and credentials resolution, as the job does).
 */
final class FunctionGate {
    private static final Logger LOG = LoggerFactory.getLogger(FunctionGate.class);

    private FunctionGate() {}

    static void require(String functionName, List<String> jobArgs) {
        // The job's endpoint, region and credentials resolution; Netty for one call (the HTTP client does not
        // change Lambda's answer, and the CRT's natives are not worth loading for it).
        FunctionCheck.Result result = FunctionCheck.check(new LambdaClientFactory(functionName,
                JobArgs.value(jobArgs, "--lambda-endpoint"), 1, Duration.ofSeconds(30),
                dev.flinkesm.aws.HttpClientKind.NETTY));
        if (result.refused()) {
            throw new EsmError(result.errorCode(), result.message(), EsmError.SERVICE);
        }
        if (result.outcome() == FunctionCheck.Outcome.UNKNOWN) {
            LOG.warn("Function {} not checked: {}", functionName, result.message());
        }
    }
}
