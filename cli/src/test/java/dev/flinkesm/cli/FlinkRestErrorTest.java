package dev.flinkesm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FlinkRestErrorTest {

    @Test
    void aJarRunFailureNamesTheJobsOwnReasonFromTheStackTrace() {
        // POST /jars/{id}/run when the job's main throws (Flink 2.2: summary, then the stringified trace).
        String body = "{\"errors\":[\"org.apache.flink.runtime.rest.handler.RestHandlerException: Could not execute "
                + "application.\\n\\tat org.apache.flink.runtime.webmonitor.handlers.JarRunHandler.lambda$handleRequest$1"
                + "\\nCaused by: java.util.concurrent.CompletionException: org.apache.flink.util.FlinkRuntimeException: "
                + "Could not execute application.\\nCaused by: org.apache.flink.client.program.ProgramInvocationException: "
                + "The main method caused an error: ESM_CONFIG_NOT_VALID: BatchSize 20000 is out of range 1..10000\\n"
                + "Caused by: dev.flinkesm.config.MappingValidationException: ESM_CONFIG_NOT_VALID: BatchSize 20000 is "
                + "out of range 1..10000\\n\\tat dev.flinkesm.config.MappingParser.parse(MappingParser.java:1)\"]}";
        FlinkRest.HttpError e = new FlinkRest.HttpError("POST /jars/x/run", 400, body);
        assertThat(e.getMessage()).isEqualTo("POST /jars/x/run -> HTTP 400: org.apache.flink.runtime.rest.handler."
                + "RestHandlerException: Could not execute application. Caused by: "
                + "dev.flinkesm.config.MappingValidationException: ESM_CONFIG_NOT_VALID: BatchSize 20000 is out of "
                + "range 1..10000");
    }

    @Test
    void aPlainErrorKeepsItsFirstLine() {
        FlinkRest.HttpError e = new FlinkRest.HttpError("GET /jobs/j", 404, "{\"errors\":[\"Job j not found\"]}");
        assertThat(e.getMessage()).isEqualTo("GET /jobs/j -> HTTP 404: Job j not found");
    }
}
