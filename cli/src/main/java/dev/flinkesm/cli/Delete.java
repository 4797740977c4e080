package dev.flinkesm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code esm delete}: cancels the mapping's job and forgets the mapping. */
@Command(name = "delete", aliases = "delete-event-source-mapping", mixinStandardHelpOptions = true,
        description = "Cancel the mapping's job and forget the mapping; the consumer group's offsets stay.")
final class Delete implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin CommonOptions common;

    @Option(names = "--uuid", required = true) String uuid;

    @Override
    public Integer call() {
        boolean table = common.table();
        Esm esm = common.esm();
        ObjectNode answer = esm.delete(uuid);
        PrintWriter out = spec.commandLine().getOut();
        out.print(table ? Output.table(answer, null) : Output.json(answer) + System.lineSeparator());
        out.flush();
        return 0;
    }
}
