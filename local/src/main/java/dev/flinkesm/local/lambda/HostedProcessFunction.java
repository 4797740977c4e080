package dev.flinkesm.local.lambda;

import dev.flinkesm.local.lambda.runtime.ProcessFunction;

import java.time.Duration;

/**
 * A {@link ProcessFunction} as the host serves it. The runtime package does not know {@link HostedFunction}; this is
 * where the two meet, so the dependency runs one way (host → runtime).
 */
final class HostedProcessFunction implements HostedFunction {

    private final ProcessFunction process;

    HostedProcessFunction(ProcessFunction process) {
        this.process = process;
    }

    ProcessFunction process() {
        return process;
    }

    @Override
    public String name() {
        return process.name();
    }

    @Override
    public Duration timeout() {
        return process.timeout();
    }

    @Override
    public String runtime() {
        return process.runtime();
    }

    @Override
    public void invoke(Invoke invoke) {
        process.invoke(invoke);
    }

    @Override
    public void close() {
        process.close();
    }
}
