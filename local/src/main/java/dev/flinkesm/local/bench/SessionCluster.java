package dev.flinkesm.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real multi-process Flink session cluster, started and stopped the project's way ({@code scripts/flink-cluster}
 * with its own directory and free ports, as cli's session-cluster tests do), with {@code -D} overrides of
 * flink-conf/config.yaml (slots, process size), and the few REST calls a benchmark needs: upload a jar once, run it
 * as many jobs, read job states. {@link #close()} stops every JVM of the cluster and is safe to call twice.
 */
final class SessionCluster implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    final Path dir;
    final String restUrl;
    private final Path repo;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private boolean started;
    private boolean stopped;

    SessionCluster(Path repo, Path dir, Map<String, String> flinkProperties) throws IOException {
        this.repo = repo;
        this.dir = dir;
        int rest = freePort();
        int prom = freePort();
        env.put("FLINK_REST_PORT", Integer.toString(rest));
        env.put("FLINK_RPC_PORT", Integer.toString(freePort()));
        env.put("FLINK_PROM_PORTS", prom + "-" + (prom + 3));
        StringBuilder props = new StringBuilder();
        flinkProperties.forEach((k, v) -> props.append(k).append('=').append(v).append(' '));
        env.put("FLINK_DYNAMIC_PROPERTIES", props.toString().trim());
        // The JobManager's function check and the TaskManager's Lambda client: region and dummy credentials for the
        // local function host.
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "local");
        env.put("AWS_SECRET_ACCESS_KEY", "local");
        this.restUrl = "http://localhost:" + rest;
    }

    void start() {
        started = true;
        script("start");
    }

    long jobManagerPid() throws IOException {
        return pid("jobmanager");
    }

    long taskManagerPid() throws IOException {
        return pid("taskmanager-0");
    }

    private long pid(String name) throws IOException {
        return Long.parseLong(Files.readString(dir.resolve("run/" + name + ".pid")).trim());
    }

    /** Uploads a job jar; the id {@link #run} takes. */
    String upload(Path jar) throws IOException, InterruptedException {
        String boundary = "----bench" + System.nanoTime();
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        HttpRequest request = HttpRequest.newBuilder(URI.create(restUrl + "/jars/upload"))
                .timeout(Duration.ofMinutes(2))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofString(head),
                        HttpRequest.BodyPublishers.ofFile(jar), HttpRequest.BodyPublishers.ofString(tail)))
                .build();
        String filename = send(request).path("filename").asText();
        return filename.substring(filename.lastIndexOf('/') + 1);
    }

    /** Runs the uploaded jar's main with these arguments (in the JobManager); the job id. */
    String run(String jarId, List<String> args) throws IOException, InterruptedException {
        String body = JSON.createObjectNode().set("programArgsList", JSON.valueToTree(args)).toString();
        HttpRequest request = HttpRequest.newBuilder(URI.create(restUrl + "/jars/" + jarId + "/run"))
                .timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return send(request).path("jobid").asText();
    }

    /** The state of each job whose every task is RUNNING counts as running; the others are returned by state. */
    Map<String, String> jobStates() throws IOException, InterruptedException {
        Map<String, String> states = new LinkedHashMap<>();
        for (JsonNode job : get("/jobs/overview").path("jobs")) {
            JsonNode tasks = job.path("tasks");
            String state = job.path("state").asText();
            if ("RUNNING".equals(state) && tasks.path("running").asInt() < tasks.path("total").asInt()) {
                state = "DEPLOYING";
            }
            states.put(job.path("jid").asText(), state);
        }
        return states;
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(restUrl + path)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 400) {
            throw new IllegalStateException(request.method() + " " + request.uri().getPath() + " answered "
                    + r.statusCode() + ": " + r.body());
        }
        return JSON.readTree(r.body());
    }

    @Override
    public synchronized void close() {
        if (!started || stopped) {
            return;
        }
        stopped = true;
        script("stop");
    }

    /** {@code scripts/flink-cluster --dir DIR ARGS}; its output goes to DIR/flink-cluster.log. */
    private void script(String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", repo.resolve("scripts/flink-cluster").toString(),
                "--dir", dir.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(repo.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        try {
            Files.createDirectories(dir);
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("flink-cluster.log").toFile()));
            Process p = pb.start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("flink-cluster " + String.join(" ", args) + " timed out");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("flink-cluster " + String.join(" ", args) + " exited "
                        + p.exitValue() + "; see " + dir.resolve("flink-cluster.log"));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
