package dev.flinkesm.local.lambda.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * Reads (and optionally resets) a {@link BenchCounter}'s figures through the Invoke API itself, so a benchmark in
 * another process needs no second protocol: input {@code {"function":"bench-count","reset":false}}, output the
 * counter's {@link BenchCounter#stats()} as JSON (taken before a reset).
 */
public final class BenchStats implements RequestStreamHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, BenchCounter> counters;

    public BenchStats(Map<String, BenchCounter> counters) {
        this.counters = counters;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode request = JSON.readTree(input);
        String name = request.path("function").asText();
        BenchCounter counter = counters.get(name);
        if (counter == null) {
            throw new IllegalArgumentException("no bench function " + name + "; known: " + counters.keySet());
        }
        Map<String, Object> stats = counter.stats();
        if (request.path("reset").asBoolean(false)) {
            counter.reset();
        }
        JSON.writeValue(output, stats);
    }
}
