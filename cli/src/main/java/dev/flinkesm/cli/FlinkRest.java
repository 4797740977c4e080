package dev.flinkesm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The few calls of Flink's REST API the command needs, over Java's HttpClient. */
public final class FlinkRest {
    static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http;
    private final Duration timeout;

    public FlinkRest(String baseUrl) {
        this(baseUrl, Duration.ofSeconds(60));
    }

    public FlinkRest(String baseUrl, Duration timeout) {
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    public String url() {
        return base.toString();
    }

    /** An HTTP status of 400 or more from Flink. */
    public static final class HttpError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        HttpError(String what, int status, String body) {
            super(what + " -> HTTP " + status + ": " + errors(body));
            this.status = status;
        }

        public int status() {
            return status;
        }

        private static String errors(String body) {
            try {
                JsonNode errors = JSON.readTree(body).path("errors");
                if (errors.isArray() && !errors.isEmpty()) {
                    // Flink puts a summary line first and a whole stack trace after it; the job's own reason (e.g.
                    // "ESM_CONFIG_NOT_VALID: ..." thrown by its main) is the trace's root cause.
                    String first = errors.get(0).asText();
                    int nl = first.indexOf('\n');
                    String summary = nl < 0 ? first : first.substring(0, nl);
                    String root = null;
                    for (JsonNode error : errors) {
                        for (String line : error.asText().split("\n")) {
                            if (line.startsWith("Caused by: ")) {
                                root = line.substring("Caused by: ".length()).strip();
                            }
                        }
                    }
                    return root == null || summary.contains(root) ? summary : summary + " Caused by: " + root;
                }
            } catch (IOException | RuntimeException ignored) {
                // not JSON
            }
            return body.length() > 500 ? body.substring(0, 500) + "..." : body;
        }
    }

    public JsonNode get(String path) {
        return call("GET", path, null);
    }

    /** GET, or empty on 404 (an unknown job). */
    public Optional<JsonNode> find(String path) {
        try {
            return Optional.of(get(path));
        } catch (HttpError e) {
            if (e.status == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public JsonNode call(String method, String path, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        }
        return send(method + " " + path, request.build());
    }

    private JsonNode send(String what, HttpRequest request) {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (ConnectException e) {
            throw EsmError.service("Cannot reach the Flink cluster at " + base + " (" + what + "): connection refused", e);
        } catch (IOException e) {
            throw EsmError.service("Flink REST call " + what + " at " + base + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EsmError.service("Interrupted during " + what, e);
        }
        if (response.statusCode() >= 400) {
            throw new HttpError(what, response.statusCode(), response.body());
        }
        try {
            String text = response.body();
            return text == null || text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (IOException e) {
            throw EsmError.service("Flink answered " + what + " with no JSON: " + e.getMessage(), e);
        }
    }

    /** The id of an uploaded jar whose original file name is {@code name}, if the JobManager still has one. */
    public Optional<String> findJar(String name) {
        for (JsonNode file : get("/jars").path("files")) {
            if (name.equals(file.path("name").asText())) {
                return Optional.of(file.path("id").asText());
            }
        }
        return Optional.empty();
    }

    /** Uploads {@code jar} under the file name {@code name}; returns the jar id to run. */
    public String uploadJar(Path jar, String name) {
        String boundary = "esm-" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"jarfile\"; filename=\"" + name + "\"\r\n"
                + "Content-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest.BodyPublisher jarFile;
        try {
            jarFile = HttpRequest.BodyPublishers.ofFile(jar); // streamed: the job jar is tens of MB
        } catch (IOException e) {
            throw EsmError.service("Cannot read the job jar " + jar + ": " + e.getMessage(), e);
        }
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/jars/upload"))
                .timeout(Duration.ofMinutes(5))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofByteArray(head), jarFile,
                        HttpRequest.BodyPublishers.ofByteArray(tail)))
                .build();
        JsonNode answer = send("POST /jars/upload", request);
        String file = answer.path("filename").asText("");
        if (file.isEmpty()) {
            throw EsmError.service("Jar upload failed: " + answer, null);
        }
        return file.substring(file.lastIndexOf('/') + 1);
    }

    /** Runs an uploaded jar; returns the job id. */
    public String run(String jarId, List<String> args, String savepoint) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("programArgsList");
        args.forEach(list::add);
        body.put("allowNonRestoredState", false);
        if (savepoint != null) {
            body.put("savepointPath", savepoint);
        }
        JsonNode answer = call("POST", "/jars/" + jarId + "/run", body);
        String jobId = answer.path("jobid").asText("");
        if (jobId.isEmpty()) {
            throw EsmError.service("Flink did not start the job: " + answer, null);
        }
        return jobId;
    }

    /** Stop-with-savepoint (no drain); returns the savepoint location once it is complete. */
    public String stopWithSavepoint(String jobId, String targetDirectory, Duration wait) {
        ObjectNode body = JSON.createObjectNode().put("drain", false);
        if (targetDirectory != null) {
            body.put("targetDirectory", targetDirectory);
        }
        String requestId = call("POST", "/jobs/" + jobId + "/stop", body).path("request-id").asText();
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            JsonNode status = get("/jobs/" + jobId + "/savepoints/" + requestId);
            if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                JsonNode operation = status.path("operation");
                String location = operation.path("location").asText("");
                if (!location.isEmpty()) {
                    return location;
                }
                JsonNode cause = operation.path("failure-cause");
                String why = cause.path("stack-trace").asText(cause.toString());
                int nl = why.indexOf('\n');
                throw EsmError.service("Stop-with-savepoint of job " + jobId + " failed: "
                        + (nl < 0 ? why : why.substring(0, nl)), null);
            }
            if (System.nanoTime() > deadline) {
                throw EsmError.service("Stop-with-savepoint of job " + jobId + " not complete after " + wait, null);
            }
            sleep(200);
        }
    }

    public void cancel(String jobId) {
        call("PATCH", "/jobs/" + jobId + "?mode=cancel", null);
    }

    public Optional<JsonNode> job(String jobId) {
        return find("/jobs/" + jobId);
    }

    public JsonNode exceptions(String jobId) {
        return find("/jobs/" + jobId + "/exceptions").orElseGet(JSON::createObjectNode);
    }

    /**
     * The values of the metrics named {@code name} (any scope prefix: subtask index, operator) under a metrics
     * path such as {@code /jobs/J/vertices/V/metrics} (task metrics) or {@code /jobs/J/vertices/V/jm-operator-metrics}
     * (the split enumerator's, on the JobManager). Empty when Flink has none (yet): its metric fetcher refreshes
     * every 10 s by default.
     */
    public List<String> metricValues(String path, String name) {
        List<String> ids = new java.util.ArrayList<>();
        for (JsonNode metric : find(path).orElseGet(JSON::createArrayNode)) {
            String id = metric.path("id").asText();
            if (id.equals(name) || id.endsWith("." + name)) {
                ids.add(id);
            }
        }
        List<String> values = new java.util.ArrayList<>();
        if (ids.isEmpty()) {
            return values;
        }
        String query = ids.stream().map(id -> java.net.URLEncoder.encode(id, StandardCharsets.UTF_8))
                .collect(java.util.stream.Collectors.joining(","));
        for (JsonNode metric : find(path + "?get=" + query).orElseGet(JSON::createArrayNode)) {
            if (metric.hasNonNull("value")) {
                values.add(metric.path("value").asText());
            }
        }
        return values;
    }

    /** The external path of the job's latest completed checkpoint, if Flink still knows it. */
    public Optional<String> latestCheckpoint(String jobId) {
        return find("/jobs/" + jobId + "/checkpoints")
                .map(c -> c.path("latest").path("completed").path("external_path").asText(""))
                .filter(p -> !p.isEmpty());
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw EsmError.service("Interrupted", e);
        }
    }
}
