package dev.flinkesm.delivery;

import dev.flinkesm.invoke.InvokeResult;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one event to the function. The delivery engine's only view of Lambda, so that it can be tested with an
 * invoker that answers as a test says.
 *
 * <p>Contract: {@link #invoke} returns at once and its future always completes normally, with every possible
 * outcome (success, function error, refused request, no answer) as an {@link InvokeResult}; it never retries.
 */
public interface Invoker extends AutoCloseable {

    CompletableFuture<InvokeResult> invoke(byte[] event);

    /** The function's configured timeout, if it can be read; empty by default. Completes normally. */
    default CompletableFuture<Optional<Duration>> configuredTimeout() {
        return CompletableFuture.completedFuture(Optional.empty());
    }

    @Override
    void close();
}
