package dev.flinkesm.local.lambda;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flinkesm.local.lambda.runtime.RuntimeInvocation;

import java.time.Duration;

/**
 * One invocation handed to a {@link HostedFunction}, and how it is answered. The first outcome wins; later ones
 * are ignored (a response after a timeout, a crash after a response). It is also the {@link RuntimeInvocation} a
 * process-backed function is given.
 */
public interface Invoke extends RuntimeInvocation {

    /** The faults injected for this function. */
    Faults faults();

    /** 200 with the handler's result. */
    @Override
    void succeeded(byte[] result);

    /**
     * 200 + {@code X-Amz-Function-Error: Unhandled} with Lambda's error JSON ({@code errorMessage},
     * {@code errorType}).
     */
    void failed(byte[] errorJson);

    @Override
    default void failed(ObjectNode error) {
        failed(LambdaResponses.toJson(error));
    }

    /** 200 + {@code X-Amz-Function-Error: Unhandled} with Lambda's timeout error. */
    @Override
    default void timedOut(Duration timeout) {
        failed(LambdaResponses.timedOut(requestId(), timeout));
    }

    /** 429 {@code TooManyRequestsException} with this {@code Reason}. */
    @Override
    void throttled(String reason);
}
