package dev.flinkesm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code esm create}: validates a mapping, submits its job and prints its EventSourceMappingConfiguration. */
@Command(name = "create", aliases = "create-event-source-mapping", mixinStandardHelpOptions = true,
        description = "Validate a mapping, submit its job, print the EventSourceMappingConfiguration.")
final class Create implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin CommonOptions common;

    @Option(names = "--cli-input-json", required = true, paramLabel = "JSON|file://PATH",
            description = "The mapping, as for aws lambda create-event-source-mapping --cli-input-json.")
    String input;

    @Option(names = "--filter-criteria", paramLabel = "JSON|file://PATH",
            description = "FilterCriteria as the AWS CLI takes it, e.g. '{\"Filters\":[{\"Pattern\":\"...\"}]}'; "
                    + "replaces the input's.")
    String filter;

    @Option(names = "--wait", description = "Wait until the mapping is Enabled (or Disabled by a failure).")
    boolean await;

    @Option(names = "--wait-timeout", defaultValue = "120", paramLabel = "SECONDS")
    long waitSeconds;

    @Parameters(paramLabel = "JOB_ARG", description = "After --: extra job arguments, e.g. -- --lambda-endpoint URL")
    List<String> jobArgs = new ArrayList<>();

    @Override
    public Integer call() {
        common.table(); // fail on a bad --output before doing anything
        Esm esm = common.esm();
        MappingRecord record = esm.create(mappingJson(), jobArgs);
        if (await) {
            record = esm.awaitSettled(record.uuid, Duration.ofSeconds(waitSeconds));
        }
        common.print(spec.commandLine().getOut(), esm, record, null);
        return 0;
    }

    /** The mapping to create: the input, with {@code --filter-criteria} in place of its own when given. */
    String mappingJson() {
        // A CloudFormation/SAM resource or its Properties become the API's JSON first.
        String given = CloudFormationProperties.toApiJson(ParamValues.value(input));
        if (filter == null) {
            return given; // as given: the parser reports what is wrong with it
        }
        JsonNode mapping = ParamValues.json("cli-input-json", given);
        if (!mapping.isObject()) {
            return given;
        }
        ((ObjectNode) mapping).set("FilterCriteria", ParamValues.json("filter-criteria", filter));
        return mapping.toString();
    }
}
