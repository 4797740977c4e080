package dev.flinkesm.local.lambda.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;

/**
 * What a {@link ProcessFunction} needs from the host for one invocation: the request as the runtime receives it, and
 * one callback per way it can end. The host implements it; this package declares it so that it does not depend on
 * the host.
 *
 * <p>Invariant, kept by the host: the first outcome wins; later ones are ignored (a response after a timeout, a crash
 * after a response).
 */
public interface RuntimeInvocation {

    String requestId();

    /** The request body, as the caller sent it. */
    byte[] payload();

    /** The function ARN as invoked, with the qualifier when the caller gave one. */
    String invokedArn();

    /** The base64 client context the caller sent ({@code X-Amz-Client-Context}), or null. */
    String clientContext();

    /** The runtime's result. */
    void succeeded(byte[] result);

    /** A function error with Lambda's error JSON ({@code errorMessage}, {@code errorType}). */
    void failed(ObjectNode error);

    /** The handler ran past {@code timeout}: Lambda's {@code Task timed out} error. */
    void timedOut(Duration timeout);

    /** No environment can take it (the function is at its concurrency): throttled with this {@code Reason}. */
    void throttled(String reason);
}
