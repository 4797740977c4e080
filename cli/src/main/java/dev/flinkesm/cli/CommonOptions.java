package dev.flinkesm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options every subcommand takes; defaults from the environment (picocli reads each option's descriptionKey there). */
final class CommonOptions {
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
