package dev.flinkesm.local.lambda;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * One invoke request as the host answered it.
 *
 * @param functionName the registered name the request resolved to (or the requested name if unknown)
 * @param qualifier the version or alias requested, null when unqualified
 * @param arrivalNanos {@link System#nanoTime()} when the request was read; for ordering and gaps
 * @param arrivedAt wall-clock arrival
 * @param body the request body as received
 * @param statusCode the HTTP status sent back
 * @param functionError {@code X-Amz-Function-Error} when the function failed, else null
 */
public record Invocation(
        String functionName,
        String qualifier,
        long arrivalNanos,
        Instant arrivedAt,
        byte[] body,
        int statusCode,
        String functionError) {

    public boolean succeeded() {
        return statusCode / 100 == 2 && functionError == null;
    }

    public String bodyAsString() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "Invocation[" + functionName + (qualifier == null ? "" : ":" + qualifier) + " status=" + statusCode
                + (functionError == null ? "" : " functionError=" + functionError) + " bytes=" + body.length + "]";
    }
}
