package dev.flinkesm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flinkesm.config.EventSourceMapping;
import dev.flinkesm.config.MappingParser;
import dev.flinkesm.config.MappingValidationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The operations of the Lambda API on event source mappings, on a Flink session cluster: a mapping is a Flink job
 * named {@code esm <UUID> (<function>)}; an update is stop-with-savepoint and a resubmission from that savepoint;
 * disable is stop-with-savepoint; enable resumes from the recorded savepoint (or the last job's newest retained
 * checkpoint, when it ended some other way). Records live in a {@link MappingStore}.
 */
public final class Esm {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TERMINAL = Set.of("FINISHED", "CANCELED", "FAILED");
    /** The gauge the job publishes its current problem in (dev.flinkesm.metrics.ProcessingResult). */
    static final String JOB_PROBLEM_METRIC = "LastProcessingResult";

    private final FlinkRest flink;
    private final MappingStore store;
    private final Path jobJar;
    private final String savepointDir;
    private final Output.Account account;
    private Duration savepointTimeout = Duration.ofMinutes(5);

    public Esm(FlinkRest flink, MappingStore store, Path jobJar, String savepointDir, Output.Account account) {
        this.flink = flink;
        this.store = store;
        this.jobJar = jobJar;
        this.savepointDir = savepointDir;
        this.account = account;
    }

    public MappingStore store() {
        return store;
    }

    // ------------------------------------------------------------------------------------------------ create

    public MappingRecord create(String mappingJson, List<String> jobArgs) {
        EventSourceMapping mapping = validate(mappingJson, jobArgs);
        String uuid = mapping.uuid();
        try (MappingStore.Lock ignored = store.lock(uuid, "create")) {
            if (store.load(uuid).isPresent() || runningJobNamed(uuid).isPresent()) {
                throw new EsmError("ResourceConflictException",
                        "An event source mapping with topics " + mapping.topics() + " and function ("
                                + mapping.functionName() + ") already exists. Please update or delete the existing "
                                + "mapping with UUID " + uuid, EsmError.SERVICE);
            }
            MappingRecord record = new MappingRecord();
            record.uuid = uuid;
            record.mapping = (ObjectNode) readJson(mapping.toJson());
            record.jobArgs = new ArrayList<>(jobArgs);
            record.lastModified = now();
            if (!mapping.enabled()) {
                store.save(record); // created disabled: nothing runs until it is enabled
                return record;
            }
            String jarId = jar();
            record.jobId = submit(jarId, record, null);
            record.transition = "Creating";
            store.save(record);
            return record;
        }
    }

    /**
     * The checks {@code create} makes before it touches the cluster: every rule of the mapping, then the function
     * (exists, may be read, timeout within 14 minutes) through the job's client settings.
     */
    public static EventSourceMapping validate(String mappingJson, List<String> jobArgs) {
        EventSourceMapping mapping;
        try {
            mapping = MappingParser.parse(mappingJson, JobArgs.filterQuota(jobArgs));
        } catch (MappingValidationException e) {
            throw EsmError.invalid(e.getMessage());
        }
        FunctionGate.require(mapping.functionName(), jobArgs);
        return mapping;
    }

    // ------------------------------------------------------------------------------------------------ read

    public MappingRecord record(String uuid) {
        return store.require(uuid);
    }

    /** State from the record and the Flink job. */
    public MappingStatus status(MappingRecord record) {
        if (record.pending != null && !store.isLocked(record.uuid)) {
            // The operation that set it is gone (the command was killed): ignore it, the job tells the truth.
            record.pending = null;
        }
        if (record.pending != null || record.jobId == null) {
            return MappingStatus.derive(record, null, null);
        }
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

    public ObjectNode configuration(MappingRecord record) {
        return Output.configuration(record, status(record), account);
    }

    public ObjectNode configuration(MappingRecord record, MappingStatus status) {
        return Output.configuration(record, status, account);
    }

    public List<MappingRecord> list(String functionName) {
        List<MappingRecord> out = new ArrayList<>();
        for (MappingRecord r : store.all()) {
            if (functionName == null
                    || r.functionName().equals(functionName)
                    || Output.functionArn(r.functionName(), account)
                            .equals(Output.functionArn(functionName, account))) {
                out.add(r);
            }
        }
        return out;
    }

    /** Polls until the mapping leaves Creating/Enabling/Updating/Disabling, or the timeout passes. */
    public MappingRecord awaitSettled(String uuid, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            MappingRecord r = record(uuid);
            if (!status(r).transitional() || System.nanoTime() > deadline) {
                return r;
            }
            FlinkRest.sleep(300);
        }
    }

    // ------------------------------------------------------------------------------------------------ update

    /**
     * Applies an UpdateEventSourceMapping request. Enabled → false: stop-with-savepoint (Disabled). A change to a
     * running mapping: stop-with-savepoint, then the new mapping is submitted from that savepoint (Updating, then
     * Enabled). The savepoint is recorded before the resubmission, so if it fails the old mapping stays and
     * resumes from it when enabled. Enabled → true: resume from the savepoint.
     */
    public MappingRecord update(String uuid, ObjectNode changes) {
        UpdateRules.check(changes);
        try (MappingStore.Lock ignored = store.lock(uuid, "update")) {
            MappingRecord record = store.require(uuid);
            record.pending = null; // we hold the lock: any pending marker is from a command that died
            MappingStatus status = status(record);
            if (status.transitional()) {
                throw EsmError.inUse("update");
            }
            EventSourceMapping next = UpdateRules.apply(record.mapping, changes, record.jobArgs);
            if (changes.has("FunctionName")) {
                FunctionGate.require(next.functionName(), record.jobArgs);
            }
            ObjectNode nextJson = (ObjectNode) readJson(next.toJson());
            boolean restart = UpdateRules.needsRestart(record.mapping, nextJson);
            boolean active = activeJob(record).isPresent();
            record.lastModified = now();

            if (active && !next.enabled()) {
                begin(record, "Disabling");
                record.savepoint = stop(record, "disabled");
                record.mapping = nextJson;
                record.transition = null;
                record.lastError = null;
                return done(record);
            }
            if (active && restart) {
                begin(record, "Updating");
                String savepoint = stop(record, "updated");
                record.savepoint = savepoint;
                store.save(record); // the old mapping is restorable from here, whatever happens next
                try {
                    record.jobId = submit(jar(), withMapping(record, nextJson), savepoint);
                } catch (RuntimeException e) {
                    record.lastError = "the update was not applied: submitting the new mapping from savepoint "
                            + savepoint + " failed (" + message(e) + "); the previous mapping resumes from that "
                            + "savepoint with: esm update --uuid " + uuid + " --enabled true";
                    record.mapping.put("Enabled", false);
                    done(record);
                    throw EsmError.service(record.lastError, e);
                }
                record.mapping = nextJson;
                record.transition = "Updating";
                record.lastError = null;
                return done(record);
            }
            if (!active && next.enabled()) {
                begin(record, "Enabling");
                String from = resumePoint(record);
                try {
                    record.jobId = submit(jar(), withMapping(record, nextJson), from);
                } catch (RuntimeException e) {
                    record.lastError = "enabling failed: " + message(e);
                    done(record);
                    throw EsmError.service(record.lastError, e);
                }
                if (from != null) {
                    record.savepoint = from;
                }
                record.mapping = nextJson;
                record.transition = "Enabling";
                record.lastError = null;
                return done(record);
            }
            // Disabled and stays disabled, or running and only Enabled=true repeated: just record the mapping.
            record.mapping = nextJson;
            store.save(record);
            return record;
        }
    }

    private MappingRecord withMapping(MappingRecord record, ObjectNode mapping) {
        MappingRecord copy = new MappingRecord();
        copy.uuid = record.uuid;
        copy.mapping = mapping;
        copy.jobArgs = record.jobArgs;
        return copy;
    }

    /**
     * Where an enabled mapping resumes: the recorded savepoint if the last job ended by our stop-with-savepoint,
     * else the last job's newest retained checkpoint (newer than any savepoint), else the recorded savepoint; with
     * neither, the consumer group's committed offsets (the job's default).
     */
    private String resumePoint(MappingRecord record) {
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

    // ------------------------------------------------------------------------------------------------ delete

    /** Cancels the job (no savepoint; the consumer group's committed offsets stay) and forgets the mapping. */
    public ObjectNode delete(String uuid) {
        try (MappingStore.Lock ignored = store.lock(uuid, "delete")) {
            MappingRecord record = store.require(uuid);
            record.pending = null;
            Optional<JsonNode> active = activeJob(record);
            begin(record, "Deleting");
            ObjectNode answer = configuration(record, MappingStatus.derive(record, null, null));
            if (active.isPresent()) {
                flink.cancel(record.jobId);
                awaitTerminal(record.jobId, Duration.ofSeconds(60));
            }
            store.delete(uuid);
            return answer;
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private void begin(MappingRecord record, String operation) {
        record.pending = operation;
        record.pendingSince = now();
        store.save(record);
    }

    private MappingRecord done(MappingRecord record) {
        record.pending = null;
        record.pendingSince = null;
        store.save(record);
        return record;
    }

    private String stop(MappingRecord record, String why) {
        String savepoint;
        try {
            savepoint = flink.stopWithSavepoint(record.jobId, savepointDir, savepointTimeout);
        } catch (RuntimeException e) {
            done(record); // the job goes on running (Flink keeps it when stop fails)
            throw e instanceof EsmError ? e : EsmError.service("Stop-with-savepoint failed: " + message(e), e);
        }
        awaitTerminal(record.jobId, Duration.ofSeconds(60)); // the savepoint completes just before the job ends
        ObjectNode h = JSON.createObjectNode()
                .put("JobId", record.jobId).put("Savepoint", savepoint).put("Ended", now()).put("Why", why);
        record.history.add(h);
        return savepoint;
    }

    private String submit(String jarId, MappingRecord record, String savepoint) {
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

    private void awaitTerminal(String jobId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline
                && flink.job(jobId).map(j -> !TERMINAL.contains(j.path("state").asText())).orElse(false)) {
            FlinkRest.sleep(100);
        }
    }

    /** The mapping's job if Flink has it in a non-terminal state. */
    private Optional<JsonNode> activeJob(MappingRecord record) {
        if (record.jobId == null) {
            return Optional.empty();
        }
        return flink.job(record.jobId).filter(j -> !TERMINAL.contains(j.path("state").asText()));
    }

    private Optional<String> runningJobNamed(String uuid) {
        for (JsonNode job : flink.get("/jobs/overview").path("jobs")) {
            if (job.path("name").asText().startsWith("esm " + uuid + " ")
                    && !TERMINAL.contains(job.path("state").asText())) {
                return Optional.of(job.path("jid").asText());
            }
        }
        return Optional.empty();
    }

    /** The job jar's id on the cluster: uploaded once per content (its name carries a hash), then reused. */
    String jar() {
        if (jobJar == null || !Files.isRegularFile(jobJar)) {
            throw new EsmError("InvalidParameterValueException",
                    "No job jar: build it (mvn -pl job package) or pass --job-jar / ESM_JOB_JAR"
                            + (jobJar == null ? "" : " (" + jobJar + " does not exist)"), EsmError.PARAMETERS);
        }
        String file = jobJar.getFileName().toString();
        String base = file.endsWith(".jar") ? file.substring(0, file.length() - 4) : file;
        String name = base + "-" + sha256(jobJar).substring(0, 12) + ".jar";
        return flink.findJar(name).orElseGet(() -> flink.uploadJar(jobJar, name));
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode readJson(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String message(Throwable e) {
        return e instanceof EsmError ee ? ee.getMessage() : String.valueOf(e.getMessage());
    }

    private static String now() {
        return Instant.now().toString();
    }
}
