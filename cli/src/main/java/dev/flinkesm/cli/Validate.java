package dev.flinkesm.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flinkesm.config.EventSourceMapping;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code esm validate}: every check {@code create} makes, without creating anything. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Make every check create makes (the mapping's rules, the function through the job's client "
                + "settings) without creating anything; exit 0 if it would be accepted, 254 if not.")
final class Validate implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--cli-input-json", required = true, paramLabel = "JSON|file://PATH",
            description = "The mapping, as for aws lambda create-event-source-mapping --cli-input-json.")
    String input;

    @Parameters(paramLabel = "JOB_ARG", description = "After --: the job arguments create would get, e.g. "
            + "-- --lambda-endpoint URL")
    List<String> jobArgs = new ArrayList<>();

    @Override
    public Integer call() {
        EventSourceMapping mapping = Esm.validate(ParamValues.value(input), jobArgs);
        ObjectNode answer = JsonNodeFactory.instance.objectNode().put("Valid", true).put("UUID", mapping.uuid())
                .put("FunctionName", mapping.functionName());
        PrintWriter out = spec.commandLine().getOut();
        out.print(Output.json(answer) + System.lineSeparator());
        out.flush();
        return 0;
    }
}
