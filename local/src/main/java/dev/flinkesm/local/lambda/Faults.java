package dev.flinkesm.local.lambda;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Faults injected into one function's invocations. Each counted fault is consumed by one invocation. Per
 * invocation the host checks, in this order: server error (500), throttle (429), then sleeps the latency, then
 * counted failure, then the poison predicate (both a function error, {@code X-Amz-Function-Error: Unhandled}),
 * and only then runs the handler. Thread-safe; setters return {@code this} for chaining. Server errors and throttles
 * apply to every function; latency, counted failures and poison apply to in-process ones (a process function's
 * handler is the user's own code).
 */
public final class Faults {

    private final AtomicInteger failNext = new AtomicInteger();
    private final AtomicInteger throttleNext = new AtomicInteger();
    private final AtomicInteger serverErrorNext = new AtomicInteger();
    private volatile Duration latency = Duration.ZERO;
    private volatile Predicate<byte[]> failWhen = body -> false;

    /** The next {@code n} invocations end in a function error without running the handler. */
    public Faults failNext(int n) {
        failNext.set(requireNonNegative(n));
        return this;
    }

    /** The next {@code n} invocations get 429 {@code TooManyRequestsException}. */
    public Faults throttleNext(int n) {
        throttleNext.set(requireNonNegative(n));
        return this;
    }

    /** The next {@code n} invocations get 500 {@code ServiceException}. */
    public Faults serverErrorNext(int n) {
        serverErrorNext.set(requireNonNegative(n));
        return this;
    }

    /** Added before the handler runs, on every invocation (counts against the function timeout). */
    public Faults latency(Duration delay) {
        if (delay.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative: " + delay);
        }
        this.latency = delay;
        return this;
    }

    /** Every invocation whose request body matches ends in a function error: a poison record. */
    public Faults failWhen(Predicate<byte[]> onRequestBody) {
        this.failWhen = Objects.requireNonNull(onRequestBody, "onRequestBody");
        return this;
    }

    public Faults clear() {
        failNext.set(0);
        throttleNext.set(0);
        serverErrorNext.set(0);
        latency = Duration.ZERO;
        failWhen = body -> false;
        return this;
    }

    boolean takeServerError() {
        return take(serverErrorNext);
    }

    boolean takeThrottle() {
        return take(throttleNext);
    }

    boolean takeFailure() {
        return take(failNext);
    }

    Duration latency() {
        return latency;
    }

    boolean isPoison(byte[] body) {
        return failWhen.test(body);
    }

    private static boolean take(AtomicInteger counter) {
        return counter.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    private static int requireNonNegative(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("count must not be negative: " + n);
        }
        return n;
    }
}
