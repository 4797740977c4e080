package dev.flinkesm.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code esm update}: the AWS CLI's update-event-source-mapping options become the request's JSON ({@link #changes()}),
 * which {@link Esm#update} applies.
 */
@Command(name = "update", aliases = "update-event-source-mapping", mixinStandardHelpOptions = true,
        description = "Change a mapping (stop-with-savepoint, resubmit from it), or disable/enable it.")
final class Update implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin CommonOptions common;

    @Option(names = "--uuid") String uuid;
    @Option(names = "--cli-input-json", paramLabel = "JSON|file://PATH") String input;
    @Option(names = "--function-name") String functionName;
    @Option(names = "--enabled", arity = "0..1", fallbackValue = "true", paramLabel = "true|false")
    Boolean enabled;
    @Option(names = "--no-enabled") boolean noEnabled;
    @Option(names = "--batch-size") Integer batchSize;
    @Option(names = "--maximum-batching-window-in-seconds") Integer window;
    @Option(names = "--maximum-retry-attempts") Integer retries;
    @Option(names = "--maximum-record-age-in-seconds") Integer recordAge;
    @Option(names = "--bisect-batch-on-function-error", arity = "0..1", fallbackValue = "true") Boolean bisect;
    @Option(names = "--no-bisect-batch-on-function-error") boolean noBisect;
    @Option(names = "--function-response-types", split = ",") List<String> responseTypes;
    @Option(names = "--destination-config", paramLabel = "JSON") String destination;
    @Option(names = "--filter-criteria", paramLabel = "JSON") String filter;
    @Option(names = "--source-access-configurations", paramLabel = "JSON") String access;

    // Create-only: taken so that they can be refused with AWS's message instead of picocli's.
    @Option(names = "--topics", hidden = true, split = ",") List<String> topics;
    @Option(names = "--starting-position", hidden = true) String startingPosition;
    @Option(names = "--starting-position-timestamp", hidden = true) String startingPositionTimestamp;
    @Option(names = "--self-managed-event-source", hidden = true) String selfManaged;
    @Option(names = "--event-source-arn", hidden = true) String eventSourceArn;
    @Option(names = "--self-managed-kafka-event-source-config", hidden = true) String selfManagedConfig;
    @Option(names = "--amazon-managed-kafka-event-source-config", hidden = true) String mskConfig;

    @Option(names = "--wait", description = "Wait until the mapping is Enabled or Disabled again.")
    boolean await;

    @Option(names = "--wait-timeout", defaultValue = "120", paramLabel = "SECONDS")
    long waitSeconds;

    ObjectNode changes() {
        ObjectNode c = input == null
                ? JsonNodeFactory.instance.objectNode()
                : (ObjectNode) ParamValues.json("cli-input-json", input);
        if (uuid != null) {
            c.put("UUID", uuid);
        }
        if (functionName != null) {
            c.put("FunctionName", functionName);
        }
        if (enabled != null || noEnabled) {
            c.put("Enabled", noEnabled ? false : enabled);
        }
        if (batchSize != null) {
            c.put("BatchSize", batchSize);
        }
        if (window != null) {
            c.put("MaximumBatchingWindowInSeconds", window);
        }
        if (retries != null) {
            c.put("MaximumRetryAttempts", retries);
        }
        if (recordAge != null) {
            c.put("MaximumRecordAgeInSeconds", recordAge);
        }
        if (bisect != null || noBisect) {
            c.put("BisectBatchOnFunctionError", noBisect ? false : bisect);
        }
        if (responseTypes != null) {
            responseTypes.forEach(c.putArray("FunctionResponseTypes")::add);
        }
        if (destination != null) {
            c.set("DestinationConfig", ParamValues.json("destination-config", destination));
        }
        if (filter != null) {
            c.set("FilterCriteria", ParamValues.json("filter-criteria", filter));
        }
        if (access != null) {
            c.set("SourceAccessConfigurations", ParamValues.json("source-access-configurations", access));
        }
        if (topics != null) {
            topics.forEach(c.putArray("Topics")::add);
        }
        if (startingPosition != null) {
            c.put("StartingPosition", startingPosition);
        }
        if (startingPositionTimestamp != null) {
            c.put("StartingPositionTimestamp", startingPositionTimestamp);
        }
        if (selfManaged != null) {
            c.set("SelfManagedEventSource", ParamValues.json("self-managed-event-source", selfManaged));
        }
        if (eventSourceArn != null) {
            c.put("EventSourceArn", eventSourceArn);
        }
        if (selfManagedConfig != null) {
            c.set("SelfManagedKafkaEventSourceConfig",
                    ParamValues.json("self-managed-kafka-event-source-config", selfManagedConfig));
        }
        if (mskConfig != null) {
            c.set("AmazonManagedKafkaEventSourceConfig",
                    ParamValues.json("amazon-managed-kafka-event-source-config", mskConfig));
        }
        return c;
    }

    @Override
    public Integer call() {
        common.table();
        ObjectNode changes = changes();
        UpdateRules.check(changes);
        String id = changes.path("UUID").asText("");
        if (id.isEmpty()) {
            throw new EsmError("ParamValidation",
                    "Parameter validation failed:\nMissing required parameter in input: \"UUID\"",
                    EsmError.PARAMETERS);
        }
        Esm esm = common.esm();
        MappingRecord record = esm.update(id, changes);
        if (await) {
            record = esm.awaitSettled(id, Duration.ofSeconds(waitSeconds));
        }
        common.print(spec.commandLine().getOut(), esm, record, null);
        return 0;
    }
}
