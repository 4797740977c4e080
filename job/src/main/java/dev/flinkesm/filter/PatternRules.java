package dev.flinkesm.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Turns one Lambda filter pattern into the event-ruler rules that carry out Lambda's Kafka format table, so that all
 * filters still run as one machine and a record is matched in one pass.
 *
 * <p>For each top-level part that depends on the record's format ({@code value}, and our extension {@code key}) a
 * pattern becomes two rules, each guarded by the {@link FilterEvent} shape field:
 *
 * <ul>
 *   <li>the pattern in full, when the part's shape fits the pattern's (an object pattern and a JSON-object value, an
 *       array pattern and a string value) or the part is absent (then only {@code exists: false} can match it);
 *   <li>the pattern without that part, for the mismatches and non-UTF-8 bytes: "Lambda filters (on the other
 *       metadata properties only)". A pattern with nothing else keeps only the guard, so such records pass.
 * </ul>
 *
 * <p>A top-level {@code $or} whose branches name {@code value} or {@code key} is first expanded into one pattern per
 * branch (each merged with the fields outside the {@code $or}), because the format decision is per branch.
 */
final class PatternRules {
    static final String VALUE = "value";
    static final String KEY = "key";
    static final String HEADERS = "headers";
    static final String OR = "$or";
    static final String RESERVED_PREFIX = "$esm";

    private static final ObjectMapper JSON = new ObjectMapper();

    private PatternRules() {}

    /** The rules for a pattern that event-ruler already accepted; IllegalArgumentException says why else not. */
    static List<String> of(ObjectNode pattern) {
        List<String> rules = new ArrayList<>();
        for (ObjectNode branch : expandOr(pattern)) {
            for (ObjectNode byValue : split(branch, VALUE, FilterEvent.VALUE_SHAPE)) {
                for (ObjectNode rule : split(byValue, KEY, FilterEvent.KEY_SHAPE)) {
                    rules.add(rule.toString());
                }
            }
        }
        return rules;
    }

    /** Whether any branch of {@code pattern} names top-level {@code field}: the event then needs it. */
    static boolean names(ObjectNode pattern, String field) {
        if (pattern.has(field)) {
            return true;
        }
        JsonNode or = pattern.get(OR);
        if (or != null && or.isArray()) {
            for (JsonNode branch : or) {
                if (branch.isObject() && names((ObjectNode) branch, field)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Checks the parts event-ruler cannot know about; null when fine. */
    static String problem(ObjectNode pattern) {
        for (Iterator<String> it = pattern.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (field.startsWith(RESERVED_PREFIX)) {
                return "field names starting with " + RESERVED_PREFIX + " are reserved";
            }
        }
        JsonNode headers = pattern.get(HEADERS);
        if (headers != null && !headers.isObject()) {
            return "\"headers\" must be an object keyed by header name, e.g. {\"headers\":{\"type\":[\"order\"]}}";
        }
        JsonNode or = pattern.get(OR);
        if (or != null && or.isArray()) {
            for (JsonNode branch : or) {
                if (branch.isObject()) {
                    String inner = problem((ObjectNode) branch);
                    if (inner != null) {
                        return inner;
                    }
                }
            }
        }
        try {
            expandOr(pattern);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        return null;
    }

    private static List<ObjectNode> expandOr(ObjectNode pattern) {
        JsonNode or = pattern.get(OR);
        if (or == null || !(names(pattern, VALUE) || names(pattern, KEY))) {
            return List.of(pattern);
        }
        ObjectNode rest = pattern.deepCopy();
        rest.remove(OR);
        List<ObjectNode> branches = new ArrayList<>();
        for (JsonNode branch : or) {
            ObjectNode merged = rest.deepCopy();
            merge(merged, (ObjectNode) branch);
            branches.addAll(expandOr(merged));
        }
        return branches;
    }

    /** Adds {@code from}'s fields to {@code into}: objects merge (an AND), two rules on one field cannot. */
    private static void merge(ObjectNode into, ObjectNode from) {
        for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode existing = into.get(e.getKey());
            if (existing == null) {
                into.set(e.getKey(), e.getValue().deepCopy());
            } else if (existing.isObject() && e.getValue().isObject() && !e.getKey().equals(OR)) {
                merge((ObjectNode) existing, (ObjectNode) e.getValue());
            } else {
                throw new IllegalArgumentException("\"" + e.getKey() + "\" is matched both inside and outside "
                        + "a $or that names value or key; move it into every $or branch");
            }
        }
    }

    /** The full and the part-less variant of {@code rule}, each with its shape guard; just {@code rule} if absent. */
    private static List<ObjectNode> split(ObjectNode rule, String field, String guardField) {
        JsonNode part = rule.get(field);
        if (part == null) {
            return List.of(rule);
        }
        boolean objectPattern = part.isObject();
        ObjectNode full = rule.deepCopy();
        guard(full, guardField, objectPattern ? Shape.JSON : Shape.STRING, Shape.ABSENT);
        ObjectNode without = rule.deepCopy();
        without.remove(field);
        guard(without, guardField, objectPattern ? Shape.STRING : Shape.JSON, Shape.BINARY);
        return List.of(full, without);
    }

    private static void guard(ObjectNode rule, String guardField, Shape... shapes) {
        ArrayNode allowed = rule.putArray(guardField);
        for (Shape s : shapes) {
            allowed.add(s.tag());
        }
    }

    static ObjectNode parse(String pattern) throws com.fasterxml.jackson.core.JsonProcessingException {
        return (ObjectNode) JSON.readTree(pattern);
    }
}
