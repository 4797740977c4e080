package dev.flinkesm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code esm list}: the mappings, of one function or all. */
@Command(name = "list", aliases = "list-event-source-mappings", mixinStandardHelpOptions = true,
        description = "List mappings: {\"EventSourceMappings\": [...]}.")
final class ListMappings implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin CommonOptions common;

    @Option(names = "--function-name", description = "Only mappings of this function (name or ARN).")
    String functionName;

    @Override
    public Integer call() {
        boolean table = common.table();
        Esm esm = common.esm();
        List<ObjectNode> all = new ArrayList<>();
        for (MappingRecord r : esm.list(functionName)) {
            all.add(esm.configuration(r));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(table ? Output.listTable(all) : Output.json(Output.list(all)) + System.lineSeparator());
        out.flush();
        return 0;
    }
}
