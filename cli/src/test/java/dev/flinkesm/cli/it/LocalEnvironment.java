package dev.flinkesm.cli.it;

import dev.flinkesm.cli.EsmCli;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real local setup for one test class: a multi-process Flink session cluster ({@code scripts/flink-cluster} on
 * free ports in a temp dir), a KRaft broker and the function host as child processes (from local's
 * {@code target/classes} + {@code classpath.txt}; the function host appends what it receives to a file). Everything
 * is stopped and the temp dir deleted on {@link #close()}, and by a shutdown hook if the test JVM is ended early.
 */
final class LocalEnvironment implements AutoCloseable {
    final Path repo;
    final Path dir;
    final Path clusterDir;
    final Path store;
    final Path deliveries;
    final Path jobJar;
    final int restPort;
    final int promBase;
    final int rpcPort;
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
        clusterDir = dir.resolve("flink");
        store = dir.resolve("store");
        deliveries = dir.resolve("deliveries.csv");
        restPort = freePort();
        promBase = freePort();
        rpcPort = freePort();
        flinkUrl = "http://localhost:" + restPort;
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            CompletableFuture<Void> cluster = CompletableFuture.runAsync(() -> script("start"));
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
            cluster.join();
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

    /**
     * A free port below the kernel's ephemeral range. A port the kernel hands out for "port 0" or for an outgoing
     * connection may be handed out again, to the broker, the function host or any client starting alongside, between
     * this check and the cluster's bind: one CI run lost its JobManager that way (BindException on the REST port).
     * Below the range only an explicit bind can take it.
     */
    static int freePort() throws IOException {
        int below = ephemeralLow();
        for (int attempt = 0; attempt < 500; attempt++) {
            int port = 10_000 + PORTS.nextInt(below - 10_000 - 8); // promBase uses 6 in a row
            try (ServerSocket s = new ServerSocket(port)) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port between 10000 and " + below);
    }

    private static final java.util.Random PORTS = new java.util.Random();

    /** The first port of the kernel's ephemeral range (Linux: /proc/sys/net/ipv4/ip_local_port_range). */
    private static int ephemeralLow() {
        try {
            int low = Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))
                    .trim().split("\\s+")[0]);
            return Math.max(low, 12_000);
        } catch (IOException | RuntimeException unknown) {
            return 32_768; // Linux's default
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Runs {@code scripts/flink-cluster --dir <clusterDir> ARGS}; returns stdout; fails on a non-zero exit. */
    String script(String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", repo.resolve("scripts/flink-cluster").toString(),
                "--dir", clusterDir.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile());
        Map<String, String> env = pb.environment();
        env.put("FLINK_REST_PORT", String.valueOf(restPort));
        env.put("FLINK_RPC_PORT", String.valueOf(rpcPort));
        env.put("FLINK_PROM_PORTS", promBase + "-" + (promBase + 5));
        // The TaskManager's Lambda client: region and (dummy) credentials for the local function host.
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");
        Path errFile = dir.resolve("flink-cluster-" + System.nanoTime() + ".err");
        pb.redirectError(errFile.toFile());
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("flink-cluster " + String.join(" ", args) + " timed out");
            }
            String err = Files.readString(errFile);
            Files.deleteIfExists(errFile);
            System.out.print(err.lines().map(l -> "  [cluster] " + l + "\n").reduce("", String::concat));
            if (p.exitValue() != 0) {
                throw new IllegalStateException("flink-cluster " + String.join(" ", args) + " exited "
                        + p.exitValue() + ": " + err + out);
            }
            return out.trim();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
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
        for (int p = promBase; p <= promBase + 5; p++) {
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
            if (Files.isDirectory(clusterDir)) {
                script("stop");
            }
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
        deleteTree(dir);
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        } catch (IOException ignored) {
            // best effort
        }
    }
}
