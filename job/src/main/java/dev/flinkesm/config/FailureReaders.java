package dev.flinkesm.config;

import static dev.flinkesm.config.ParseRun.get;
import static dev.flinkesm.config.ParseRun.quote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Set;

/** Readers and writers of what happens when a batch fails: FunctionResponseTypes and DestinationConfig. */
final class FailureReaders {

    static final String REPORT_BATCH_ITEM_FAILURES = "ReportBatchItemFailures";

    private FailureReaders() {}

    /** True when the list holds ReportBatchItemFailures, the one response type Kafka takes. */
    static Boolean functionResponseTypes(JsonNode types, String name, ParseRun run) {
        if (types == null) {
            return null;
        }
        if (!run.array(types, "FunctionResponseTypes", "")) {
            return null;
        }
        Boolean report = null;
        for (int i = 0; i < types.size(); i++) {
            String path = "FunctionResponseTypes[" + i + "]";
            String type = run.text(types.get(i), path);
            if (REPORT_BATCH_ITEM_FAILURES.equals(type)) {
                report = true;
            } else if (type != null) {
                run.violation(path + " " + quote(type) + " is not " + REPORT_BATCH_ITEM_FAILURES);
            }
        }
        return report;
    }

    static void writeFunctionResponseTypes(ObjectNode root, String name, Boolean reportBatchItemFailures) {
        root.putArray(name).add(REPORT_BATCH_ITEM_FAILURES);
    }

    /** OnFailure.Destination, parsed once into its address; a Kafka destination must not be a source topic. */
    static DestinationAddress destinationConfig(JsonNode config, String name, ParseRun run) {
        String path = name;
        if (config == null || !run.object(config, path, Set.of("OnFailure", "OnSuccess"))) {
            return null;
        }
        if (get(config, "OnSuccess") != null) {
            run.violation(path + ".OnSuccess is not supported for Kafka event sources; only OnFailure is");
        }
        JsonNode onFailure = get(config, "OnFailure");
        if (onFailure == null || !run.object(onFailure, path + ".OnFailure", Set.of("Destination"))) {
            return null;
        }
        path += ".OnFailure.Destination";
        String destination = run.text(get(onFailure, "Destination"), path);
        if (destination == null) {
            return null;
        }
        DestinationAddress address;
        try {
            address = DestinationAddress.parse(destination);
        } catch (IllegalArgumentException e) {
            run.violation(path + " " + quote(destination) + " " + e.getMessage());
            return null;
        }
        List<String> topics = run.value(MappingFields.TOPICS);
        if (address.kind() == DestinationAddress.Kind.KAFKA && topics != null && topics.contains(address.name())) {
            run.violation(path + " " + quote(destination) + " must not be one of Topics");
            return null;
        }
        return address;
    }

    static void writeDestinationConfig(ObjectNode root, String name, DestinationAddress destination) {
        root.putObject(name).putObject("OnFailure").put("Destination", destination.address());
    }
}
