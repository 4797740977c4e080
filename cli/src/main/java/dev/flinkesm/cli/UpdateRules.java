package dev.flinkesm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flinkesm.config.EventSourceMapping;
import dev.flinkesm.config.MappingFields;
import dev.flinkesm.config.MappingParser;
import dev.flinkesm.config.MappingValidationException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Which fields {@code UpdateEventSourceMapping} takes, and how a change is applied: the new mapping is the stored
 * one with the changed fields replaced, validated again by the job's own parser. Which fields are create-only
 * ({@code Topics}, the event source, {@code StartingPosition}, the consumer group) is declared in the job's
 * {@link MappingFields}; the CLI refuses them with botocore's message.
 */
public final class UpdateRules {
    /** UpdateEventSourceMapping's parameters, in the AWS CLI's order: the updatable fields of the job's table. */
    public static final List<String> UPDATABLE = MappingFields.updatable();

    private UpdateRules() {}

    /** Fails with AWS CLI's parameter validation message if {@code changes} names a field update does not take. */
    public static void check(ObjectNode changes) {
        List<String> unknown = new ArrayList<>();
        changes.fieldNames().forEachRemaining(f -> {
            if (!UPDATABLE.contains(f)) {
                unknown.add(f);
            }
        });
        if (!unknown.isEmpty()) {
            StringBuilder sb = new StringBuilder("Parameter validation failed:");
            for (String f : unknown) {
                sb.append("\nUnknown parameter in input: \"").append(f).append("\", must be one of: ")
                        .append(String.join(", ", UPDATABLE));
            }
            throw new EsmError("ParamValidation", sb.toString(), EsmError.PARAMETERS);
        }
    }

    /**
     * The stored mapping with {@code changes} applied and validated; a null JSON value removes a field (back to
     * the default). Throws {@code InvalidParameterValueException: ESM_CONFIG_NOT_VALID: ...} when the result breaks
     * a rule.
     */
    public static EventSourceMapping apply(ObjectNode current, ObjectNode changes) {
        return apply(current, changes, List.of());
    }

    /** As {@link #apply(ObjectNode, ObjectNode)}, under the filter quota of the mapping's job arguments. */
    public static EventSourceMapping apply(ObjectNode current, ObjectNode changes, List<String> jobArgs) {
        check(changes);
        ObjectNode next = current.deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> it = changes.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("UUID")) {
                continue;
            }
            if (e.getValue() == null || e.getValue().isNull()) {
                next.remove(e.getKey());
            } else {
                next.set(e.getKey(), e.getValue().deepCopy());
            }
        }
        try {
            return MappingParser.parse(next.toString(), JobArgs.filterQuota(jobArgs));
        } catch (MappingValidationException ex) {
            throw EsmError.invalid(ex.getMessage());
        }
    }

    /** True when the two mappings differ in anything but {@code Enabled}: the job must be restarted. */
    public static boolean needsRestart(ObjectNode before, ObjectNode after) {
        ObjectNode a = before.deepCopy();
        ObjectNode b = after.deepCopy();
        a.remove("Enabled");
        b.remove("Enabled");
        return !a.equals(b);
    }
}
