package dev.flinkesm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flinkesm.config.EventSourceMapping;
import dev.flinkesm.config.MappingParser;
import org.junit.jupiter.api.Test;

class CloudFormationPropertiesTest {
    private static final String PROPERTIES = "{\"FunctionName\":\"orders-fn\",\"Topics\":[\"orders\"],"
            + "\"StartingPosition\":\"TRIM_HORIZON\",\"BatchSize\":200,"
            + "\"SelfManagedEventSource\":{\"Endpoints\":{\"KafkaBootstrapServers\":[\"k1:9092\",\"k2:9092\"]}},"
            + "\"SelfManagedKafkaEventSourceConfig\":{\"ConsumerGroupId\":\"orders-group\"},"
            + "\"Tags\":[{\"Key\":\"team\",\"Value\":\"payments\"}]}";
    private static final String API = "{\"FunctionName\":\"orders-fn\",\"Topics\":[\"orders\"],"
            + "\"StartingPosition\":\"TRIM_HORIZON\",\"BatchSize\":200,"
            + "\"SelfManagedEventSource\":{\"Endpoints\":{\"KAFKA_BOOTSTRAP_SERVERS\":[\"k1:9092\",\"k2:9092\"]}},"
            + "\"SelfManagedKafkaEventSourceConfig\":{\"ConsumerGroupId\":\"orders-group\"},"
            + "\"Tags\":{\"team\":\"payments\"}}";

    private static EventSourceMapping parsed(String json) {
        return MappingParser.parse(CloudFormationProperties.toApiJson(json));
    }

    @Test
    void bareProperties_resource_andTemplate_giveTheSameMappingAsTheApiRequest() {
        EventSourceMapping expected = MappingParser.parse(API);
        assertThat(parsed(PROPERTIES)).isEqualTo(expected);
        assertThat(parsed("{\"Type\":\"AWS::Lambda::EventSourceMapping\",\"Properties\":" + PROPERTIES + "}"))
                .isEqualTo(expected);
        assertThat(parsed("{\"AWSTemplateFormatVersion\":\"2010-09-09\",\"Resources\":{\"Fn\":{\"Type\":"
                + "\"AWS::Serverless::Function\",\"Properties\":{}},\"Esm\":{\"Type\":"
                + "\"AWS::Lambda::EventSourceMapping\",\"Properties\":" + PROPERTIES + "}}}")).isEqualTo(expected);
        assertThat(expected.bootstrapServers()).hasValue("k1:9092,k2:9092");
    }

    @Test
    void anApiRequestPassesUnchanged() {
        assertThat(CloudFormationProperties.toApiJson(API)).isSameAs(API);
    }

    @Test
    void aTemplateWithTwoMappingsOrAnUnresolvedReferenceIsRefused() {
        String resource = "{\"Type\":\"AWS::Lambda::EventSourceMapping\",\"Properties\":" + PROPERTIES + "}";
        assertThatThrownBy(() -> CloudFormationProperties.toApiJson("{\"Resources\":{\"A\":" + resource + ",\"B\":"
                + resource + "}}")).hasMessageContaining("The template has 2 resources");
        assertThatThrownBy(() -> CloudFormationProperties.toApiJson(PROPERTIES.replace("\"orders-fn\"",
                "{\"Ref\":\"OrdersFunction\"}"))).isInstanceOf(EsmError.class)
                .hasMessageContaining("FunctionName is an intrinsic function");
    }
}
