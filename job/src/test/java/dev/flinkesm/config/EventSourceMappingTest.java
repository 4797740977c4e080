package dev.flinkesm.config;

import static dev.flinkesm.config.MappingJson.mapping;
import static dev.flinkesm.config.MappingJson.msk;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class EventSourceMappingTest {

    private static final String EVERYTHING =
            mapping()
                    .with("FunctionName", "\"arn:aws:lambda:eu-west-1:123456789012:function:orders:live\"")
                    .with("Topics", "[\"orders\",\"refunds\"]")
                    .with("StartingPosition", "\"AT_TIMESTAMP\"")
                    .with("StartingPositionTimestamp", "1700000000.123456789")
                    .with(
                            "SelfManagedEventSource",
                            "{\"Endpoints\":{\"KAFKA_BOOTSTRAP_SERVERS\":[\"b-1.example:9092\",\"b-2.example:9092\"]}}")
                    .with("SelfManagedKafkaEventSourceConfig", "{\"ConsumerGroupId\":\"orders-group\"}")
                    .with("BatchSize", "250")
                    .with("MaximumBatchingWindowInSeconds", "0")
                    .with("Enabled", "false")
                    .with(
                            "SourceAccessConfigurations",
                            "[{\"Type\":\"SASL_SCRAM_256_AUTH\",\"URI\":"
                                    + "\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:k\"},"
                                    + "{\"Type\":\"VPC_SUBNET\",\"URI\":\"subnet:subnet-1\"}]")
                    .with("FilterCriteria", "{\"Filters\":[{\"Pattern\":\"{\\\"value\\\":{\\\"a\\\":[1]}}\"}]}")
                    .with("MaximumRetryAttempts", "5")
                    .with("MaximumRecordAgeInSeconds", "600")
                    .with("BisectBatchOnFunctionError", "true")
                    .with("FunctionResponseTypes", "[\"ReportBatchItemFailures\"]")
                    .with("DestinationConfig", "{\"OnFailure\":{\"Destination\":\"kafka://orders-dlq\"}}")
                    .json();

    @Nested
    class RoundTrip {
        @Test
        void minimalMappingSurvivesToJsonAndParse() {
            EventSourceMapping m = MappingParser.parse(MappingJson.MINIMAL);
            assertThat(MappingParser.parse(m.toJson())).isEqualTo(m).hasSameHashCodeAs(m);
        }

        @Test
        void mskMappingSurvivesToJsonAndParse() {
            EventSourceMapping m = MappingParser.parse(msk().with("BatchSize", "10").json());
            assertThat(MappingParser.parse(m.toJson())).isEqualTo(m);
        }

        @Test
        void everyFieldSurvivesToJsonAndParseWhenEnabled() {
            EventSourceMapping m = MappingParser.parse(EVERYTHING, Set.of());
            EventSourceMapping again = MappingParser.parse(m.toJson(), Set.of());
            assertThat(again).isEqualTo(m).hasSameHashCodeAs(m);
            assertThat(again.startingPositionTimestamp()).isEqualTo(m.startingPositionTimestamp());
            assertThat(m.toJson()).contains("\"StartingPositionTimestamp\":1700000000.123456789");
        }

        @Test
        void canonicalJsonWritesTheResolvedUuidAndConsumerGroup() {
            EventSourceMapping m = MappingParser.parse(MappingJson.MINIMAL);
            assertThat(m.toJson())
                    .isEqualTo(
                            "{\"UUID\":\"" + m.uuid() + "\",\"FunctionName\":\"demo-logger\","
                                    + "\"Topics\":[\"demo-events\"],\"StartingPosition\":\"TRIM_HORIZON\","
                                    + "\"SelfManagedEventSource\":{\"Endpoints\":"
                                    + "{\"KAFKA_BOOTSTRAP_SERVERS\":[\"localhost:9092\"]}},"
                                    + "\"SelfManagedKafkaEventSourceConfig\":{\"ConsumerGroupId\":\"" + m.uuid()
                                    + "\"},\"BatchSize\":100,\"Enabled\":true}");
        }

        @Test
        void wholeSecondTimestampsAreWrittenAsIntegers() {
            EventSourceMapping m =
                    MappingParser.parse(
                            mapping()
                                    .with("StartingPosition", "\"AT_TIMESTAMP\"")
                                    .with("StartingPositionTimestamp", "1700000000.0")
                                    .json());
            assertThat(m.toJson()).contains("\"StartingPositionTimestamp\":1700000000,");
        }
    }

    @Nested
    class Equality {
        @Test
        void mappingsDifferingInOneFieldAreNotEqual() {
            EventSourceMapping a = MappingParser.parse(MappingJson.MINIMAL);
            EventSourceMapping b = MappingParser.parse(mapping().with("BatchSize", "101").json());
            assertThat(a).isNotEqualTo(b);
        }

        @Test
        void toStringIsTheCanonicalJson() {
            EventSourceMapping m = MappingParser.parse(MappingJson.MINIMAL);
            assertThat(m).hasToString(m.toJson());
        }
    }

    @Nested
    class Serialization {
        @Test
        void javaSerializationKeepsEveryField() throws IOException, ClassNotFoundException {
            EventSourceMapping m = MappingParser.parse(EVERYTHING, Set.of());
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(m);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                assertThat(in.readObject()).isEqualTo(m);
            }
        }
    }
}
