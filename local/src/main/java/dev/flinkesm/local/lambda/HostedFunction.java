package dev.flinkesm.local.lambda;

import java.time.Duration;

/**
 * A function the {@link FunctionHost} serves: Java handlers in this JVM ({@link InProcessFunction}) or runtime
 * processes speaking the Lambda Runtime API ({@link HostedProcessFunction}).
 *
 * <p>Invariant: {@link #invoke} ends every {@link Invoke} it is given with exactly one of its outcomes (a later
 * one is ignored), and never blocks the caller (an I/O thread) on the handler.
 */
public interface HostedFunction extends AutoCloseable {

    String name();

    /** The configured timeout: past it the caller gets Lambda's {@code Task timed out} error. */
    Duration timeout();

    /** The Lambda runtime identifier GetFunctionConfiguration reports, e.g. {@code nodejs22.x}. */
    String runtime();

    void invoke(Invoke invoke);

    /** Stops whatever runs the handler (threads are left to the host, processes are stopped). */
    @Override
    void close();
}
