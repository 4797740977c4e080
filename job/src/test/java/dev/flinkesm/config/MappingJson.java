package dev.flinkesm.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;

/** A mapping under test: starts valid and minimal, and each edit changes one field (values given as JSON). */
final class MappingJson {

    static final String MINIMAL =
            "{\"FunctionName\":\"demo-logger\",\"Topics\":[\"demo-events\"],\"StartingPosition\":\"TRIM_HORIZON\","
                    + "\"SelfManagedEventSource\":{\"Endpoints\":{\"KAFKA_BOOTSTRAP_SERVERS\":[\"localhost:9092\"]}}}";

    /** Big decimals, so fractional timestamps reach the parser digit for digit. */
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final ObjectNode root;

    private MappingJson(ObjectNode root) {
        this.root = root;
    }

    static MappingJson mapping() {
        return new MappingJson((ObjectNode) read(MINIMAL));
    }

    static MappingJson msk() {
        return mapping()
                .without("SelfManagedEventSource")
                .with("EventSourceArn", "\"arn:aws:kafka:us-east-1:123456789012:cluster/demo/abc-1\"");
    }

    MappingJson with(String field, String valueJson) {
        root.set(field, read(valueJson));
        return this;
    }

    MappingJson without(String field) {
        root.remove(field);
        return this;
    }

    String json() {
        return root.toString();
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
