package dev.flinkesm.job;

import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * Runs a picocli command from {@code main} without ever calling {@code System.exit}: a job's {@code main} submitted
 * through Flink's REST API (the web UI's Submit New Job) runs inside the JobManager, and exiting there shuts the
 * whole session cluster down. Bad arguments and failures are thrown instead; Flink answers the submitter with the
 * message, and {@code flink run} still exits non-zero.
 */
final class CommandLineEntry {
    private CommandLineEntry() {}

    static void run(Callable<Integer> command, String... args) throws Exception {
        CommandLine cli = new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true);
        CommandLine.ParseResult parsed;
        try {
            parsed = cli.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage() + " (see --help)", e);
        }
        if (CommandLine.printHelpIfRequested(parsed)) {
            return;
        }
        int exit = command.call();
        if (exit != 0) {
            throw new IllegalStateException("The job's main ended with code " + exit);
        }
    }
}
