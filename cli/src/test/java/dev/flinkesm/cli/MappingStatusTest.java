package dev.flinkesm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** State, reason and last processing result from samples of Flink's REST answers. */
class MappingStatusTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static MappingRecord record(String jobId, String transition) {
        MappingRecord r = new MappingRecord();
        r.uuid = "711a3ab4-279c-3953-abfa-139a2051eac7";
        r.mapping = (ObjectNode) json("{\"FunctionName\":\"f\",\"Topics\":[\"t\"],\"Enabled\":true}");
        r.jobId = jobId;
        r.transition = transition;
        return r;
    }

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** GET /jobs/{id} as Flink 2.2 answers it (trimmed). */
    private static JsonNode job(String state, String... vertexStates) {
        StringBuilder v = new StringBuilder();
        for (String s : vertexStates) {
            v.append(v.length() == 0 ? "" : ",").append("{\"id\":\"x\",\"name\":\"Source: Kafka t -> Lambda f\","
                    + "\"parallelism\":1,\"status\":\"").append(s).append("\"}");
        }
        return json("{\"jid\":\"j1\",\"name\":\"esm 711a3ab4-279c-3953-abfa-139a2051eac7 (f)\",\"state\":\"" + state
                + "\",\"vertices\":[" + v + "]}");
    }

    /** GET /jobs/{id}/exceptions with one history entry whose trace holds {@code trace}. */
    private static JsonNode exceptions(String trace) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode entry = root.putObject("exceptionHistory").putArray("entries").addObject();
        entry.put("exceptionName", "org.apache.flink.runtime.execution.SuppressRestartsException");
        entry.put("stacktrace", trace);
        entry.put("timestamp", 1);
        entry.putArray("concurrentExceptions");
        root.with("exceptionHistory").put("truncated", false);
        return root;
    }

    /** GET /overview (trimmed). */
    private static JsonNode overview(int total, int available) {
        return json("{\"taskmanagers\":1,\"slots-total\":" + total + ",\"slots-available\":" + available
                + ",\"jobs-running\":2,\"flink-version\":\"2.2.1\"}");
    }

    private static MappingStatus.Observed reported(String... values) {
        return new MappingStatus.Observed(java.util.List.of(values), null);
    }

    @Test
    void aRunningJobsPublishedProblemIsItsLastProcessingResult() {
        MappingStatus s = MappingStatus.derive(record("j1", null), job("RUNNING", "RUNNING"), null,
                reported("PROBLEM: Connection error. Please check your event source connection configuration.", "OK"));
        assertThat(s).isEqualTo(new MappingStatus("Enabled", "USER_INITIATED",
                "PROBLEM: Connection error. Please check your event source connection configuration."));
    }

    @Test
    void anySubtasksProblemShowsWhenTheOthersAreOk() {
        MappingStatus s = MappingStatus.derive(record("j1", null), job("RUNNING", "RUNNING"), null,
                reported("OK", "OK", "PROBLEM: Function call failed (request failure without response)"));
        assertThat(s.lastProcessingResult()).isEqualTo("PROBLEM: Function call failed (request failure without response)");
    }

    @Test
    void everyGaugeOkIsOk() {
        MappingStatus s = MappingStatus.derive(record("j1", null), job("RUNNING", "RUNNING"), null,
                reported("OK", "OK"));
        assertThat(s).isEqualTo(new MappingStatus("Enabled", "USER_INITIATED", "OK"));
    }

    @Test
    void aJobWhoseTasksWaitForSlotsSaysHowManyItNeedsAndHowManyAreFree() {
        MappingStatus s = MappingStatus.derive(record("j1", "Creating"), job("RUNNING", "SCHEDULED"), null,
                new MappingStatus.Observed(java.util.List.of(), overview(2, 0)));
        assertThat(s).isEqualTo(new MappingStatus("Creating", "USER_INITIATED",
                "PROBLEM: Waiting for task slots: the job needs 1, 0 of 2 are free. Add TaskManagers (or slots), or "
                        + "disable another mapping."));
    }

    @Test
    void aCreatedJobWaitsForSlotsToo() {
        MappingStatus s = MappingStatus.derive(record("j1", "Enabling"), job("CREATED", "CREATED"), null,
                new MappingStatus.Observed(java.util.List.of(), overview(4, 0)));
        assertThat(s.state()).isEqualTo("Enabling");
        assertThat(s.lastProcessingResult()).startsWith("PROBLEM: Waiting for task slots: the job needs 1, 0 of 4");
    }

    @Test
    void aJobDeployingOntoItsSlotsIsNotWaitingForSlots() {
        MappingStatus s = MappingStatus.derive(record("j1", "Creating"), job("RUNNING", "DEPLOYING"), null,
                new MappingStatus.Observed(java.util.List.of(), overview(2, 0)));
        assertThat(s).isEqualTo(new MappingStatus("Creating", "USER_INITIATED", "OK"));
    }

    @Test
    void aScheduledJobWithEnoughFreeSlotsIsNotWaitingForSlots() {
        MappingStatus s = MappingStatus.derive(record("j1", "Creating"), job("RUNNING", "SCHEDULED"), null,
                new MappingStatus.Observed(java.util.List.of(), overview(2, 1)));
        assertThat(s.lastProcessingResult()).isEqualTo("OK");
    }

    @Test
    void runningWithEveryTaskRunningIsEnabled() {
        MappingStatus s = MappingStatus.derive(record("j1", "Creating"), job("RUNNING", "RUNNING", "RUNNING"), null);
        assertThat(s).isEqualTo(new MappingStatus("Enabled", "USER_INITIATED", "OK"));
    }

    @Test
    void deployingTasksShowHowTheJobStarted() {
        assertThat(MappingStatus.derive(record("j1", "Creating"), job("RUNNING", "DEPLOYING"), null).state())
                .isEqualTo("Creating");
        assertThat(MappingStatus.derive(record("j1", "Updating"), job("RUNNING", "INITIALIZING"), null).state())
                .isEqualTo("Updating");
        assertThat(MappingStatus.derive(record("j1", "Enabling"), job("INITIALIZING"), null).state())
                .isEqualTo("Enabling");
        assertThat(MappingStatus.derive(record("j1", "Creating"), job("CREATED"), null).transitional()).isTrue();
    }

    @Test
    void stoppedWithSavepointOrCancelledIsDisabledByTheUser() {
        assertThat(MappingStatus.derive(record("j1", null), job("FINISHED", "FINISHED"), null))
                .isEqualTo(new MappingStatus("Disabled", "USER_INITIATED", "OK"));
        assertThat(MappingStatus.derive(record("j1", null), job("CANCELED", "CANCELED"), null).state())
                .isEqualTo("Disabled");
        assertThat(MappingStatus.derive(record("j1", null), job("CANCELLING", "CANCELING"), null).state())
                .isEqualTo("Disabling");
    }

    @Test
    void fatalFailureGivesTheJobsReasonCode() {
        String trace = "org.apache.flink.runtime.execution.SuppressRestartsException: Unrecoverable failure. This "
                + "suppresses job restarts. Please check the stack trace for the root cause.\n"
                + "\tat dev.flinkesm.source.DeliveringSourceReader.pollNext(DeliveringSourceReader.java:1)\n"
                + "Caused by: dev.flinkesm.failure.MappingStoppedException: FUNCTION_CONFIG_NOT_VALID: PROBLEM: "
                + "Function nope cannot be invoked: ResourceNotFoundException (HTTP 404): Function not found\n"
                + "\t... 12 more\n";
        MappingStatus s = MappingStatus.derive(record("j1", "Creating"), job("FAILED", "FAILED"), exceptions(trace));
        assertThat(s.state()).isEqualTo("Disabled");
        assertThat(s.stateTransitionReason()).isEqualTo("FUNCTION_CONFIG_NOT_VALID");
        assertThat(s.lastProcessingResult()).isEqualTo(
                "PROBLEM: Function nope cannot be invoked: ResourceNotFoundException (HTTP 404): Function not found");
    }

    @Test
    void everyReasonCodeIsRecognised() {
        for (String code : new String[] {"ESM_CONFIG_NOT_VALID", "EVENT_SOURCE_AUTHN_ERROR",
            "EVENT_SOURCE_AUTHZ_ERROR", "FUNCTION_CONFIG_NOT_VALID"}) {
            MappingStatus s = MappingStatus.derive(record("j1", null), job("FAILED"),
                    exceptions("x.MappingStoppedException: " + code + ": PROBLEM: what went wrong\n\tat y"));
            assertThat(s.stateTransitionReason()).isEqualTo(code);
            assertThat(s.lastProcessingResult()).isEqualTo("PROBLEM: what went wrong");
        }
        // The parser's own message has no "PROBLEM:" after the code
        MappingStatus s = MappingStatus.derive(record("j1", null), job("FAILED"),
                exceptions("x: ESM_CONFIG_NOT_VALID: BatchSize 0 is out of range 1..10000"));
        assertThat(s.lastProcessingResult()).isEqualTo("PROBLEM: BatchSize 0 is out of range 1..10000");
        // Failing, before Flink gives up: Disabling with the reason already known
        assertThat(MappingStatus.derive(record("j1", null), job("FAILING"),
                exceptions("x: EVENT_SOURCE_AUTHN_ERROR: PROBLEM: SASL authentication failed")))
                .isEqualTo(new MappingStatus("Disabling", "EVENT_SOURCE_AUTHN_ERROR",
                        "PROBLEM: SASL authentication failed"));
    }

    @Test
    void otherFailuresAreDisabledWithTheirFirstLineAndNoAwsReason() {
        MappingStatus s = MappingStatus.derive(record("j1", null), job("FAILED"),
                exceptions("java.lang.OutOfMemoryError: Java heap space\n\tat a.b"));
        assertThat(s).isEqualTo(new MappingStatus("Disabled", null, "PROBLEM: java.lang.OutOfMemoryError: Java heap space"));
    }

    @Test
    void restartingAfterALostTaskManagerStaysEnabledAndSaysWhy() {
        MappingStatus s = MappingStatus.derive(record("j1", null), job("RESTARTING", "CANCELED"),
                exceptions("java.util.concurrent.TimeoutException: Heartbeat of TaskManager with id tm-1 timed out.\n"));
        assertThat(s.state()).isEqualTo("Enabled");
        assertThat(s.lastProcessingResult())
                .isEqualTo("PROBLEM: java.util.concurrent.TimeoutException: Heartbeat of TaskManager with id tm-1 timed out.");
    }

    @Test
    void pendingOperationsAndMissingJobs() {
        MappingRecord updating = record("j1", null);
        updating.pending = "Updating";
        assertThat(MappingStatus.derive(updating, null, null).state()).isEqualTo("Updating");

        MappingRecord neverRan = record(null, null);
        assertThat(MappingStatus.derive(neverRan, null, null))
                .isEqualTo(new MappingStatus("Disabled", "USER_INITIATED", "OK"));

        MappingRecord failedUpdate = record("j1", null);
        failedUpdate.lastError = "the update was not applied";
        assertThat(MappingStatus.derive(failedUpdate, job("FINISHED"), null).lastProcessingResult())
                .isEqualTo("PROBLEM: the update was not applied");

        MappingRecord forgotten = record("j1", null);
        forgotten.savepoint = "file:/sp/savepoint-1";
        MappingStatus s = MappingStatus.derive(forgotten, null, null);
        assertThat(s.state()).isEqualTo("Disabled");
        assertThat(s.lastProcessingResult()).startsWith("PROBLEM: the Flink cluster does not know job j1")
                .endsWith("from file:/sp/savepoint-1");
    }
}
