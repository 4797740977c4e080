package dev.flinkesm.local.lambda.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where AWS's runtime interface clients are, and the command that starts one for a function:
 * <ul>
 *   <li>Java: {@code aws-lambda-java-runtime-interface-client} and its dependencies, copied by Maven into
 *       {@code local/target/runtimes/java} ({@code esm.runtimes.java} overrides), run by this JVM's {@code java};
 *   <li>Node.js: npm's {@code aws-lambda-ric}, installed on first use into the cache
 *       ({@code ~/.cache/flink-lambda-esm/npm}, {@code esm.runtimes.cache} overrides), run by {@code node};
 *   <li>Python: {@code awslambdaric} from the user's own Python ({@code esm.python} or {@code $ESM_PYTHON}, default
 *       {@code python3}); {@code node} likewise from {@code esm.node} or {@code $ESM_NODE}.
 * </ul>
 */
public final class RuntimeClients {

    public static final String NODE_RIC = "aws-lambda-ric@4.0.2";
    static final String JAVA_RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";

    private final Path javaRicDir;
    private final Path npmCache;
    private final String python;
    private final String node;

    public RuntimeClients(Path javaRicDir, Path npmCache, String node, String python) {
        this.javaRicDir = javaRicDir;
        this.npmCache = npmCache;
        this.node = node;
        this.python = python;
    }

    /** From system properties, with the defaults above. */
    public static RuntimeClients fromSystemProperties() {
        Path cache = Path.of(System.getProperty("esm.runtimes.cache",
                Path.of(System.getProperty("user.home"), ".cache", "flink-lambda-esm", "npm").toString()));
        return new RuntimeClients(Path.of(System.getProperty("esm.runtimes.java", "local/target/runtimes/java")),
                cache, setting("esm.node", "ESM_NODE", "node"), setting("esm.python", "ESM_PYTHON", "python3"));
    }

    private static String setting(String property, String environmentVariable, String fallback) {
        String value = System.getProperty(property, System.getenv(environmentVariable));
        return value == null || value.isBlank() ? fallback : value;
    }

    public Path npmCache() {
        return npmCache;
    }

    /**
     * The command that starts the runtime interface client for {@code spec}; the handler and task root also go in
     * the environment ({@code _HANDLER}, {@code LAMBDA_TASK_ROOT}), as Lambda sets them. May install the Node.js
     * client first.
     */
    List<String> command(FunctionSpec spec) {
        return switch (spec.runtime()) {
            case JAVA -> javaCommand(spec);
            case NODEJS -> List.of(node, nodeRicEntry().toString());
            case PYTHON -> List.of(python, "-m", "awslambdaric", spec.handler());
        };
    }

    /** The directory Lambda would unpack the code into: the directory itself, or a jar's directory. */
    static Path taskRoot(FunctionSpec spec) {
        Path code = spec.code().toAbsolutePath();
        return Files.isDirectory(code) ? code : code.getParent();
    }

    private List<String> javaCommand(FunctionSpec spec) {
        if (!Files.isDirectory(javaRicDir)) {
            throw new IllegalStateException("The Java runtime interface client is not at " + javaRicDir.toAbsolutePath()
                    + " (the local module's build copies it there: mvn -pl local -am package -DskipTests)");
        }
        Path code = spec.code().toAbsolutePath();
        String userClasspath = Files.isDirectory(code)
                ? code + java.io.File.pathSeparator + code.resolve("lib") + "/*"
                : code.toString();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // What Lambda's Java runtime starts with: a heap from the memory setting, C1 only for a fast start.
        command.add("-Xmx" + Math.max(64, spec.memoryMb() * 85 / 100) + "m");
        command.add("-XX:+TieredCompilation");
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.add("-Xshare:auto");
        command.add("-cp");
        command.add(userClasspath + java.io.File.pathSeparator + javaRicDir.toAbsolutePath() + "/*");
        command.add(JAVA_RIC_MAIN);
        command.add(spec.handler());
        return command;
    }

    private Path nodeRicEntry() {
        try {
            return NpmPackage.ensure(npmCache, List.of(NODE_RIC)).resolve("aws-lambda-ric").resolve("index.mjs");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
