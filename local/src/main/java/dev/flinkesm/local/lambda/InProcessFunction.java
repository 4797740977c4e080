package dev.flinkesm.local.lambda;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A Java handler run in this JVM on the host's worker pool, the way the Lambda Java runtime calls it (see
 * {@link HandlerAdapter}). A full pool answers 429, like a function at its concurrency limit. On timeout the caller
 * gets Lambda's error at once; the handler thread is not interrupted. Applies the function-error faults
 * ({@link Faults#latency}, {@link Faults#failNext}, {@link Faults#failWhen}).
 */
final class InProcessFunction implements HostedFunction {

    private static final Logger LOG = LoggerFactory.getLogger(InProcessFunction.class);

    private final String name;
    private final HandlerAdapter adapter;
    private final Duration timeout;
    private final Executor workers;
    private final ScheduledExecutorService timers;

    InProcessFunction(String name, Object handler, Duration timeout, Executor workers,
            ScheduledExecutorService timers) {
        this.name = name;
        this.adapter = HandlerAdapter.of(handler);
        this.timeout = timeout;
        this.workers = workers;
        this.timers = timers;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public String runtime() {
        return "java17";
    }

    @Override
    public void invoke(Invoke invoke) {
        try {
            workers.execute(() -> run(invoke));
        } catch (RejectedExecutionException e) {
            invoke.throttled("ConcurrentInvocationLimitExceeded");
        }
    }

    private void run(Invoke invoke) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ScheduledFuture<?> timer = timers.schedule(
                () -> invoke.timedOut(timeout),
                timeout.toNanos(), TimeUnit.NANOSECONDS);
        try {
            invoke.succeeded(execute(invoke, deadline));
        } catch (Throwable t) {
            LOG.debug("Function {} failed", name, t);
            invoke.failed(LambdaResponses.errorBody(t));
        } finally {
            timer.cancel(false);
        }
    }

    private byte[] execute(Invoke invoke, long deadline) throws Exception {
        Faults fault = invoke.faults();
        Duration latency = fault.latency();
        if (!latency.isZero()) {
            Thread.sleep(latency.toMillis(), latency.toNanosPart() % 1_000_000);
        }
        if (fault.takeFailure()) {
            throw new InjectedFunctionError("Injected function error (failNext)");
        }
        if (fault.isPoison(invoke.payload())) {
            throw new InjectedFunctionError("Injected function error (failWhen matched the request body)");
        }
        return adapter.invoke(invoke.payload(),
                new LocalContext(name, invoke.invokedArn(), invoke.requestId(), deadline));
    }

    @Override
    public void close() {
        // runs on the host's threads: nothing of its own to stop
    }

    /** Thrown for injected function errors; its name is the {@code errorType} the caller sees. */
    static final class InjectedFunctionError extends RuntimeException {
        InjectedFunctionError(String message) {
            super(message, null, false, false);
        }
    }
}
