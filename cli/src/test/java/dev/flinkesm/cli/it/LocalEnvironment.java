package dev.flinkesm.cli.it;

import dev.flinkesm.cli.EsmCli;
import dev.flinkesm.local.cluster.DirectoryTrees;
import dev.flinkesm.local.cluster.FreePorts;
import dev.flinkesm.local.cluster.SessionCluster;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real local setup for one test class: a multi-process Flink session cluster (local's {@link SessionCluster}, in
 * a temp dir), a KRaft broker and the function host as child processes (from local's
 * {@code target/classes} + {@code classpath.txt}; the function host appends what it receives to a file). Everything
 * is stopped and the temp dir deleted on {@link #close()}, and by a shutdown hook if the test JVM is ended early.
 */
final class LocalEnvironment implements AutoCloseable {
    final Path repo;
    final Path dir;
    final Path store;
    final Path deliveries;
    final Path jobJar;
    final SessionCluster cluster;
    final String flinkUrl;
    String bootstrapServers;
    String lambdaEndpoint;
    private final List<Process> children = new ArrayList<>();
    private final Thread hook = new Thread(this::stopQuietly, "local-environment-cleanup");
    private boolean closed;

    LocalEnvironment(String... topics) throws Exception {
        repo = Path.of(System.getProperty("esm.repo.root", "..")).toAbsolutePath().normalize();
        jobJar = findJobJar(repo);
        dir = Files.createTempDirectory("esm-it-");
        store = dir.resolve("store");
        deliveries = dir.resolve("deliveries.csv");
        cluster = new SessionCluster(repo, dir.resolve("flink"), Map.of()).echoScriptErrors(System.out);
        flinkUrl = cluster.restUrl();
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            CompletableFuture<Void> clusterUp = CompletableFuture.runAsync(cluster::start);
            String classpath = repo.resolve("local/target/classes") + ":"
                    + Files.readString(repo.resolve("local/target/classpath.txt")).trim();
            List<String> broker = new ArrayList<>(List.of(java(), "-Xmx384m", "-cp", classpath,
                    "dev.flinkesm.local.kafka.KafkaBrokerMain", "--port", "0",
                    "--data-dir", dir.resolve("kafka").toString()));
            for (String t : topics) {
                broker.add("--topic");
                broker.add(t);
            }
            bootstrapServers = startAndAwait(broker, "Kafka broker ready: bootstrap.servers=", dir.resolve("broker.log"));
            lambdaEndpoint = startAndAwait(List.of(java(), "-Xmx192m", "-cp", classpath,
                    "dev.flinkesm.local.lambda.FunctionHostMain", "--port", "0",
                    "--record-to", deliveries.toString()), "Function host ready: endpoint=",
                    dir.resolve("function-host.log"));
            clusterUp.join();
        } catch (Throwable t) {
            close();
            throw t;
        }
    }

    private static Path findJobJar(Path repo) throws IOException {
        try (DirectoryStream<Path> jars =
                Files.newDirectoryStream(repo.resolve("job/target"), "flink-lambda-esm-job-*-flink.jar")) {
            for (Path p : jars) {
                return p;
            }
        }
        throw new IllegalStateException("No shaded job jar in " + repo.resolve("job/target") + ": build the job module");
    }

    /** A free port below the kernel's ephemeral range ({@link FreePorts}: why). */
    static int freePort() throws IOException {
        return FreePorts.belowEphemeralRange();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs {@code scripts/flink-cluster} on this cluster ({@link SessionCluster#script}); returns stdout. */
    String script(String... args) {
        return cluster.script(args);
    }

    private String startAndAwait(List<String> cmd, String readyPrefix, Path log) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        children.add(p);
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                    PrintWriter w = new PrintWriter(Files.newBufferedWriter(log))) {
                String line;
                while ((line = r.readLine()) != null) {
                    w.println(line);
                    w.flush();
                    if (line.startsWith(readyPrefix)) {
                        ready.complete(line.substring(readyPrefix.length()).trim());
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
            ready.completeExceptionally(new IllegalStateException(cmd.get(cmd.size() - 1) + " ended; see " + log));
        }, "pump-" + log.getFileName());
        pump.setDaemon(true);
        pump.start();
        return ready.get(90, TimeUnit.SECONDS);
    }

    /** Runs the esm command in this JVM against this environment. */
    Result esm(String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("ESM_FLINK_URL", flinkUrl);
        env.put("ESM_STORE", store.toString());
        env.put("ESM_JOB_JAR", jobJar.toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EsmCli.run(env, new PrintWriter(out), new PrintWriter(err), args);
        Result r = new Result(code, out.toString(), err.toString());
        System.out.println("$ esm " + String.join(" ", args) + "  -> exit " + code
                + (r.err.isBlank() ? "" : "\n  " + r.err.trim()));
        return r;
    }

    record Result(int exitCode, String out, String err) {}

    /** GET on the cluster's REST API. */
    String rest(String path) throws Exception {
        return http(flinkUrl + path);
    }

    static String http(String url) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .build(), HttpResponse.BodyHandlers.ofString());
        return r.body();
    }

    /** The Prometheus text of every reporter port of this cluster that answers. */
    String prometheus() {
        StringBuilder sb = new StringBuilder();
        for (int p : cluster.prometheusPorts()) {
            try {
                sb.append(http("http://localhost:" + p + "/metrics"));
            } catch (Exception ignored) {
                // no reporter on this port
            }
        }
        return sb.toString();
    }

    @Override
    public synchronized void close() {
        stopQuietly();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // shutting down
        }
    }

    private synchronized void stopQuietly() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            cluster.close();
        } catch (RuntimeException e) {
            System.err.println("stopping the cluster: " + e.getMessage());
        }
        for (Process p : children) {
            p.destroy();
        }
        for (Process p : children) {
            try {
                if (!p.waitFor(15, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        DirectoryTrees.deleteQuietly(dir);
    }
}
