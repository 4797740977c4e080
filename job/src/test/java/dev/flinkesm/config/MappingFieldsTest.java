package dev.flinkesm.config;

import static dev.flinkesm.config.MappingJson.mapping;
import static dev.flinkesm.config.MappingJson.msk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.services.lambda.model.CreateEventSourceMappingRequest;
import software.amazon.awssdk.services.lambda.model.UpdateEventSourceMappingRequest;

/** Walks the field table: every entry does what it declares, and the table agrees with AWS's API model. */
class MappingFieldsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A Kafka field set to {@code json} on {@code base}, a value other than the one in the valid mapping {@code
     * before}, and that value in canonical JSON.
     */
    private record Sample(MappingJson base, String before, String json, String canonical) {
        Sample(MappingJson base, String json) {
            this(base, base.json(), json, json);
        }

        Sample(MappingJson base, String json, String canonical) {
            this(base, base.json(), json, canonical);
        }
    }

    /** One per Kafka field of the table; {@link #everyKafkaFieldHasASample()} fails when a new field has none. */
    private static Map<String, Sample> samples() {
        Map<String, Sample> s = new LinkedHashMap<>();
        s.put("UUID", new Sample(mapping(), "\"0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0\"",
                "\"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\""));
        s.put("FunctionName", new Sample(mapping(), "\"arn:aws:lambda:eu-west-1:123456789012:function:f:live\""));
        s.put("Topics", new Sample(mapping(), "[\"orders\",\"refunds\"]"));
        s.put("StartingPosition", new Sample(mapping(), "\"LATEST\""));
        s.put("StartingPositionTimestamp", new Sample(mapping().with("StartingPosition", "\"AT_TIMESTAMP\""),
                MappingJson.MINIMAL, "\"2023-11-14T22:13:20.5Z\"", "1700000000.5"));
        s.put("SelfManagedEventSource", new Sample(mapping(),
                "{\"Endpoints\":{\"KAFKA_BOOTSTRAP_SERVERS\":[\"b-1:9092\",\"b-2:9093\"]}}"));
        s.put("EventSourceArn", new Sample(msk(), "\"arn:aws:kafka:eu-west-1:123456789012:cluster/other/xyz-2\""));
        s.put("SelfManagedKafkaEventSourceConfig", new Sample(mapping(), "{\"ConsumerGroupId\":\"orders/v2\"}"));
        s.put("AmazonManagedKafkaEventSourceConfig", new Sample(msk(), "{\"ConsumerGroupId\":\"g-1\"}"));
        s.put("BatchSize", new Sample(mapping(), "250"));
        s.put("MaximumBatchingWindowInSeconds", new Sample(mapping(), "7"));
        s.put("Enabled", new Sample(mapping(), "false"));
        s.put("SourceAccessConfigurations", new Sample(mapping(),
                "[{\"Type\":\"SASL_SCRAM_512_AUTH\",\"URI\":\"arn:aws:secretsmanager:eu-west-1:123456789012:secret:k\"}]"));
        s.put("FilterCriteria", new Sample(mapping(), "{\"Filters\":[{\"Pattern\":\"{\\\"value\\\":{\\\"a\\\":[1]}}\"}]}"));
        s.put("MaximumRetryAttempts", new Sample(mapping(), "5"));
        s.put("MaximumRecordAgeInSeconds", new Sample(mapping(), "600"));
        s.put("BisectBatchOnFunctionError", new Sample(mapping(), "true"));
        s.put("FunctionResponseTypes", new Sample(mapping(), "[\"ReportBatchItemFailures\"]"));
        s.put("DestinationConfig", new Sample(mapping(), "{\"OnFailure\":{\"Destination\":\"kafka://orders-dlq\"}}"));
        return s;
    }

    /** A value for each field without effect off AWS. */
    private static final Map<String, String> NO_EFFECT_VALUES = Map.of(
            "Tags", "{\"team\":\"a\"}",
            "KMSKeyArn", "\"arn:aws:kms:us-east-1:123456789012:key/abc\"",
            "MetricsConfig", "{\"Metrics\":[\"EventCount\"]}",
            "ProvisionedPollerConfig", "{\"MinimumPollers\":1}",
            "ScalingConfig", "{\"MaximumConcurrency\":2}",
            "LoggingConfig", "{\"SystemLogLevel\":\"INFO\"}");

    private static List<String> names(Field.Kind kind) {
        return MappingFields.all().stream().filter(f -> f.kind() == kind).map(Field::name).toList();
    }

    @Nested
    class KafkaFields {
        @Test
        void everyKafkaFieldHasASample() {
            assertThat(samples().keySet()).containsExactlyElementsOf(names(Field.Kind.KAFKA));
        }

        @Test
        void eachFieldCarriesItsValueIntoTheMappingAndBackOutThroughToJson() throws Exception {
            for (Field<?> field : MappingFields.all()) {
                if (field.kind() != Field.Kind.KAFKA) {
                    continue;
                }
                Sample sample = samples().get(field.name());
                EventSourceMapping base = MappingParser.parse(sample.before());
                EventSourceMapping m = MappingParser.parse(sample.base().with(field.name(), sample.json()).json());
                assertThat(field.valueIn(m)).as(field.name()).isNotEqualTo(field.valueIn(base));
                JsonNode written = JSON.readTree(m.toJson()).get(field.name());
                assertThat(written).as(field.name()).isEqualTo(JSON.readTree(sample.canonical()));
                EventSourceMapping again = MappingParser.parse(m.toJson());
                assertThat(again).as(field.name()).isEqualTo(m);
                assertThat(field.valueIn(again)).as(field.name()).isEqualTo(field.valueIn(m));
            }
        }

        @Test
        void absentFieldsGetTheirDefaultAndOnlyBatchSizeAndEnabledAreWrittenAtIt() throws Exception {
            EventSourceMapping minimal = MappingParser.parse(MappingJson.MINIMAL);
            JsonNode json = JSON.readTree(minimal.toJson());
            List<String> writtenAtDefault = MappingFields.all().stream()
                    .filter(f -> f.kind() == Field.Kind.KAFKA && f.defaultValue() != null)
                    .peek(f -> assertThat(f.valueIn(minimal)).as(f.name()).isEqualTo(f.defaultValue()))
                    .map(Field::name)
                    .filter(json::has)
                    .toList();
            assertThat(writtenAtDefault).containsExactly("BatchSize", "Enabled");
        }

        @Test
        void canonicalJsonListsTheFieldsInTableOrder() throws Exception {
            Map<String, Sample> samples = samples();
            MappingJson every = mapping().with("StartingPosition", "\"AT_TIMESTAMP\"");
            for (String name : names(Field.Kind.KAFKA)) {
                if (!Set.of("EventSourceArn", "AmazonManagedKafkaEventSourceConfig", "StartingPosition")
                        .contains(name)) {
                    every.with(name, samples.get(name).json());
                }
            }
            List<String> written = iterable(JSON.readTree(MappingParser.parse(every.json()).toJson()).fieldNames());
            assertThat(written).containsExactlyElementsOf(names(Field.Kind.KAFKA).stream()
                    .filter(n -> !Set.of("EventSourceArn", "AmazonManagedKafkaEventSourceConfig").contains(n))
                    .toList());
        }
    }

    @Nested
    class OtherFields {
        @Test
        void fieldsWithoutEffectOffAwsAreAcceptedAndNeverWritten() {
            assertThat(NO_EFFECT_VALUES.keySet()).containsExactlyInAnyOrderElementsOf(names(Field.Kind.NO_EFFECT_OFF_AWS));
            EventSourceMapping minimal = MappingParser.parse(MappingJson.MINIMAL);
            NO_EFFECT_VALUES.forEach((name, value) -> {
                EventSourceMapping m = MappingParser.parse(mapping().with(name, value).json());
                assertThat(m).as(name).isEqualTo(minimal);
                assertThat(m.toJson()).as(name).doesNotContain("\"" + name + "\"");
            });
        }

        @Test
        void fieldsOfOtherSourcesAreViolationsNamingTheirSources() {
            for (Field<?> field : MappingFields.all()) {
                if (field.kind() == Field.Kind.OTHER_SOURCES_ONLY) {
                    assertThat(catchThrowableOfType(MappingValidationException.class,
                                    () -> MappingParser.parse(mapping().with(field.name(), "1").json()))
                            .violations())
                            .containsExactly(field.name() + " does not apply to Kafka (" + field.note() + " only)");
                }
            }
        }
    }

    @Nested
    class AgainstAwsApi {
        private final Set<String> update = sdkNames(UpdateEventSourceMappingRequest.builder().build().sdkFields());
        private final Set<String> create = sdkNames(CreateEventSourceMappingRequest.builder().build().sdkFields());

        /** The list the AWS CLI prints for an unknown update parameter, as docs/esm.md shows it. */
        @Test
        void updatableFieldsAreTheAwsClisListInItsOrder() {
            assertThat(MappingFields.updatable()).containsExactly(
                    "UUID", "FunctionName", "Enabled", "BatchSize", "FilterCriteria", "MaximumBatchingWindowInSeconds",
                    "DestinationConfig", "MaximumRecordAgeInSeconds", "BisectBatchOnFunctionError",
                    "MaximumRetryAttempts", "ParallelizationFactor", "SourceAccessConfigurations",
                    "TumblingWindowInSeconds", "FunctionResponseTypes", "ScalingConfig", "DocumentDBEventSourceConfig",
                    "KMSKeyArn", "MetricsConfig", "ProvisionedPollerConfig");
        }

        @Test
        void everyFieldIsSpelledAsCreateEventSourceMappingSpellsIt() {
            for (Field<?> field : MappingFields.all()) {
                if (!field.name().equals("UUID")) { // ours: AWS assigns it
                    assertThat(create).as(field.name()).contains(field.name());
                }
            }
        }

        /**
         * The SDK's model (2.57.8) is newer than the AWS CLI list esm mirrors: it also takes LoggingConfig (no effect
         * here) and the two Kafka configs on update, for their SchemaRegistryConfig, which is not supported here; their
         * ConsumerGroupId, AWS's reference says, cannot be updated after the mapping is created.
         */
        @Test
        void updatableFieldsAreExactlyWhatUpdateEventSourceMappingTakesButForNewerParameters() {
            Set<String> newer = Set.of(
                    "LoggingConfig", "SelfManagedKafkaEventSourceConfig", "AmazonManagedKafkaEventSourceConfig");
            for (Field<?> field : MappingFields.all()) {
                boolean awsUpdates = update.contains(field.name()) && !newer.contains(field.name());
                assertThat(field.updatable()).as(field.name()).isEqualTo(awsUpdates);
            }
            assertThat(update).containsAll(newer);
        }

        private Set<String> sdkNames(List<SdkField<?>> fields) {
            return fields.stream().map(SdkField::locationName).collect(Collectors.toSet());
        }
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }
}
