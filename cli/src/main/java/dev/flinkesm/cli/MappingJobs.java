package dev.flinkesm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The Flink side of a mapping: submitting its job, stopping it with a savepoint, cancelling it, and reading its
 * state and what it reports. Keeps no state of its own: the mapping's record says which job is its.
 */
final class MappingJobs {
    private static final Set<String> TERMINAL = Set.of("FINISHED", "CANCELED", "FAILED");
    /** The gauge the job publishes its current problem in (dev.flinkesm.metrics.ProcessingResult). */
    static final String JOB_PROBLEM_METRIC = "LastProcessingResult";
    /** How long a job may take to end after its savepoint completed or it was cancelled. */
    private static final Duration END_TIMEOUT = Duration.ofSeconds(60);

    private final FlinkRest flink;
    private final String savepointDir;
    private final Duration savepointTimeout = Duration.ofMinutes(5);

    MappingJobs(FlinkRest flink, String savepointDir) {
        this.flink = flink;
        this.savepointDir = savepointDir;
    }

    /** Runs the record's mapping from {@code savepoint} (null: none); returns the job's id. */
    String submit(String jarId, MappingRecord record, String savepoint) {
        ObjectNode mapping = record.mapping.deepCopy();
        mapping.put("Enabled", true); // the job runs what it is given; Enabled is the record's business
        List<String> args = new ArrayList<>(List.of("--mapping-json", mapping.toString()));
        args.addAll(record.jobArgs);
        try {
            return flink.run(jarId, args, savepoint);
        } catch (FlinkRest.HttpError e) {
            throw EsmError.service("Flink refused to run the job: " + e.getMessage(), e);
        }
    }

    /** Stop-with-savepoint; returns the savepoint. If it fails, Flink keeps the job running. */
    String stopWithSavepoint(String jobId) {
        return flink.stopWithSavepoint(jobId, savepointDir, savepointTimeout);
    }

    /** Cancels the job (no savepoint) and waits until it has ended. */
    void cancel(String jobId) {
        flink.cancel(jobId);
        awaitEnd(jobId);
    }

    /** Waits (bounded) until the job is in a terminal state: a savepoint completes just before its job ends. */
    void awaitEnd(String jobId) {
        long deadline = System.nanoTime() + END_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline
                && flink.job(jobId).map(j -> !TERMINAL.contains(j.path("state").asText())).orElse(false)) {
            FlinkRest.sleep(100);
        }
    }

    /** The mapping's job if Flink has it in a non-terminal state. */
    Optional<JsonNode> active(MappingRecord record) {
        if (record.jobId == null) {
            return Optional.empty();
        }
        return flink.job(record.jobId).filter(j -> !TERMINAL.contains(j.path("state").asText()));
    }

    /** A job of this mapping the cluster runs, found by its name, whether or not a record points at it. */
    Optional<String> runningJobNamed(String uuid) {
        for (JsonNode job : flink.get("/jobs/overview").path("jobs")) {
            if (job.path("name").asText().startsWith("esm " + uuid + " ")
                    && !TERMINAL.contains(job.path("state").asText())) {
                return Optional.of(job.path("jid").asText());
            }
        }
        return Optional.empty();
    }

    /**
     * Where an enabled mapping resumes: the recorded savepoint if the last job ended by our stop-with-savepoint,
     * else the last job's newest retained checkpoint (newer than any savepoint), else the recorded savepoint; with
     * neither, the consumer group's committed offsets (the job's default).
     */
    String resumePoint(MappingRecord record) {
        if (record.jobId != null) {
            Optional<JsonNode> job = flink.job(record.jobId);
            boolean stoppedByUs = job.map(j -> j.path("state").asText().equals("FINISHED")).orElse(false);
            if (!stoppedByUs) {
                Optional<String> checkpoint = job.isPresent() ? flink.latestCheckpoint(record.jobId) : Optional.empty();
                if (checkpoint.isPresent()) {
                    return checkpoint.get();
                }
            }
        }
        return record.savepoint;
    }

    /** The state of the record's job (it has one, and no operation is pending), from what Flink says of it. */
    MappingStatus status(MappingRecord record) {
        JsonNode job = flink.job(record.jobId).orElse(null);
        JsonNode exceptions = null;
        if (job != null && Set.of("FAILED", "FAILING", "RESTARTING").contains(job.path("state").asText())) {
            exceptions = flink.exceptions(record.jobId);
        }
        return MappingStatus.derive(record, job, exceptions, observe(record.jobId, job));
    }

    /** The job's published problems when it runs, the cluster's free slots when it waits. */
    private MappingStatus.Observed observe(String jobId, JsonNode job) {
        if (job == null) {
            return MappingStatus.Observed.NONE;
        }
        String state = job.path("state").asText();
        if (state.equals("RUNNING") && MappingStatus.allTasksRunning(job)) {
            List<String> reported = new ArrayList<>();
            for (JsonNode vertex : job.path("vertices")) {
                String path = "/jobs/" + jobId + "/vertices/" + vertex.path("id").asText();
                reported.addAll(flink.metricValues(path + "/jm-operator-metrics", JOB_PROBLEM_METRIC));
                reported.addAll(flink.metricValues(path + "/metrics", JOB_PROBLEM_METRIC));
            }
            return new MappingStatus.Observed(reported, null);
        }
        if (state.equals("RUNNING") || state.equals("CREATED") || state.equals("INITIALIZING")) {
            return new MappingStatus.Observed(List.of(), flink.get("/overview"));
        }
        return MappingStatus.Observed.NONE;
    }
}
