package dev.flinkesm.config;

import static dev.flinkesm.config.MappingJson.mapping;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MappingUuidTest {

    @Test
    void sameInputsGiveTheSameUuid() {
        assertThat(MappingUuid.derive("f", List.of("a", "b"), "h1:9092,h2:9092"))
                .isEqualTo(MappingUuid.derive("f", List.of("a", "b"), "h1:9092,h2:9092"));
    }

    @Test
    void orderOfTopicsAndServersDoesNotMatter() {
        assertThat(MappingUuid.derive("f", List.of("b", "a"), "h2:9092, h1:9092"))
                .isEqualTo(MappingUuid.derive("f", List.of("a", "b"), "h1:9092,h2:9092"));
    }

    @Test
    void functionTopicsAndClusterEachChangeTheUuid() {
        String base = MappingUuid.derive("f", List.of("a"), "h:9092");
        assertThat(MappingUuid.derive("g", List.of("a"), "h:9092")).isNotEqualTo(base);
        assertThat(MappingUuid.derive("f", List.of("b"), "h:9092")).isNotEqualTo(base);
        assertThat(MappingUuid.derive("f", List.of("a"), "k:9092")).isNotEqualTo(base);
    }

    @Test
    void isAValidNameBasedUuid() {
        UUID uuid = UUID.fromString(MappingUuid.derive("f", List.of("a"), "h:9092"));
        assertThat(uuid.version()).isEqualTo(3);
    }

    @Test
    void aRestartWithoutSavepointFindsTheSameConsumerGroup() {
        String json = mapping().with("Topics", "[\"x\",\"y\"]").json();
        assertThat(MappingParser.parse(json).consumerGroupId())
                .isEqualTo(MappingParser.parse(json).consumerGroupId())
                .isEqualTo(MappingUuid.derive("demo-logger", List.of("x", "y"), "localhost:9092"));
    }

    @Test
    void anExplicitUuidWinsAndBecomesTheConsumerGroup() {
        String uuid = "6c2c6b28-4b4e-4f5e-9f0a-2b1d2f7a9c11";
        EventSourceMapping m = MappingParser.parse(mapping().with("UUID", '"' + uuid + '"').json());
        assertThat(m.uuid()).isEqualTo(uuid);
        assertThat(m.consumerGroupId()).isEqualTo(uuid);
    }

    @Test
    void anExplicitConsumerGroupWinsOverTheUuid() {
        EventSourceMapping m =
                MappingParser.parse(
                        mapping().with("SelfManagedKafkaEventSourceConfig", "{\"ConsumerGroupId\":\"mine\"}").json());
        assertThat(m.consumerGroupId()).isEqualTo("mine");
        assertThat(m.uuid()).isNotEqualTo("mine");
    }
}
