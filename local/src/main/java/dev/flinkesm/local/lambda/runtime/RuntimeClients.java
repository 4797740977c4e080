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
    private static final String JNI_PROPERTY =
            "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";

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
        // The client unpacks its JNI library to one fixed path, /tmp/.libaws-lambda-jni.so, on every start: two
        // processes starting at once overwrite it under each other (SIGBUS, "file too short"). Unpack it once, here,
        // and point every process at that copy through the client's own property.
        command.add("-D" + JNI_PROPERTY + "=" + javaJniLibrary());
        command.add("-cp");
        command.add(userClasspath + java.io.File.pathSeparator + javaRicDir.toAbsolutePath() + "/*");
        command.add(JAVA_RIC_MAIN);
        command.add(spec.handler());
        return command;
    }

    /** The Java client's JNI library for this platform, unpacked from its jar next to it (once). */
    private synchronized Path javaJniLibrary() {
        String arch = System.getProperty("os.arch").equals("aarch64") ? "aarch_64" : "x86_64";
        boolean musl = Files.exists(Path.of("/lib/ld-musl-x86_64.so.1"))
                || Files.exists(Path.of("/lib/ld-musl-aarch64.so.1"));
        String name = "libaws-lambda-jni." + (musl ? "linux_musl-" : "linux-") + arch + ".so";
        Path unpacked = javaRicDir.resolveSibling("java-jni").resolve(name);
        if (Files.exists(unpacked)) {
            return unpacked.toAbsolutePath();
        }
        try (java.util.stream.Stream<Path> jars = Files.list(javaRicDir)) {
            Path ric = jars
                    .filter(p -> p.getFileName().toString().startsWith("aws-lambda-java-runtime-interface-client"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("no runtime interface client jar in "
                            + javaRicDir.toAbsolutePath()));
            try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(ric.toFile())) {
                java.util.zip.ZipEntry entry = zip.getEntry("jni/" + name);
                if (entry == null) {
                    throw new IllegalStateException(ric + " has no jni/" + name);
                }
                Files.createDirectories(unpacked.getParent());
                Path partial = Files.createTempFile(unpacked.getParent(), name, ".part");
                try (java.io.InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, partial, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
                // atomic: another JVM unpacking at the same time leaves the same complete file
                Files.move(partial, unpacked, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return unpacked.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path nodeRicEntry() {
        try {
            return NpmPackage.ensure(npmCache, List.of(NODE_RIC)).resolve("aws-lambda-ric").resolve("index.mjs");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
