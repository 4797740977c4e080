package dev.flinkesm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The few calls of a session cluster's REST API the mappings bench needs: upload a jar once, run it as many jobs,
 * read job states and metrics.
 */
final class ClusterJobs {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String restUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ClusterJobs(String restUrl) {
        this.restUrl = restUrl;
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
}
