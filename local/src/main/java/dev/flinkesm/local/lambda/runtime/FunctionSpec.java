package dev.flinkesm.local.lambda.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A function run as runtime processes: what {@code --function NAME=RUNTIME:HANDLER --code DIR|JAR} says, plus the
 * settings Lambda keeps per function.
 *
 * @param name the function name the Invoke API routes by
 * @param runtime which runtime interface client runs the handler
 * @param handler {@code index.handler}, {@code com.example.Fn::handleRequest}, {@code app.lambda_handler}
 * @param code the function's code: a directory, or (Java) a jar
 * @param timeout past it the process is stopped and the caller gets Lambda's timeout error
 * @param concurrency at most this many processes (execution environments) at once; beyond, 429
 * @param memoryMb {@code AWS_LAMBDA_FUNCTION_MEMORY_SIZE} (and the Java heap)
 * @param environment the function's own environment variables
 * @param logDir each function's stdout and stderr go to {@code logDir/NAME.log}
 */
public record FunctionSpec(String name, LambdaRuntime runtime, String handler, Path code, Duration timeout,
        int concurrency, int memoryMb, Map<String, String> environment, Path logDir) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_CONCURRENCY = 4;
    public static final int DEFAULT_MEMORY_MB = 512;
    /** Lambda's limits: a name of 1–64 letters, digits, hyphens and underscores; a timeout of 1–900 s. */
    private static final String NAME_RULE = "[a-zA-Z0-9_-]{1,64}";
    private static final Duration MAX_TIMEOUT = Duration.ofSeconds(900);

    public FunctionSpec {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(logDir, "logDir");
        if (name == null || !name.matches(NAME_RULE)) {
            throw new IllegalArgumentException("function name must match " + NAME_RULE + ", got: " + name);
        }
        if (handler == null || handler.isBlank()) {
            throw new IllegalArgumentException("function " + name + ": the handler must not be empty");
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("function " + name + ": timeout must be 1 s to 900 s, got " + timeout);
        }
        if (concurrency < 1) {
            throw new IllegalArgumentException("function " + name + ": concurrency must be at least 1, got "
                    + concurrency);
        }
        if (memoryMb < 128 || memoryMb > 10_240) {
            throw new IllegalArgumentException("function " + name + ": memory must be 128 to 10240 MB, got "
                    + memoryMb);
        }
        environment = Map.copyOf(environment);
    }

    /**
     * Parses {@code NAME=RUNTIME:HANDLER} (e.g. {@code orders=nodejs:index.handler}) with the default timeout,
     * concurrency and memory.
     */
    public static FunctionSpec parse(String definition, Path code, Path logDir) {
        int equals = definition.indexOf('=');
        int colon = definition.indexOf(':', equals + 1);
        if (equals <= 0 || colon < 0) {
            throw new IllegalArgumentException(
                    "--function must be NAME=RUNTIME:HANDLER (e.g. orders=nodejs:index.handler), got: " + definition);
        }
        return new FunctionSpec(definition.substring(0, equals),
                LambdaRuntime.of(definition.substring(equals + 1, colon)), definition.substring(colon + 1),
                code, DEFAULT_TIMEOUT, DEFAULT_CONCURRENCY, DEFAULT_MEMORY_MB, Map.of(), logDir);
    }

    public FunctionSpec withTimeout(Duration value) {
        return new FunctionSpec(name, runtime, handler, code, value, concurrency, memoryMb, environment, logDir);
    }

    public FunctionSpec withConcurrency(int value) {
        return new FunctionSpec(name, runtime, handler, code, timeout, value, memoryMb, environment, logDir);
    }

    public FunctionSpec withEnvironment(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(environment);
        more.put(key, value);
        return new FunctionSpec(name, runtime, handler, code, timeout, concurrency, memoryMb, more, logDir);
    }

    /** Where this function's processes write stdout and stderr. */
    public Path logFile() {
        return logDir.resolve(name + ".log");
    }
}
