package dev.flinkesm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flinkesm.config.EventSourceMapping;
import dev.flinkesm.config.Field;
import dev.flinkesm.config.MappingFields;
import dev.flinkesm.config.MappingParser;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class UpdateRulesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ObjectNode stored() throws Exception {
        String m = "{\"FunctionName\":\"demo-logger\",\"Topics\":[\"orders\"],\"StartingPosition\":\"TRIM_HORIZON\","
                + "\"SelfManagedEventSource\":{\"Endpoints\":{\"KAFKA_BOOTSTRAP_SERVERS\":[\"localhost:9092\"]}},"
                + "\"BatchSize\":100}";
        return (ObjectNode) JSON.readTree(MappingParser.parse(m).toJson());
    }

    private static ObjectNode changes(String json) throws Exception {
        return (ObjectNode) JSON.readTree(json);
    }

    @Test
    void allowedFieldsChangeAndTheRestStays() throws Exception {
        ObjectNode before = stored();
        EventSourceMapping after = UpdateRules.apply(before, changes(
                "{\"UUID\":\"x\",\"BatchSize\":7,\"MaximumBatchingWindowInSeconds\":3,\"FunctionName\":\"other\"}"));
        assertThat(after.batchSize()).isEqualTo(7);
        assertThat(after.maximumBatchingWindow().toSeconds()).isEqualTo(3);
        assertThat(after.functionName()).isEqualTo("other");
        assertThat(after.uuid()).isEqualTo(before.path("UUID").asText()); // the UUID never changes
        assertThat(after.consumerGroupId()).isEqualTo(before.path("UUID").asText());
        assertThat(after.topics()).containsExactly("orders");
    }

    @Test
    void createOnlyFieldsAreRefusedWithBotocoresMessage() {
        for (String field : new String[] {"Topics", "StartingPosition", "StartingPositionTimestamp",
            "SelfManagedEventSource", "EventSourceArn", "SelfManagedKafkaEventSourceConfig",
            "AmazonManagedKafkaEventSourceConfig"}) {
            assertThatThrownBy(() -> UpdateRules.apply(stored(), changes("{\"" + field + "\":null}")))
                    .isInstanceOf(EsmError.class)
                    .satisfies(e -> {
                        EsmError err = (EsmError) e;
                        assertThat(err.exitCode()).isEqualTo(252);
                        assertThat(err.getMessage()).isEqualTo("Parameter validation failed:\nUnknown parameter in "
                                + "input: \"" + field + "\", must be one of: " + String.join(", ", UpdateRules.UPDATABLE));
                    });
        }
    }

    /** esm update and UpdateEventSourceMapping take a field exactly when the job's field table says so. */
    @Test
    void updateTakesExactlyTheFieldsTheTableDeclaresUpdatable() {
        assertThat(MappingFields.all()).isNotEmpty();
        for (Field<?> field : MappingFields.all()) {
            ObjectNode change = JSON.createObjectNode().putNull(field.name());
            if (field.updatable()) {
                UpdateRules.check(change);
            } else {
                assertThatThrownBy(() -> UpdateRules.check(change)).as(field.name())
                        .isInstanceOf(EsmError.class).hasMessageContaining("\"" + field.name() + "\", must be one of");
            }
        }
        assertThat(UpdateRules.UPDATABLE).containsExactlyInAnyOrderElementsOf(
                MappingFields.all().stream().filter(Field::updatable).map(Field::name).toList());
    }

    @Test
    void theFilterQuotaOfTheJobArgumentsAppliesToUpdatesAndCreates() throws Exception {
        String six = "{\"FilterCriteria\":{\"Filters\":["
                + String.join(",", Collections.nCopies(6, "{\"Pattern\":\"{\\\"partition\\\":[0]}\"}")) + "]}}";
        assertThatThrownBy(() -> UpdateRules.apply(stored(), changes(six), List.of()))
                .isInstanceOf(EsmError.class)
                .hasMessage("ESM_CONFIG_NOT_VALID: FilterCriteria.Filters has 6 filters; at most 5 are allowed (AWS's"
                        + " default quota); the job option --max-filters raises it up to 10, as an AWS quota increase"
                        + " does");
        assertThat(UpdateRules.apply(stored(), changes(six), List.of("--max-filters", "6")).filterPatterns())
                .hasSize(6);
        assertThat(UpdateRules.apply(stored(), changes(six), List.of("--max-filters=10")).filterPatterns())
                .hasSize(6);
        assertThatThrownBy(() -> UpdateRules.apply(stored(), changes(six), List.of("--max-filters", "11")))
                .isInstanceOf(EsmError.class)
                .hasMessage("Parameter validation failed:\nInvalid job argument: --max-filters 11 is out of range"
                        + " 5..10 (AWS's default quota of filters per mapping, up to what a quota increase grants)")
                .satisfies(e -> assertThat(((EsmError) e).exitCode()).isEqualTo(EsmError.PARAMETERS));

        ObjectNode mapping = stored();
        mapping.remove("UUID");
        mapping.setAll(changes(six));
        // create checks the mapping before it asks for the function: the refused port is never reached
        assertThatThrownBy(() -> Esm.validate(mapping.toString(), List.of("--lambda-endpoint", "http://127.0.0.1:1")))
                .isInstanceOf(EsmError.class)
                .hasMessageStartingWith("ESM_CONFIG_NOT_VALID: FilterCriteria.Filters has 6 filters");
    }

    @Test
    void theResultIsValidatedByTheJobsParser() {
        assertThatThrownBy(() -> UpdateRules.apply(stored(), changes("{\"BatchSize\":20000}")))
                .isInstanceOf(EsmError.class)
                .hasMessage("ESM_CONFIG_NOT_VALID: BatchSize 20000 is out of range 1..10000")
                .satisfies(e -> assertThat(((EsmError) e).describe())
                        .startsWith("InvalidParameterValueException: ESM_CONFIG_NOT_VALID"));
    }

    @Test
    void onlyEnabledChangingNeedsNoRestart() throws Exception {
        ObjectNode before = stored();
        ObjectNode disabled = (ObjectNode) JSON.readTree(
                UpdateRules.apply(before, changes("{\"Enabled\":false}")).toJson());
        assertThat(UpdateRules.needsRestart(before, disabled)).isFalse();
        ObjectNode bigger = (ObjectNode) JSON.readTree(
                UpdateRules.apply(before, changes("{\"BatchSize\":500}")).toJson());
        assertThat(UpdateRules.needsRestart(before, bigger)).isTrue();
    }
}
