package dev.flinkesm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A CloudFormation / SAM {@code AWS::Lambda::EventSourceMapping} as input to {@code esm create}: the resource
 * ({@code {"Type": "AWS::Lambda::EventSourceMapping", "Properties": {...}}}), a template with exactly one such
 * resource, or the bare {@code Properties}. They are the API's request with CloudFormation's spellings, so they are
 * translated to the API's and then validated like any other mapping. The differences: the bootstrap servers are
 * {@code SelfManagedEventSource.Endpoints.KafkaBootstrapServers}, {@code KmsKeyArn} is {@code KMSKeyArn}, and
 * {@code Tags} is a list of {@code {Key, Value}} instead of a map. Anything that is not CloudFormation is returned
 * unchanged.
 */
public final class CloudFormationProperties {
    public static final String TYPE = "AWS::Lambda::EventSourceMapping";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** CloudFormation property → API parameter, where the spelling differs. */
    private static final Map<String, String> RENAMED = Map.of("KmsKeyArn", "KMSKeyArn");

    private CloudFormationProperties() {}

    /** The API's CreateEventSourceMapping JSON for {@code input}, or {@code input} itself if it is not CloudFormation. */
    public static String toApiJson(String input) {
        JsonNode root;
        try {
            root = JSON.readTree(input);
        } catch (IOException e) {
            return input; // not JSON: the mapping parser says so, with its own message
        }
        if (!(root instanceof ObjectNode o)) {
            return input;
        }
        ObjectNode properties = properties(o);
        return properties == null ? input : translate(properties).toString();
    }

    private static ObjectNode properties(ObjectNode root) {
        if (TYPE.equals(root.path("Type").asText()) && root.path("Properties") instanceof ObjectNode p) {
            return p;
        }
        if (root.path("Resources") instanceof ObjectNode resources) {
            List<ObjectNode> found = new ArrayList<>();
            resources.elements().forEachRemaining(r -> {
                if (TYPE.equals(r.path("Type").asText()) && r.path("Properties") instanceof ObjectNode p) {
                    found.add(p);
                }
            });
            if (found.size() != 1) {
                throw EsmError.invalid("The template has " + found.size() + " resources of type " + TYPE
                        + "; esm create takes one");
            }
            return found.get(0);
        }
        if (root.path("SelfManagedEventSource").path("Endpoints").has("KafkaBootstrapServers")) {
            return root; // bare Properties
        }
        return null;
    }

    static ObjectNode translate(ObjectNode properties) {
        ObjectNode api = JSON.createObjectNode();
        properties.fields().forEachRemaining(e -> {
            String name = RENAMED.getOrDefault(e.getKey(), e.getKey());
            JsonNode value = e.getValue().deepCopy();
            if (name.equals("SelfManagedEventSource") && value.path("Endpoints") instanceof ObjectNode endpoints
                    && endpoints.has("KafkaBootstrapServers")) {
                endpoints.set("KAFKA_BOOTSTRAP_SERVERS", endpoints.remove("KafkaBootstrapServers"));
            }
            if (name.equals("Tags") && value instanceof ArrayNode list) {
                ObjectNode tags = JSON.createObjectNode();
                list.forEach(t -> tags.set(t.path("Key").asText(), t.path("Value")));
                value = tags;
            }
            if (value.isObject() && value.size() == 1
                    && (value.has("Ref") || value.fieldNames().next().startsWith("Fn::"))) {
                throw EsmError.invalid("Property " + e.getKey() + " is an intrinsic function (" + value
                        + "); esm create needs the resolved value");
            }
            api.set(name, value);
        });
        return api;
    }
}
