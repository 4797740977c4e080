package dev.flinkesm.local.cluster;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * A real multi-process Flink session cluster on this machine, started and stopped the project's way
 * ({@code scripts/flink-cluster} with its own directory), on ports below the kernel's ephemeral range
 * ({@link FreePorts}), with {@code -D} overrides of flink-conf/config.yaml. Used by the cli's integration tests and
 * by the mappings bench.
 *
 * <p>Clean-up: {@link #close()} stops every JVM of the cluster and is safe to call twice; a shutdown hook, added
 * by {@link #start()} and removed by {@link #close()}, does the same if this JVM is ended before that.
 */
public final class SessionCluster implements AutoCloseable {
    /** Prometheus reporter ports from {@link #prometheusBase()}: one per cluster JVM, with room to spare. */
    public static final int PROMETHEUS_PORTS = 6;

    private final Path repo;
    private final Path dir;
    private final int restPort;
    private final int rpcPort;
    private final int promBase;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final Thread hook = new Thread(this::stop, "session-cluster-cleanup");
    private PrintStream echo;
    private boolean started;
    private boolean stopped;

    /**
     * A cluster of {@code repo}'s scripts in {@code dir} (created if missing; its log {@code flink-cluster.log} is
     * kept there), not started yet; {@code flinkProperties} override the repository's config.yaml.
     */
    public SessionCluster(Path repo, Path dir, Map<String, String> flinkProperties) throws IOException {
        this.repo = repo;
        this.dir = dir;
        restPort = FreePorts.belowEphemeralRange();
        rpcPort = FreePorts.belowEphemeralRange();
        promBase = FreePorts.belowEphemeralRange();
        env.put("FLINK_REST_PORT", Integer.toString(restPort));
        env.put("FLINK_RPC_PORT", Integer.toString(rpcPort));
        env.put("FLINK_PROM_PORTS", promBase + "-" + (promBase + PROMETHEUS_PORTS - 1));
        StringBuilder props = new StringBuilder();
        flinkProperties.forEach((k, v) -> props.append(k).append('=').append(v).append(' '));
        if (props.length() > 0) {
            env.put("FLINK_DYNAMIC_PROPERTIES", props.toString().trim());
        }
        // The JobManager's function check and the TaskManager's Lambda client: region and dummy credentials for the
        // local function host.
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");
    }

    /** Also prints what the script writes to stderr here, each line marked {@code [cluster]} (a test's output). */
    public SessionCluster echoScriptErrors(PrintStream to) {
        this.echo = to;
        return this;
    }

    /** Starts the JobManager and TaskManagers; returns when the cluster answers on its REST port. */
    public void start() {
        synchronized (this) {
            started = true;
        }
        Runtime.getRuntime().addShutdownHook(hook);
        script("start");
    }

    public String restUrl() {
        return "http://localhost:" + restPort;
    }

    public Path dir() {
        return dir;
    }

    /** The first Prometheus reporter port; the others follow it ({@link #PROMETHEUS_PORTS} in all). */
    public int prometheusBase() {
        return promBase;
    }

    public List<Integer> prometheusPorts() {
        return IntStream.range(promBase, promBase + PROMETHEUS_PORTS).boxed().toList();
    }

    public long jobManagerPid() throws IOException {
        return pid("jobmanager");
    }

    public long taskManagerPid() throws IOException {
        return pid("taskmanager-0");
    }

    private long pid(String name) throws IOException {
        return Long.parseLong(Files.readString(dir.resolve("run/" + name + ".pid")).trim());
    }

    /**
     * Runs {@code scripts/flink-cluster --dir DIR ARGS} (submit, kill-taskmanager, stop-job ...); returns its
     * stdout; fails on a non-zero exit. Its stderr is appended to DIR/flink-cluster.log.
     */
    public String script(String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", repo.resolve("scripts/flink-cluster").toString(),
                "--dir", dir.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile());
        pb.environment().putAll(env);
        try {
            Files.createDirectories(dir);
            Path errFile = Files.createTempFile(dir, "flink-cluster-", ".err");
            pb.redirectError(errFile.toFile());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("flink-cluster " + String.join(" ", args) + " timed out");
            }
            String err = Files.readString(errFile);
            Files.deleteIfExists(errFile);
            Files.writeString(dir.resolve("flink-cluster.log"), err, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            if (echo != null) {
                err.lines().forEach(l -> echo.println("  [cluster] " + l));
            }
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

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // this JVM is shutting down: the hook runs, and finds the cluster stopped
        }
    }

    private synchronized void stop() {
        if (!started || stopped) {
            return;
        }
        stopped = true;
        script("stop");
    }
}
