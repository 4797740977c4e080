package dev.flinkesm.local.lambda;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One invocation handed to a {@link HostedFunction}, and how it is answered. The first outcome wins; later ones
 * are ignored (a response after a timeout, a crash after a response).
 */
public interface Invoke {

    String requestId();

    /** The request body, as the caller sent it. */
    byte[] payload();

    /** The function ARN as invoked, with the qualifier when the caller gave one. */
    String invokedArn();

    /** The base64 client context the caller sent ({@code X-Amz-Client-Context}), or null. */
    String clientContext();

    /** The faults injected for this function. */
    Faults faults();

    /** 200 with the handler's result. */
    void succeeded(byte[] result);

    /**
     * 200 + {@code X-Amz-Function-Error: Unhandled} with Lambda's error JSON ({@code errorMessage},
     * {@code errorType}).
     */
    void failed(byte[] errorJson);

    default void failed(ObjectNode error) {
        failed(LambdaResponses.toJson(error));
    }

    /** 429 {@code TooManyRequestsException} with this {@code Reason}. */
    void throttled(String reason);
}
