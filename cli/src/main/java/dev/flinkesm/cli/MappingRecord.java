package dev.flinkesm.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What the store keeps per mapping: the mapping itself (canonical JSON, {@code Enabled} = what the user wants), how
 * to run it, which Flink job runs (or last ran) it, and where it resumes from. Plain fields, written as JSON.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public final class MappingRecord {
    /** The mapping's UUID; also the file name. */
    public String uuid;
    /** The canonical mapping ({@code EventSourceMapping.toJson()}), {@code Enabled} included. */
    public ObjectNode mapping;
    /** Extra job arguments given on create (e.g. {@code --lambda-endpoint URL}), passed on every (re)submission. */
    public List<String> jobArgs = new ArrayList<>();
    /** The Flink job that runs or last ran this mapping; null when it never ran (created disabled). */
    public String jobId;
    /** Creating, Enabling or Updating: what the current job's start means while its tasks deploy. */
    public String transition;
    /** The savepoint the mapping resumes from when enabled; kept until a newer one replaces it. */
    public String savepoint;
    /** An operation in progress (Updating, Disabling, Enabling, Deleting) and since when (ISO instant). */
    public String pending;
    public String pendingSince;
    /** Why the last operation of the command failed; shown as {@code LastProcessingResult: PROBLEM: ...}. */
    public String lastError;
    /** ISO instant of the last change by the command. */
    public String lastModified;
    /** Jobs this mapping ran before, newest last: job id, savepoint, why it ended. */
    public List<ObjectNode> history = new ArrayList<>();

    public boolean enabled() {
        return mapping.path("Enabled").asBoolean(true);
    }

    public String functionName() {
        return mapping.path("FunctionName").asText();
    }
}
