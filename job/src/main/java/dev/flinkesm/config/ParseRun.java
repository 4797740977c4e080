package dev.flinkesm.config;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One parse of one mapping: the document, the values read so far (fields are read in {@link MappingFields} order,
 * so a field may look at the ones before it), the violations, and log lines emitted only if the mapping is valid.
 *
 * <p>Each helper reports its own violation and returns null when there is no usable value.
 */
final class ParseRun {
    /** Strict: a duplicate field or trailing content is invalid JSON; numbers keep every digit. */
    static final ObjectMapper JSON =
            JsonMapper.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .build();

    private static final int SHOW_MAX = 100;

    private final JsonNode root;
    private final ParseSettings settings;
    private final List<String> violations = new ArrayList<>();
    private final List<Runnable> logsIfValid = new ArrayList<>();
    private final Map<Field<?>, Object> values = new HashMap<>();

    ParseRun(JsonNode root, ParseSettings settings) {
        this.root = root;
        this.settings = settings;
    }

    ParseSettings settings() {
        return settings;
    }

    /** Reads {@code field} from the document and keeps its value (or default) for the fields after it. */
    <T> void read(Field<T> field) {
        values.put(field, field.read(get(root, field.name()), this));
    }

    /** The value read for {@code field} (or its default); null when it is absent without default, or invalid. */
    @SuppressWarnings("unchecked")
    <T> T value(Field<T> field) {
        return values.containsKey(field) ? (T) values.get(field) : field.defaultValue();
    }

    /** True when the document sets {@code field} (JSON null is not set). */
    boolean present(Field<?> field) {
        return get(root, field.name()) != null;
    }

    /**
     * True for self-managed Kafka, false for Amazon MSK, null when the event source is missing or ambiguous (that
     * violation is reported once, by SelfManagedEventSource).
     */
    Boolean selfManaged() {
        boolean selfManaged = present(MappingFields.SELF_MANAGED_EVENT_SOURCE);
        return selfManaged == present(MappingFields.EVENT_SOURCE_ARN) ? null : selfManaged;
    }

    void violation(String message) {
        violations.add(message);
    }

    List<String> violations() {
        return violations;
    }

    void logIfValid(Runnable log) {
        logsIfValid.add(log);
    }

    List<Runnable> logsIfValid() {
        return logsIfValid;
    }

    // ---- helpers ----

    String text(JsonNode node, String path) {
        if (node == null) {
            return null;
        }
        if (!node.isTextual()) {
            violation(path + " " + show(node) + " must be a string");
            return null;
        }
        return node.textValue();
    }

    /** {@link #text}, also reporting {@code path} as required when the node is absent. */
    String requiredText(JsonNode node, String path) {
        String text = text(node, path);
        required(node, path);
        return text;
    }

    /**
     * Checks that {@code node} is an array; else reports "must be an array", followed by " of " and {@code of}
     * (what its elements are) unless that is empty.
     */
    boolean array(JsonNode node, String path, String of) {
        if (node.isArray()) {
            return true;
        }
        violation(path + " " + show(node) + " must be an array" + (of.isEmpty() ? "" : " of " + of));
        return false;
    }

    /** The constant of {@code type} named {@code name}; else reports the names it may be and returns null. */
    <E extends Enum<E>> E oneOf(String name, String path, Class<E> type) {
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            violation(path + " " + quote(name) + " is not one of "
                    + join(Arrays.stream(type.getEnumConstants()).map(Enum::name)));
            return null;
        }
    }

    Boolean bool(JsonNode node, String path) {
        if (node == null) {
            return null;
        }
        if (!node.isBoolean()) {
            violation(path + " " + show(node) + " must be true or false");
            return null;
        }
        return node.booleanValue();
    }

    Integer integer(JsonNode node, String path, LongPredicate inRange, String range) {
        if (node == null) {
            return null;
        }
        if (!node.isIntegralNumber()) {
            violation(path + " " + show(node) + " must be an integer");
            return null;
        }
        if (!node.canConvertToLong() || !inRange.test(node.longValue())) {
            violation(path + " " + show(node) + " is out of range " + range);
            return null;
        }
        return (int) node.longValue();
    }

    /** Checks that {@code node} is an object and reports fields not in {@code known}. */
    boolean object(JsonNode node, String path, Set<String> known) {
        if (!node.isObject()) {
            violation(path + " " + show(node) + " must be an object");
            return false;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!known.contains(field)) {
                violation("Unknown field " + path + "." + field);
            }
        }
        return true;
    }

    /** Reports {@code field} as required when absent or null; a value of the wrong type was reported already. */
    void required(JsonNode node, String field) {
        if (node == null) {
            violation(field + " is required");
        }
    }

    /** The field's value, or null when absent or JSON null (both mean: not set). */
    static JsonNode get(JsonNode parent, String field) {
        JsonNode node = parent.get(field);
        return node == null || node.isNull() ? null : node;
    }

    /** A value as JSON (strings quoted), shortened so one huge value cannot drown the other messages. */
    static String show(JsonNode node) {
        String json = node.toString();
        return json.length() > SHOW_MAX ? json.substring(0, SHOW_MAX) + "..." : json;
    }

    static String quote(String value) {
        return show(JSON.getNodeFactory().textNode(value));
    }

    static String join(Stream<String> names) {
        return names.collect(Collectors.joining(", "));
    }
}
