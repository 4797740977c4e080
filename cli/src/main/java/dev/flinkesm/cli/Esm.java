package dev.flinkesm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flinkesm.config.EventSourceMapping;
import dev.flinkesm.config.MappingParser;
import dev.flinkesm.config.MappingValidationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The operations of the Lambda API on event source mappings, on a Flink session cluster: a mapping is a Flink job
 * named {@code esm <UUID> (<function>)}; an update is stop-with-savepoint and a resubmission from that savepoint;
 * disable is stop-with-savepoint; enable resumes from the recorded savepoint (or the last job's newest retained
 * checkpoint, when it ended some other way). Records live in a {@link MappingStore}; the calls to Flink are
 * {@link MappingJobs}', the job jar is {@link JobJar}.
 */
public final class Esm {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MappingJobs jobs;
    private final JobJar jobJar;
    private final MappingStore store;
    private final Output.Account account;

    public Esm(FlinkRest flink, MappingStore store, Path jobJar, String savepointDir, Output.Account account) {
        this.jobs = new MappingJobs(flink, savepointDir);
        this.jobJar = new JobJar(flink, jobJar);
        this.store = store;
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
            if (store.load(uuid).isPresent() || jobs.runningJobNamed(uuid).isPresent()) {
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
            record.jobId = jobs.submit(jobJar.idOnCluster(), record, null);
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
        return jobs.status(record);
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
            boolean active = jobs.active(record).isPresent();
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
                    record.jobId = jobs.submit(jobJar.idOnCluster(), withMapping(record, nextJson), savepoint);
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
                String from = jobs.resumePoint(record);
                try {
                    record.jobId = jobs.submit(jobJar.idOnCluster(), withMapping(record, nextJson), from);
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

    // ------------------------------------------------------------------------------------------------ delete

    /** Cancels the job (no savepoint; the consumer group's committed offsets stay) and forgets the mapping. */
    public ObjectNode delete(String uuid) {
        try (MappingStore.Lock ignored = store.lock(uuid, "delete")) {
            MappingRecord record = store.require(uuid);
            record.pending = null;
            Optional<JsonNode> active = jobs.active(record);
            begin(record, "Deleting");
            ObjectNode answer = configuration(record, MappingStatus.derive(record, null, null));
            if (active.isPresent()) {
                jobs.cancel(record.jobId);
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
            savepoint = jobs.stopWithSavepoint(record.jobId);
        } catch (RuntimeException e) {
            done(record); // the job goes on running (Flink keeps it when stop fails)
            throw e instanceof EsmError ? e : EsmError.service("Stop-with-savepoint failed: " + message(e), e);
        }
        jobs.awaitEnd(record.jobId); // the savepoint completes just before the job ends
        ObjectNode h = JSON.createObjectNode()
                .put("JobId", record.jobId).put("Savepoint", savepoint).put("Ended", now()).put("Why", why);
        record.history.add(h);
        return savepoint;
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
