package dev.flinkesm.config;

import static dev.flinkesm.config.ParseRun.quote;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Readers of what a mapping is: its UUID, function and topics. */
final class IdentityReaders {

    private static final String NAME = "[a-zA-Z0-9_-]{1,64}";
    private static final String QUALIFIER = "(\\$LATEST|[a-zA-Z0-9_-]{1,128})";
    private static final String ACCOUNT = "\\d{12}";
    private static final String REGION = "[a-z]{2}(-[a-z]+)+-\\d+";
    private static final Pattern FUNCTION_NAME = Pattern.compile(
            "(" + NAME + "|" + ACCOUNT + ":function:" + NAME
                    + "|arn:aws[a-z-]*:lambda:" + REGION + ":" + ACCOUNT + ":function:" + NAME
                    + ")(:" + QUALIFIER + ")?");
    private static final int FUNCTION_NAME_MAX = 140;
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final String TOPIC_RULE = "(1..249 of [a-zA-Z0-9._-], not \".\" or \"..\")";
    private static final Pattern UUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private IdentityReaders() {}

    /** The file's UUID, lower-cased; when absent and all else is valid, derived from function, topics and cluster. */
    static String uuid(JsonNode node, String name, ParseRun run) {
        String uuid = run.text(node, name);
        if (uuid != null) {
            if (UUID.matcher(uuid).matches()) {
                return uuid.toLowerCase(Locale.ROOT);
            }
            run.violation(name + " " + quote(uuid) + " is not a UUID (8-4-4-4-12 hex digits)");
            return null;
        }
        if (node != null || !run.violations().isEmpty()) {
            return null;
        }
        String servers = run.value(MappingFields.SELF_MANAGED_EVENT_SOURCE);
        return MappingUuid.derive(run.value(MappingFields.FUNCTION_NAME), run.value(MappingFields.TOPICS),
                servers != null ? servers : run.value(MappingFields.EVENT_SOURCE_ARN));
    }

    static String functionName(JsonNode node, String field, ParseRun run) {
        String name = run.requiredText(node, field);
        if (name == null) {
            return null;
        }
        if (name.length() > FUNCTION_NAME_MAX) {
            run.violation(field + " " + quote(name) + " is longer than " + FUNCTION_NAME_MAX + " characters");
            return null;
        }
        if (!FUNCTION_NAME.matcher(name).matches()) {
            run.violation(field + " " + quote(name) + " is not a function name (1..64 of [a-zA-Z0-9-_]),"
                    + " partial ARN (123456789012:function:name) or function ARN"
                    + " (arn:aws:lambda:<region>:<account>:function:name), optionally qualified"
                    + " with :$LATEST, :<alias> or :<version>");
            return null;
        }
        return name;
    }

    static List<String> topics(JsonNode topics, String name, ParseRun run) {
        if (topics == null) {
            run.required(null, name);
            return null;
        }
        if (!run.array(topics, name, "topic names")) {
            return null;
        }
        if (topics.isEmpty()) {
            run.violation(name + " must name at least one topic");
            return null;
        }
        List<String> valid = new ArrayList<>();
        for (int i = 0; i < topics.size(); i++) {
            String path = name + "[" + i + "]";
            String topic = run.text(topics.get(i), path);
            if (topic == null) {
                continue;
            }
            if (!isTopicName(topic)) {
                run.violation(path + " " + quote(topic) + " is not a Kafka topic name " + TOPIC_RULE);
            } else if (valid.contains(topic)) {
                run.violation(path + " " + quote(topic) + " is a duplicate");
            } else {
                valid.add(topic);
            }
        }
        return valid;
    }

    private static boolean isTopicName(String topic) {
        return TOPIC.matcher(topic).matches() && !topic.equals(".") && !topic.equals("..");
    }
}
