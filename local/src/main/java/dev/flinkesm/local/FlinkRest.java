package dev.flinkesm.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.JobID;

/** Reads what the Flink web UI shows (checkpoint statistics, operator metrics) through its REST API. */
public final class FlinkRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;

    public FlinkRest(String webInterfaceUrl) {
        this.base = webInterfaceUrl.endsWith("/") ? webInterfaceUrl.substring(0, webInterfaceUrl.length() - 1)
                : webInterfaceUrl;
    }

    public JsonNode get(String path) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (Exception e) {
            throw new IllegalStateException("GET " + path, e);
        }
    }

    public long completedCheckpoints(JobID job) {
        return get("/jobs/" + job + "/checkpoints").at("/counts/completed").asLong();
    }

    /** How many times the job restored its state from a checkpoint or savepoint (the web UI's "Restored"). */
    public long restores(JobID job) {
        return get("/jobs/" + job + "/checkpoints").at("/counts/restored").asLong();
    }

    /** How many times the job restarted after a failure (its {@code numRestarts} metric); -1 if not reported yet. */
    public long restarts(JobID job) {
        JsonNode values = get("/jobs/" + job + "/metrics?get=numRestarts");
        return values.isEmpty() ? -1 : values.get(0).get("value").asLong();
    }

    /** Bytes of the latest completed checkpoint (full size, as the web UI's "Checkpointed Data Size"). */
    public long latestCheckpointBytes(JobID job) {
        return get("/jobs/" + job + "/checkpoints").at("/latest/completed/state_size").asLong();
    }

    /**
     * Sum over the source's subtasks of the operator-level metric whose name ends with {@code name}; -1 while the
     * metric is not there yet (tasks deploying).
     */
    public long sourceMetric(JobID job, String name) {
        JsonNode vertices = get("/jobs/" + job).get("vertices");
        if (vertices == null || vertices.isEmpty()) {
            return -1;
        }
        String vertex = vertices.get(0).get("id").asText();
        String path = "/jobs/" + job + "/vertices/" + vertex + "/subtasks/metrics";
        for (JsonNode metric : get(path)) {
            String id = metric.get("id").asText();
            if (id.endsWith("." + name) && !id.contains(".partition.")) {
                JsonNode values = get(path + "?get=" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "&agg=sum");
                return values.isEmpty() ? 0 : (long) values.get(0).get("sum").asDouble();
            }
        }
        return -1;
    }
}
