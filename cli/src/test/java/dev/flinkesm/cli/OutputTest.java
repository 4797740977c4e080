package dev.flinkesm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flinkesm.config.MappingParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Output.Account ACCOUNT = new Output.Account("eu-west-1", "123456789012");

    private static MappingRecord record() throws Exception {
        String m = "{\"FunctionName\":\"demo-logger\",\"Topics\":[\"orders\"],\"StartingPosition\":\"LATEST\","
                + "\"SelfManagedEventSource\":{\"Endpoints\":{\"KAFKA_BOOTSTRAP_SERVERS\":[\"b1:9092\",\"b2:9092\"]}},"
                + "\"BatchSize\":50,\"MaximumBatchingWindowInSeconds\":2}";
        MappingRecord r = new MappingRecord();
        r.mapping = (ObjectNode) JSON.readTree(MappingParser.parse(m).toJson());
        r.uuid = r.mapping.path("UUID").asText();
        r.jobId = "0123456789abcdef0123456789abcdef";
        r.lastModified = "2026-01-02T03:04:05.678Z";
        return r;
    }

    @Test
    void jsonHasAwsFieldsInAwsOrderAndLayout() throws Exception {
        MappingRecord r = record();
        ObjectNode c = Output.configuration(r, new MappingStatus("Enabled", "USER_INITIATED", "OK"), ACCOUNT);
        assertThat(c.fieldNames()).toIterable().containsExactly("UUID", "StartingPosition", "BatchSize",
                "MaximumBatchingWindowInSeconds", "FunctionArn", "LastModified", "LastProcessingResult", "State",
                "StateTransitionReason", "Topics", "SelfManagedEventSource", "SelfManagedKafkaEventSourceConfig",
                "EventSourceMappingArn");
        assertThat(c.path("FunctionArn").asText()).isEqualTo("arn:aws:lambda:eu-west-1:123456789012:function:demo-logger");
        assertThat(c.path("EventSourceMappingArn").asText())
                .isEqualTo("arn:aws:lambda:eu-west-1:123456789012:event-source-mapping:" + r.uuid);
        assertThat(c.path("LastModified").asText()).isEqualTo("2026-01-02T03:04:05.678000+00:00");
        String text = Output.json(c);
        assertThat(text).startsWith("{\n    \"UUID\": \"" + r.uuid + "\",\n")
                .contains("    \"Topics\": [\n        \"orders\"\n    ],");
    }

    @Test
    void functionArnsKeepQualifiersAndCompletePartialArns() {
        assertThat(Output.functionArn("arn:aws:lambda:us-west-2:111111111111:function:f:live", ACCOUNT))
                .isEqualTo("arn:aws:lambda:us-west-2:111111111111:function:f:live");
        assertThat(Output.functionArn("111111111111:function:f", ACCOUNT))
                .isEqualTo("arn:aws:lambda:eu-west-1:111111111111:function:f");
        assertThat(Output.functionArn("f:PROD", ACCOUNT)).isEqualTo("arn:aws:lambda:eu-west-1:123456789012:function:f:PROD");
    }

    @Test
    void tablesForPeople() throws Exception {
        MappingRecord r = record();
        ObjectNode c = Output.configuration(r, new MappingStatus("Disabled", "FUNCTION_CONFIG_NOT_VALID",
                "PROBLEM: Function demo-logger cannot be invoked"), ACCOUNT);
        String one = Output.table(c, r);
        assertThat(one).contains("State                              Disabled")
                .contains("Topics                             orders")
                .contains("(Flink job)                        0123456789abcdef0123456789abcdef");
        String list = Output.listTable(List.of(c));
        assertThat(list.lines()).hasSize(2);
        assertThat(list.lines().findFirst().orElseThrow())
                .startsWith("UUID").contains("STATE").contains("LAST PROCESSING RESULT");
        assertThat(list).contains("Disabled  FUNCTION_CONFIG_NOT_VALID  demo-logger  orders  50     PROBLEM: Function");
    }

    @Test
    void errorsLookLikeTheAwsClisAndExitNonZero(@TempDir Path store) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Map<String, String> env = Map.of("ESM_STORE", store.toString(), "ESM_FLINK_URL", "http://127.0.0.1:1");
        int code = EsmCli.run(env, new PrintWriter(out), new PrintWriter(err),
                "get", "--uuid", "711a3ab4-279c-3953-abfa-139a2051eac7");
        assertThat(code).isEqualTo(254);
        assertThat(err.toString().trim()).isEqualTo("ResourceNotFoundException: The resource you requested does not exist.");

        err.getBuffer().setLength(0);
        code = EsmCli.run(env, new PrintWriter(out), new PrintWriter(err), "create", "--cli-input-json",
                "{\"FunctionName\":\"f\",\"Topics\":[\"t\"],\"StartingPosition\":\"LATEST\",\"BatchSize\":0,"
                        + "\"SelfManagedEventSource\":{\"Endpoints\":{\"KAFKA_BOOTSTRAP_SERVERS\":[\"h:1\"]}}}");
        assertThat(code).isEqualTo(254);
        assertThat(err.toString()).startsWith("InvalidParameterValueException: ESM_CONFIG_NOT_VALID: BatchSize 0");

        err.getBuffer().setLength(0);
        code = EsmCli.run(env, new PrintWriter(out), new PrintWriter(err), "list", "--output", "table");
        assertThat(code).isZero();
        assertThat(out.toString()).startsWith("UUID");
        assertThat(err.toString()).isEmpty();
    }
}
