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
                jobArg(jobArgs, "--lambda-endpoint"), 1, Duration.ofSeconds(30),
                dev.flinkesm.aws.HttpClientKind.NETTY));
        if (result.refused()) {
            throw new EsmError(result.errorCode(), result.message(), EsmError.SERVICE);
        }
        if (result.outcome() == FunctionCheck.Outcome.UNKNOWN) {
            LOG.warn("Function {} not checked: {}", functionName, result.message());
        }
    }

    /** The value of a job option written {@code --name value} or {@code --name=value}; null if absent. */
    static String jobArg(List<String> jobArgs, String name) {
        for (int i = 0; i < jobArgs.size(); i++) {
            String arg = jobArgs.get(i);
            if (arg.equals(name) && i + 1 < jobArgs.size()) {
                return jobArgs.get(i + 1);
            }
            if (arg.startsWith(name + "=")) {
                return arg.substring(name.length() + 1);
            }
        }
        return null;
    }
}
