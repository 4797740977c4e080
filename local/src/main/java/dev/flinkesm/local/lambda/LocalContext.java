package dev.flinkesm.local.lambda;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/** The {@link Context} a handler gets from the {@link FunctionHost}; the logger writes to slf4j. */
final class LocalContext implements Context {

    private final String functionName;
    private final String invokedFunctionArn;
    private final String awsRequestId;
    private final long deadlineNanos;
    private final LambdaLogger logger;

    LocalContext(String functionName, String invokedFunctionArn, String awsRequestId, long deadlineNanos) {
        this.functionName = functionName;
        this.invokedFunctionArn = invokedFunctionArn;
        this.awsRequestId = awsRequestId;
        this.deadlineNanos = deadlineNanos;
        this.logger = new Slf4jLambdaLogger(LoggerFactory.getLogger("dev.flinkesm.local.lambda.function." + functionName));
    }

    @Override
    public String getAwsRequestId() {
        return awsRequestId;
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/" + functionName;
    }

    @Override
    public String getLogStreamName() {
        return "local/[$LATEST]" + awsRequestId;
    }

    @Override
    public String getFunctionName() {
        return functionName;
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return invokedFunctionArn;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        long remaining = (deadlineNanos - System.nanoTime()) / 1_000_000L;
        return (int) Math.max(0, Math.min(Integer.MAX_VALUE, remaining));
    }

    @Override
    public int getMemoryLimitInMB() {
        return 128;
    }

    @Override
    public LambdaLogger getLogger() {
        return logger;
    }

    private record Slf4jLambdaLogger(Logger log) implements LambdaLogger {

        @Override
        public void log(String message) {
            log.info(message);
        }

        @Override
        public void log(byte[] message) {
            log(new String(message, StandardCharsets.UTF_8));
        }

        @Override
        public void log(String message, LogLevel level) {
            switch (level == null ? LogLevel.INFO : level) {
                case TRACE -> log.trace(message);
                case DEBUG -> log.debug(message);
                case WARN -> log.warn(message);
                case ERROR, FATAL -> log.error(message);
                default -> log.info(message);
            }
        }

        @Override
        public void log(byte[] message, LogLevel level) {
            log(new String(message, StandardCharsets.UTF_8), level);
        }
    }
}
