package dev.flinkesm.config;

import static dev.flinkesm.config.ParseRun.get;
import static dev.flinkesm.config.ParseRun.quote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Readers and writers of the cluster a mapping reads: SelfManagedEventSource or EventSourceArn (exactly one), and
 * the consumer group in the Kafka config that goes with it.
 */
final class EventSourceReaders {

    private static final Pattern HOST_PORT =
            Pattern.compile("([a-zA-Z0-9_]([a-zA-Z0-9_.-]*[a-zA-Z0-9_])?|\\[[0-9a-fA-F:.]+]):(\\d{1,5})");
    private static final Pattern MSK_ARN = Pattern.compile("arn:aws[a-z-]*:kafka:[a-z0-9-]+:\\d{12}:cluster/\\S+");
    private static final Set<String> KAFKA_CONFIG_FIELDS = Set.of("ConsumerGroupId", "SchemaRegistryConfig");
    private static final String SERVERS = "KAFKA_BOOTSTRAP_SERVERS";

    private EventSourceReaders() {}

    /** The bootstrap servers joined with ","; also reports a missing or doubled event source, once. */
    static String selfManagedEventSource(JsonNode node, String name, ParseRun run) {
        boolean arn = run.present(MappingFields.EVENT_SOURCE_ARN);
        if (node != null && arn) {
            run.violation("Only one of SelfManagedEventSource and EventSourceArn may be set");
        } else if (node == null && !arn) {
            run.violation("One of SelfManagedEventSource (self-managed Kafka) or EventSourceArn (Amazon MSK) is"
                    + " required");
        }
        return node == null ? null : bootstrapServers(node, run);
    }

    static void writeSelfManagedEventSource(ObjectNode root, String name, String servers) {
        ArrayNode list = root.putObject(name).putObject("Endpoints").putArray(SERVERS);
        for (String server : servers.split(",")) {
            list.add(server);
        }
    }

    static String eventSourceArn(JsonNode node, String name, ParseRun run) {
        String arn = run.text(node, name);
        if (arn != null && !MSK_ARN.matcher(arn).matches()) {
            run.violation(name + " " + quote(arn) + " is not an Amazon MSK cluster ARN"
                    + " (arn:aws:kafka:<region>:<account>:cluster/<name>/<id>)");
            return null;
        }
        return run.present(MappingFields.SELF_MANAGED_EVENT_SOURCE) ? null : arn;
    }

    /** The ConsumerGroupId of SelfManagedKafkaEventSourceConfig (self-managed) or AmazonManaged... (MSK). */
    static Field.Reader<String> kafkaConfig(boolean forSelfManaged) {
        return (config, field, run) -> {
            if (config == null) {
                return null;
            }
            Boolean selfManaged = run.selfManaged();
            if (selfManaged != null && selfManaged != forSelfManaged) {
                run.violation(forSelfManaged
                        ? field + " does not apply to Amazon MSK (EventSourceArn); use"
                                + " AmazonManagedKafkaEventSourceConfig"
                        : field + " does not apply to self-managed Kafka (SelfManagedEventSource); use"
                                + " SelfManagedKafkaEventSourceConfig");
                return null;
            }
            if (!run.object(config, field, KAFKA_CONFIG_FIELDS)) {
                return null;
            }
            if (get(config, "SchemaRegistryConfig") != null) {
                // Not modelled at all (unlike NOT_YET_SUPPORTED): the job passes record bytes through unchanged.
                run.violation(field + ".SchemaRegistryConfig is not supported yet");
            }
            String path = field + ".ConsumerGroupId";
            String group = run.text(get(config, "ConsumerGroupId"), path);
            if (group != null && !SourceAccessReader.isAwsId(group)) {
                run.violation(path + " " + quote(group) + " is not " + SourceAccessReader.AWS_ID_RULE);
                return null;
            }
            return group;
        };
    }

    static void writeKafkaConfig(ObjectNode root, String name, String consumerGroupId) {
        root.putObject(name).put("ConsumerGroupId", consumerGroupId);
    }

    private static String bootstrapServers(JsonNode selfManagedNode, ParseRun run) {
        String path = "SelfManagedEventSource";
        if (!run.object(selfManagedNode, path, Set.of("Endpoints"))) {
            return null;
        }
        JsonNode endpoints = get(selfManagedNode, "Endpoints");
        if (endpoints == null) {
            run.violation(path + ".Endpoints." + SERVERS + " is required");
            return null;
        }
        if (!run.object(endpoints, path + ".Endpoints", Set.of(SERVERS))) {
            return null;
        }
        path += ".Endpoints." + SERVERS;
        JsonNode servers = get(endpoints, SERVERS);
        if (servers == null) {
            run.violation(path + " is required");
            return null;
        }
        if (!run.array(servers, path, "host:port")) {
            return null;
        }
        if (servers.isEmpty()) {
            run.violation(path + " must list at least one host:port");
            return null;
        }
        List<String> valid = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            String entryPath = path + "[" + i + "]";
            String server = run.text(servers.get(i), entryPath);
            if (server == null) {
                continue;
            }
            Matcher matcher = HOST_PORT.matcher(server);
            int port = matcher.matches() ? Integer.parseInt(matcher.group(3)) : 0;
            if (port < 1 || port > 65535) {
                run.violation(entryPath + " " + quote(server) + " is not host:port (port 1..65535)");
            } else {
                valid.add(server);
            }
        }
        return valid.size() == servers.size() ? String.join(",", valid) : null;
    }
}
