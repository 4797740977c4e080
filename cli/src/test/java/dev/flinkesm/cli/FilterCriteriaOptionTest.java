package dev.flinkesm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flinkesm.config.EventSourceMapping;
import dev.flinkesm.config.MappingParser;
import org.junit.jupiter.api.Test;

/** {@code esm create|update --filter-criteria}: the AWS CLI's JSON, {@code {}} removing the filters. */
class FilterCriteriaOptionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MAPPING = "{\"FunctionName\":\"demo-logger\",\"Topics\":[\"orders\"],"
            + "\"StartingPosition\":\"TRIM_HORIZON\","
            + "\"SelfManagedEventSource\":{\"Endpoints\":{\"KAFKA_BOOTSTRAP_SERVERS\":[\"localhost:9092\"]}}}";
    private static final String PREFIX_AB =
            "{\"Filters\":[{\"Pattern\":\"{ \\\"value\\\" : { \\\"device_ID\\\" : [ { \\\"prefix\\\": \\\"AB\\\" } ] } }\"}]}";

    @Test
    void createTakesTheFilterCriteriaOfTheAwsCli() {
        Create create = new Create();
        create.input = MAPPING;
        create.filter = PREFIX_AB;
        assertThat(MappingParser.parse(create.mappingJson()).filterPatterns())
                .containsExactly("{ \"value\" : { \"device_ID\" : [ { \"prefix\": \"AB\" } ] } }");
    }

    @Test
    void createWithoutTheOptionKeepsTheInputAsGiven() {
        Create create = new Create();
        create.input = MAPPING;
        assertThat(create.mappingJson()).isEqualTo(MAPPING);
    }

    @Test
    void updateChangesAndRemovesFilters() throws Exception {
        ObjectNode stored = (ObjectNode) JSON.readTree(MappingParser.parse(MAPPING).toJson());
        Update set = new Update();
        set.filter = PREFIX_AB;
        EventSourceMapping filtered = UpdateRules.apply(stored, set.changes());
        assertThat(filtered.filterPatterns()).hasSize(1);

        Update remove = new Update();
        remove.filter = "{}";
        ObjectNode withFilter = (ObjectNode) JSON.readTree(filtered.toJson());
        EventSourceMapping unfiltered = UpdateRules.apply(withFilter, remove.changes());
        assertThat(unfiltered.filterPatterns()).isEmpty();
        assertThat(UpdateRules.needsRestart(withFilter, (ObjectNode) JSON.readTree(unfiltered.toJson()))).isTrue();
    }

    @Test
    void anInvalidPatternIsRefusedAsEsmConfigNotValid() throws Exception {
        ObjectNode stored = (ObjectNode) JSON.readTree(MappingParser.parse(MAPPING).toJson());
        Update update = new Update();
        update.filter = "{\"Filters\":[{\"Pattern\":\"{\\\"value\\\":[]}\"}]}";
        assertThatThrownBy(() -> UpdateRules.apply(stored, update.changes()))
                .isInstanceOf(EsmError.class)
                .hasMessage("ESM_CONFIG_NOT_VALID: FilterCriteria.Filters[0].Pattern is not a valid filter pattern: "
                        + "Empty arrays are not allowed (line 1, column 12)");
    }
}
