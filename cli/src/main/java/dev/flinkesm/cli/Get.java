package dev.flinkesm.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code esm get}: one mapping's EventSourceMappingConfiguration. */
@Command(name = "get", aliases = "get-event-source-mapping", mixinStandardHelpOptions = true,
        description = "Print one mapping's EventSourceMappingConfiguration.")
final class Get implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin CommonOptions common;

    @Option(names = "--uuid", required = true) String uuid;

    @Override
    public Integer call() {
        common.table();
        Esm esm = common.esm();
        common.print(spec.commandLine().getOut(), esm, esm.record(uuid), null);
        return 0;
    }
}
