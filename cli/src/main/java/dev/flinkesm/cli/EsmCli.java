package dev.flinkesm.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/**
 * {@code esm}: the Lambda API's event source mapping operations (create, get, list, update, delete) with the AWS
 * CLI's option names and output, acting on a Flink session cluster through its REST API.
 */
@Command(
        name = "esm",
        mixinStandardHelpOptions = true,
        description = "Operate Lambda Kafka event source mappings on a Flink session cluster, like the AWS API.",
        subcommands = {
            Create.class,
            Validate.class,
            Get.class,
            ListMappings.class,
            Update.class,
            Delete.class,
            Serve.class
        })
public final class EsmCli implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(run(System.getenv(), out, err, args));
    }

    /** Runs the command; returns the exit code (0, or the AWS CLI's 252/254/255). */
    public static int run(Map<String, String> env, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new EsmCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setDefaultValueProvider(option -> {
            String key = option.descriptionKey();
            return key == null || key.isEmpty() ? null : env.get(key);
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof EsmError ee) {
                err.println(ee.describe());
                err.flush();
                return ee.exitCode();
            }
            if (e instanceof FlinkRest.HttpError he) {
                err.println("ServiceException: Flink: " + he.getMessage());
                err.flush();
                return EsmError.OTHER;
            }
            err.println("Error: " + e);
            err.flush();
            return EsmError.OTHER;
        });
        cli.setExitCodeExceptionMapper(e -> EsmError.PARAMETERS);
        CommonOptions.environment = env;
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 0;
    }
}
