package dev.flinkesm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AWS's {@code State}, {@code StateTransitionReason} and {@code LastProcessingResult} of a mapping, derived from its
 * record and what Flink says about its job ({@code GET /jobs/{id}}, and {@code GET /jobs/{id}/exceptions} when it
 * failed). Pure: no I/O, so every case is unit-tested from REST samples.
 */
public record MappingStatus(String state, String stateTransitionReason, String lastProcessingResult) {

    public static final String USER_INITIATED = "USER_INITIATED";
    public static final String OK = "OK";

    /** States in which a mapping cannot be changed (AWS answers ResourceInUseException). */
    public static final Set<String> TRANSITIONAL = Set.of("Creating", "Enabling", "Updating", "Disabling", "Deleting");

    /** The codes the job puts first in a fatal failure's message (dev.flinkesm.failure.ReasonCode). */
    static final Pattern REASON = Pattern.compile(
            "(ESM_CONFIG_NOT_VALID|EVENT_SOURCE_AUTHN_ERROR|EVENT_SOURCE_AUTHZ_ERROR|FUNCTION_CONFIG_NOT_VALID): "
                    + "(?:PROBLEM: )?([^\\r\\n]*)");

    public boolean transitional() {
        return TRANSITIONAL.contains(state);
    }

    /**
     * What else the cluster says about a job that is starting or running.
     *
     * @param reported the {@code LastProcessingResult} gauges the job publishes (its split enumerator's on the
     *     JobManager, then one per subtask): {@code OK} or {@code PROBLEM: ...}
     * @param overview {@code GET /overview} (the cluster's {@code slots-total} and {@code slots-available}), or null
     */
    public record Observed(List<String> reported, JsonNode overview) {
        public static final Observed NONE = new Observed(List.of(), null);
    }

    /**
     * @param job {@code GET /jobs/{id}}, or null when Flink does not know the job (or there is none)
     * @param exceptions {@code GET /jobs/{id}/exceptions}, or null when not fetched
     */
    public static MappingStatus derive(MappingRecord record, JsonNode job, JsonNode exceptions) {
        return derive(record, job, exceptions, Observed.NONE);
    }

    public static MappingStatus derive(MappingRecord record, JsonNode job, JsonNode exceptions, Observed observed) {
        String problem = record.lastError == null ? OK : "PROBLEM: " + record.lastError;
        if (record.pending != null) {
            return new MappingStatus(record.pending, USER_INITIATED, problem);
        }
        if (record.jobId == null) {
            return new MappingStatus("Disabled", USER_INITIATED, problem);
        }
        if (job == null) {
            return new MappingStatus("Disabled", USER_INITIATED,
                    "PROBLEM: the Flink cluster does not know job " + record.jobId
                            + " (cluster restarted?); enable the mapping to resume it"
                            + (record.savepoint != null ? " from " + record.savepoint : ""));
        }
        String starting = record.transition == null ? "Creating" : record.transition;
        switch (job.path("state").asText()) {
            case "INITIALIZING":
            case "CREATED":
            case "SUSPENDED":
            case "RECONCILING":
                return new MappingStatus(starting, USER_INITIATED, waitingForSlots(job, observed.overview()).orElse(problem));
            case "RUNNING":
                if (allTasksRunning(job)) {
                    // A running job says itself what it is struggling with (brokers, topic, function calls).
                    return new MappingStatus("Enabled", USER_INITIATED, reportedProblem(observed.reported()).orElse(problem));
                }
                return new MappingStatus(starting, USER_INITIATED, waitingForSlots(job, observed.overview()).orElse(problem));
            case "RESTARTING":
                // Flink restarts after a recoverable failure (e.g. a lost TaskManager); delivery resumes from the
                // last checkpoint. AWS keeps such a mapping Enabled and says what went wrong.
                return new MappingStatus("Enabled", USER_INITIATED,
                        fatal(exceptions).or(() -> latest(exceptions)).map(p -> "PROBLEM: " + p).orElse(problem));
            case "FAILING": {
                Optional<String[]> fatal = fatalWithCode(exceptions);
                return fatal.map(f -> new MappingStatus("Disabling", f[0], "PROBLEM: " + f[1]))
                        .orElseGet(() -> new MappingStatus("Disabling", USER_INITIATED, problem));
            }
            case "FAILED": {
                Optional<String[]> fatal = fatalWithCode(exceptions);
                if (fatal.isPresent()) {
                    return new MappingStatus("Disabled", fatal.get()[0], "PROBLEM: " + fatal.get()[1]);
                }
                // Not one of AWS's reasons: no reason code, but say what happened.
                return new MappingStatus("Disabled", null,
                        "PROBLEM: " + latest(exceptions).orElse("the Flink job failed"));
            }
            case "CANCELLING":
                return new MappingStatus("Disabling", USER_INITIATED, problem);
            case "CANCELED":
            case "FINISHED":
            default:
                return new MappingStatus("Disabled", USER_INITIATED, problem);
        }
    }

    /** The first problem among the job's published {@code LastProcessingResult}s. */
    static Optional<String> reportedProblem(List<String> reported) {
        return reported.stream().filter(r -> r.startsWith("PROBLEM: ")).findFirst();
    }

    /**
     * Why a job that is not running yet waits, if it waits for task slots: with slot sharing a job needs as many
     * slots as its widest vertex, and Flink keeps it waiting (CREATED or SCHEDULED) without saying so.
     */
    static Optional<String> waitingForSlots(JsonNode job, JsonNode overview) {
        if (overview == null || !overview.has("slots-available")) {
            return Optional.empty();
        }
        boolean waiting = job.path("state").asText().equals("CREATED");
        int needed = 0;
        for (JsonNode v : job.path("vertices")) {
            needed = Math.max(needed, v.path("parallelism").asInt(1));
            String s = v.path("status").asText();
            waiting |= s.equals("CREATED") || s.equals("SCHEDULED");
        }
        int free = overview.path("slots-available").asInt();
        int total = overview.path("slots-total").asInt();
        if (!waiting || needed == 0 || free >= needed) {
            return Optional.empty();
        }
        return Optional.of("PROBLEM: Waiting for task slots: the job needs " + needed + ", " + free + " of " + total
                + " are free. Add TaskManagers (or slots), or disable another mapping.");
    }

    /** True when the job has vertices and every one of them is RUNNING (or already FINISHED). */
    static boolean allTasksRunning(JsonNode job) {
        JsonNode vertices = job.path("vertices");
        if (!vertices.isArray() || vertices.isEmpty()) {
            return false;
        }
        for (JsonNode v : vertices) {
            String s = v.path("status").asText();
            if (!s.equals("RUNNING") && !s.equals("FINISHED")) {
                return false;
            }
        }
        return true;
    }

    private static Optional<String> fatal(JsonNode exceptions) {
        return fatalWithCode(exceptions).map(f -> f[1]);
    }

    /** {code, problem} from the newest exception that carries one of the job's reason codes. */
    static Optional<String[]> fatalWithCode(JsonNode exceptions) {
        if (exceptions == null) {
            return Optional.empty();
        }
        for (String trace : traces(exceptions)) {
            Matcher m = REASON.matcher(trace);
            if (m.find()) {
                return Optional.of(new String[] {m.group(1), m.group(2).trim()});
            }
        }
        return Optional.empty();
    }

    /** First line of the newest exception. */
    static Optional<String> latest(JsonNode exceptions) {
        if (exceptions == null) {
            return Optional.empty();
        }
        for (String trace : traces(exceptions)) {
            String line = trace.strip();
            int nl = line.indexOf('\n');
            line = nl < 0 ? line : line.substring(0, nl).strip();
            if (!line.isEmpty()) {
                return Optional.of(line);
            }
        }
        return Optional.empty();
    }

    /** Stack traces, newest first: the exception history's entries (and their concurrent exceptions), then the old
     * {@code root-exception} field older Flink versions send. */
    private static java.util.List<String> traces(JsonNode exceptions) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (JsonNode entry : exceptions.path("exceptionHistory").path("entries")) {
            out.add(entry.path("stacktrace").asText(""));
            for (JsonNode concurrent : entry.path("concurrentExceptions")) {
                out.add(concurrent.path("stacktrace").asText(""));
            }
        }
        if (exceptions.hasNonNull("root-exception")) {
            out.add(exceptions.path("root-exception").asText(""));
        }
        return out;
    }
}
