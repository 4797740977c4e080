package dev.flinkesm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flinkesm.config.EventSourceMapping;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
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
            EsmCli.Create.class,
            EsmCli.Validate.class,
            EsmCli.Get.class,
            EsmCli.ListMappings.class,
            EsmCli.Update.class,
            EsmCli.Delete.class,
            Serve.class
        })
public final class EsmCli implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

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

    /** Options every subcommand takes; defaults from the environment. */
    static final class CommonOptions {
        static Map<String, String> environment = System.getenv();

        @Option(names = "--flink", descriptionKey = "ESM_FLINK_URL", paramLabel = "URL",
                description = "Flink REST URL (env ESM_FLINK_URL; default http://localhost:8081).")
        String flink;

        @Option(names = "--store", descriptionKey = "ESM_STORE", paramLabel = "DIR",
                description = "Directory of mapping records, shared by everyone operating the cluster "
                        + "(env ESM_STORE; default ~/.esm/<flink host>_<port>).")
        Path store;

        @Option(names = "--output", descriptionKey = "ESM_OUTPUT", paramLabel = "json|table",
                description = "Output format (env ESM_OUTPUT; default json).")
        String output;

        @Option(names = "--savepoint-dir", descriptionKey = "ESM_SAVEPOINT_DIR", paramLabel = "URI",
                description = "Where stop-with-savepoint writes (env ESM_SAVEPOINT_DIR; default: the cluster's "
                        + "execution.checkpointing.savepoint-dir).")
        String savepointDir;

        @Option(names = "--job-jar", descriptionKey = "ESM_JOB_JAR", paramLabel = "PATH",
                description = "The shaded job jar (env ESM_JOB_JAR; default job/target/flink-lambda-esm-job-*-flink.jar"
                        + " under the current directory).")
        Path jobJar;

        String flinkUrl() {
            return flink != null ? flink : "http://localhost:8081";
        }

        boolean table() {
            String o = output == null ? "json" : output;
            if (!o.equals("json") && !o.equals("table")) {
                throw new EsmError("ParamValidation", "--output must be json or table, not " + o, EsmError.PARAMETERS);
            }
            return o.equals("table");
        }

        Esm esm() {
            Path dir = store;
            if (dir == null) {
                URI u = URI.create(flinkUrl());
                dir = Path.of(System.getProperty("user.home"), ".esm", u.getHost() + "_" + u.getPort());
            }
            return new Esm(new FlinkRest(flinkUrl()), new MappingStore(dir), jar(), savepointDir,
                    Output.Account.fromEnvironment(environment));
        }

        private Path jar() {
            if (jobJar != null) {
                return jobJar;
            }
            Path dir = Path.of("job", "target");
            if (Files.isDirectory(dir)) {
                try (DirectoryStream<Path> jars = Files.newDirectoryStream(dir, "flink-lambda-esm-job-*-flink.jar")) {
                    for (Path p : jars) {
                        return p;
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return null;
        }

        void print(PrintWriter out, Esm esm, MappingRecord record, MappingStatus status) {
            ObjectNode c = status == null ? esm.configuration(record) : esm.configuration(record, status);
            out.print(table() ? Output.table(c, record) : Output.json(c) + System.lineSeparator());
            out.flush();
        }
    }

    /** {@code file://path} or {@code fileb://path} reads a file, as the AWS CLI does; anything else is the value. */
    static String value(String arg) {
        try {
            if (arg.startsWith("file://")) {
                return Files.readString(Path.of(arg.substring("file://".length())));
            }
            if (arg.startsWith("fileb://")) {
                return Files.readString(Path.of(arg.substring("fileb://".length())));
            }
        } catch (IOException e) {
            throw new EsmError("ParamValidation", "Error parsing parameter: Unable to load paramfile " + arg
                    + ": " + e.getMessage(), EsmError.PARAMETERS);
        }
        return arg;
    }

    static JsonNode jsonValue(String option, String arg) {
        try {
            return JSON.readTree(value(arg));
        } catch (IOException e) {
            throw new EsmError("ParamValidation", "Error parsing parameter '" + option + "': Invalid JSON: "
                    + e.getMessage(), EsmError.PARAMETERS);
        }
    }

    @Command(name = "create", aliases = "create-event-source-mapping", mixinStandardHelpOptions = true,
            description = "Validate a mapping, submit its job, print the EventSourceMappingConfiguration.")
    static final class Create implements Callable<Integer> {
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
            String given = CloudFormationProperties.toApiJson(value(input));
            if (filter == null) {
                return given; // as given: the parser reports what is wrong with it
            }
            JsonNode mapping = jsonValue("cli-input-json", given);
            if (!mapping.isObject()) {
                return given;
            }
            ((ObjectNode) mapping).set("FilterCriteria", jsonValue("filter-criteria", filter));
            return mapping.toString();
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Make every check create makes (the mapping's rules, the function through the job's client "
                    + "settings) without creating anything; exit 0 if it would be accepted, 254 if not.")
    static final class Validate implements Callable<Integer> {
        @Spec CommandLine.Model.CommandSpec spec;

        @Option(names = "--cli-input-json", required = true, paramLabel = "JSON|file://PATH",
                description = "The mapping, as for aws lambda create-event-source-mapping --cli-input-json.")
        String input;

        @Parameters(paramLabel = "JOB_ARG", description = "After --: the job arguments create would get, e.g. "
                + "-- --lambda-endpoint URL")
        List<String> jobArgs = new ArrayList<>();

        @Override
        public Integer call() {
            EventSourceMapping mapping = Esm.validate(value(input), jobArgs);
            ObjectNode answer = JSON.createObjectNode().put("Valid", true).put("UUID", mapping.uuid())
                    .put("FunctionName", mapping.functionName());
            PrintWriter out = spec.commandLine().getOut();
            out.print(Output.json(answer) + System.lineSeparator());
            out.flush();
            return 0;
        }
    }

    @Command(name = "get", aliases = "get-event-source-mapping", mixinStandardHelpOptions = true,
            description = "Print one mapping's EventSourceMappingConfiguration.")
    static final class Get implements Callable<Integer> {
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

    @Command(name = "list", aliases = "list-event-source-mappings", mixinStandardHelpOptions = true,
            description = "List mappings: {\"EventSourceMappings\": [...]}.")
    static final class ListMappings implements Callable<Integer> {
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

    @Command(name = "update", aliases = "update-event-source-mapping", mixinStandardHelpOptions = true,
            description = "Change a mapping (stop-with-savepoint, resubmit from it), or disable/enable it.")
    static final class Update implements Callable<Integer> {
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
            ObjectNode c = input == null ? JSON.createObjectNode() : (ObjectNode) jsonValue("cli-input-json", input);
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
                c.set("DestinationConfig", jsonValue("destination-config", destination));
            }
            if (filter != null) {
                c.set("FilterCriteria", jsonValue("filter-criteria", filter));
            }
            if (access != null) {
                c.set("SourceAccessConfigurations", jsonValue("source-access-configurations", access));
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
                c.set("SelfManagedEventSource", jsonValue("self-managed-event-source", selfManaged));
            }
            if (eventSourceArn != null) {
                c.put("EventSourceArn", eventSourceArn);
            }
            if (selfManagedConfig != null) {
                c.set("SelfManagedKafkaEventSourceConfig",
                        jsonValue("self-managed-kafka-event-source-config", selfManagedConfig));
            }
            if (mskConfig != null) {
                c.set("AmazonManagedKafkaEventSourceConfig",
                        jsonValue("amazon-managed-kafka-event-source-config", mskConfig));
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

    @Command(name = "delete", aliases = "delete-event-source-mapping", mixinStandardHelpOptions = true,
            description = "Cancel the mapping's job and forget the mapping; the consumer group's offsets stay.")
    static final class Delete implements Callable<Integer> {
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
}
