package dev.flinkesm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads a bench function's counters from the function host through its {@code bench-stats} function. */
final class HostStats {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI statsUri;

    HostStats(String endpoint) {
        this.statsUri = URI.create(endpoint + "/2015-03-31/functions/bench-stats/invocations");
    }

    JsonNode get(String function) {
        return call(function, false);
    }

    /** The figures so far, then zero. */
    JsonNode reset(String function) {
        return call(function, true);
    }

    long records(String function) {
        return get(function).path("records").asLong();
    }

    private JsonNode call(String function, boolean reset) {
        try {
            String body = JSON.createObjectNode().put("function", function).put("reset", reset).toString();
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(statsUri)
                            .timeout(Duration.ofSeconds(10))
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200 || r.headers().firstValue("X-Amz-Function-Error").isPresent()) {
                throw new IllegalStateException("bench-stats answered " + r.statusCode() + ": " + new String(r.body()));
            }
            return JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
