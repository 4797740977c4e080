package dev.flinkesm.config;

import static dev.flinkesm.config.MappingJson.mapping;
import static dev.flinkesm.config.MappingJson.msk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.flinkesm.filter.FilterQuota;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MappingParserTest {

    /** A string as a JSON string literal. */
    private static final java.util.function.Function<String, String> JSON_TEXT =
            text -> new com.fasterxml.jackson.databind.node.TextNode(text).toString();

    /** Parses as if every field were enabled: validation of NOT_YET_SUPPORTED fields is tested in isolation. */
    private static final Set<String> ALL_ENABLED = Set.of();

    private static List<String> violations(MappingJson mapping) {
        return violations(mapping.json());
    }

    private static List<String> violations(String json) {
        return catchThrowableOfType(MappingValidationException.class, () -> MappingParser.parse(json))
                .violations();
    }

    private static List<String> violationsWithAllEnabled(MappingJson mapping) {
        return catchThrowableOfType(
                        MappingValidationException.class, () -> MappingParser.parse(mapping.json(), ALL_ENABLED))
                .violations();
    }

    private static EventSourceMapping parseWithAllEnabled(MappingJson mapping) {
        return MappingParser.parse(mapping.json(), ALL_ENABLED);
    }

    @Nested
    class Defaults {
        private final EventSourceMapping m = MappingParser.parse(MappingJson.MINIMAL);

        @Test
        void batchSizeIs100() {
            assertThat(m.batchSize()).isEqualTo(100);
        }

        @Test
        void batchingWindowIsHalfASecondWhenTheFieldIsAbsent() {
            assertThat(m.maximumBatchingWindow()).isEqualTo(Duration.ofMillis(500));
        }

        @Test
        void errorHandlingRetriesForeverWithoutAgeLimitBisectOrPartialResponses() {
            assertThat(m.maximumRetryAttempts()).isEqualTo(-1);
            assertThat(m.maximumRecordAgeInSeconds()).isEqualTo(-1);
            assertThat(m.bisectBatchOnFunctionError()).isFalse();
            assertThat(m.reportBatchItemFailures()).isFalse();
            assertThat(m.onFailureDestination()).isEmpty();
        }

        @Test
        void mappingIsEnabledWithoutAccessConfigurationsOrFilters() {
            assertThat(m.enabled()).isTrue();
            assertThat(m.sourceAccessConfigurations()).isEmpty();
            assertThat(m.filterPatterns()).isEmpty();
        }

        @Test
        void consumerGroupIsTheUuid() {
            assertThat(m.consumerGroupId()).isEqualTo(m.uuid());
        }

        @Test
        void uuidIsDerivedFromFunctionTopicsAndServers() {
            assertThat(m.uuid())
                    .isEqualTo(MappingUuid.derive("demo-logger", List.of("demo-events"), "localhost:9092"));
        }

        @Test
        void selfManagedSourceHasServersAndNoArn() {
            assertThat(m.isMsk()).isFalse();
            assertThat(m.bootstrapServers()).contains("localhost:9092");
            assertThat(m.eventSourceArn()).isEmpty();
            assertThat(m.startingPositionTimestamp()).isEmpty();
        }

        @Test
        void nullMeansAbsent() {
            assertThat(MappingParser.parse(mapping().with("BatchSize", "null").json()).batchSize()).isEqualTo(100);
        }
    }

    @Nested
    class Values {
        @Test
        void bootstrapServersAreJoinedWithCommas() {
            EventSourceMapping m =
                    MappingParser.parse(
                            mapping()
                                    .with(
                                            "SelfManagedEventSource",
                                            "{\"Endpoints\":{\"KAFKA_BOOTSTRAP_SERVERS\":[\"b-1:9092\",\"b-2:9092\"]}}")
                                    .json());
            assertThat(m.bootstrapServers()).contains("b-1:9092,b-2:9092");
        }

        @Test
        void mskMappingHasTheArnAndItsConsumerGroup() {
            EventSourceMapping m =
                    MappingParser.parse(
                            msk().with("AmazonManagedKafkaEventSourceConfig", "{\"ConsumerGroupId\":\"g-1\"}").json());
            assertThat(m.isMsk()).isTrue();
            assertThat(m.eventSourceArn()).contains("arn:aws:kafka:us-east-1:123456789012:cluster/demo/abc-1");
            assertThat(m.bootstrapServers()).isEmpty();
            assertThat(m.consumerGroupId()).isEqualTo("g-1");
        }

        @Test
        void selfManagedConsumerGroupIsUsed() {
            EventSourceMapping m =
                    MappingParser.parse(
                            mapping()
                                    .with("SelfManagedKafkaEventSourceConfig", "{\"ConsumerGroupId\":\"orders/v2\"}")
                                    .json());
            assertThat(m.consumerGroupId()).isEqualTo("orders/v2");
        }

        @Test
        void batchingWindowIsWholeSeconds() {
            assertThat(MappingParser.parse(mapping().with("MaximumBatchingWindowInSeconds", "0").json())
                            .maximumBatchingWindow())
                    .isEqualTo(Duration.ZERO);
            assertThat(MappingParser.parse(mapping().with("MaximumBatchingWindowInSeconds", "300").json())
                            .maximumBatchingWindow())
                    .isEqualTo(Duration.ofMinutes(5));
        }

        @Test
        void fractionalUnixSecondsKeepTheFraction() {
            EventSourceMapping m =
                    MappingParser.parse(
                            mapping()
                                    .with("StartingPosition", "\"AT_TIMESTAMP\"")
                                    .with("StartingPositionTimestamp", "1700000000.25")
                                    .json());
            assertThat(m.startingPositionTimestamp()).contains(Instant.ofEpochSecond(1_700_000_000L, 250_000_000));
        }

        @Test
        void timestampMayBeAnIsoDateTime() {
            EventSourceMapping m =
                    MappingParser.parse(
                            mapping()
                                    .with("StartingPosition", "\"AT_TIMESTAMP\"")
                                    .with("StartingPositionTimestamp", "\"2024-01-01T00:00:00Z\"")
                                    .json());
            assertThat(m.startingPositionTimestamp()).contains(Instant.parse("2024-01-01T00:00:00Z"));
        }

        @Test
        void functionNameIsKeptAsGivenInEveryForm() {
            for (String name :
                    List.of(
                            "my-function",
                            "my_function:$LATEST",
                            "my-function:prod",
                            "my-function:7",
                            "123456789012:function:my-function",
                            "123456789012:function:my-function:prod",
                            "arn:aws:lambda:eu-west-1:123456789012:function:my-function",
                            "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:my-function:3")) {
                assertThat(MappingParser.parse(mapping().with("FunctionName", '"' + name + '"').json())
                                .functionName())
                        .isEqualTo(name);
            }
        }

        @Test
        void explicitUuidWinsOverTheDerivedOneAndIsLowerCased() {
            EventSourceMapping m =
                    MappingParser.parse(mapping().with("UUID", "\"0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0\"").json());
            assertThat(m.uuid()).isEqualTo("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
            assertThat(m.consumerGroupId()).isEqualTo("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0");
        }

        @Test
        void fieldsWithoutEffectOffAwsAreAccepted() {
            EventSourceMapping m =
                    MappingParser.parse(
                            mapping()
                                    .with("Tags", "{\"team\":\"a\"}")
                                    .with("KMSKeyArn", "\"arn:aws:kms:us-east-1:123456789012:key/abc\"")
                                    .with("MetricsConfig", "{\"Metrics\":[\"EventCount\"]}")
                                    .with("ProvisionedPollerConfig", "{\"MinimumPollers\":1}")
                                    .with("ScalingConfig", "{\"MaximumConcurrency\":2}")
                                    .with("LoggingConfig", "{\"SystemLogLevel\":\"INFO\"}")
                                    .json());
            assertThat(m).isEqualTo(MappingParser.parse(MappingJson.MINIMAL));
        }

        @Test
        void vpcAccessConfigurationsAreAccepted() {
            EventSourceMapping m =
                    MappingParser.parse(
                            mapping()
                                    .with(
                                            "SourceAccessConfigurations",
                                            "[{\"Type\":\"VPC_SUBNET\",\"URI\":\"subnet:subnet-1\"},"
                                                    + "{\"Type\":\"VPC_SECURITY_GROUP\",\"URI\":\"security_group:sg-1\"}]")
                                    .json());
            assertThat(m.sourceAccessConfigurations())
                    .containsExactly(
                            new SourceAccessConfiguration(SourceAccessType.VPC_SUBNET, "subnet:subnet-1"),
                            new SourceAccessConfiguration(SourceAccessType.VPC_SECURITY_GROUP, "security_group:sg-1"));
        }
    }

    @Nested
    class FunctionName {
        @Test
        void isRequired() {
            assertThat(violations(mapping().without("FunctionName"))).containsExactly("FunctionName is required");
        }

        @Test
        void mustBeAString() {
            assertThat(violations(mapping().with("FunctionName", "42")))
                    .containsExactly("FunctionName 42 must be a string");
        }

        @Test
        void mustBeANameOrArn() {
            assertThat(violations(mapping().with("FunctionName", "\"my function\"")))
                    .containsExactly(
                            "FunctionName \"my function\" is not a function name (1..64 of [a-zA-Z0-9-_]), partial"
                                    + " ARN (123456789012:function:name) or function ARN"
                                    + " (arn:aws:lambda:<region>:<account>:function:name), optionally qualified"
                                    + " with :$LATEST, :<alias> or :<version>");
        }

        @Test
        void nameIsAtMost64Characters() {
            assertThat(violations(mapping().with("FunctionName", '"' + "f".repeat(65) + '"')))
                    .singleElement()
                    .asString()
                    .startsWith("FunctionName \"fffff")
                    .contains("is not a function name");
        }

        @Test
        void arnOfAnotherServiceIsRefused() {
            assertThat(violations(mapping().with("FunctionName", "\"arn:aws:sqs:eu-west-1:123456789012:function:f\"")))
                    .singleElement()
                    .asString()
                    .contains("is not a function name");
        }

        @Test
        void isAtMost140Characters() {
            String name = "arn:aws:lambda:eu-west-1:123456789012:function:" + "f".repeat(64) + ":" + "a".repeat(40);
            assertThat(violations(mapping().with("FunctionName", '"' + name + '"')))
                    .singleElement()
                    .asString()
                    .startsWith("FunctionName \"arn:aws:lambda:eu-west-1:123456789012:function:fff")
                    .endsWith("... is longer than 140 characters");
        }
    }

    @Nested
    class Topics {
        @Test
        void isRequired() {
            assertThat(violations(mapping().without("Topics"))).containsExactly("Topics is required");
        }

        @Test
        void mustNameAtLeastOneTopic() {
            assertThat(violations(mapping().with("Topics", "[]")))
                    .containsExactly("Topics must name at least one topic");
        }

        @Test
        void mustBeAnArray() {
            assertThat(violations(mapping().with("Topics", "\"orders\"")))
                    .containsExactly("Topics \"orders\" must be an array of topic names");
        }

        @Test
        void eachMustBeAKafkaTopicName() {
            assertThat(violations(mapping().with("Topics", "[\"ok\",\"not ok\",\"..\"]")))
                    .containsExactly(
                            "Topics[1] \"not ok\" is not a Kafka topic name (1..249 of [a-zA-Z0-9._-], not \".\""
                                    + " or \"..\")",
                            "Topics[2] \"..\" is not a Kafka topic name (1..249 of [a-zA-Z0-9._-], not \".\" or"
                                    + " \"..\")");
        }

        @Test
        void topicNameIsAtMost249Characters() {
            assertThat(MappingParser.parse(mapping().with("Topics", "[\"" + "t".repeat(249) + "\"]").json())
                            .topics())
                    .containsExactly("t".repeat(249));
            assertThat(violations(mapping().with("Topics", "[\"" + "t".repeat(250) + "\"]")))
                    .singleElement()
                    .asString()
                    .contains("is not a Kafka topic name");
        }

        @Test
        void mustNotRepeat() {
            assertThat(violations(mapping().with("Topics", "[\"a\",\"b\",\"a\"]")))
                    .containsExactly("Topics[2] \"a\" is a duplicate");
        }

        @Test
        void moreThanOneTopicIsAllowed() {
            assertThat(MappingParser.parse(mapping().with("Topics", "[\"a\",\"b\"]").json()).topics())
                    .containsExactly("a", "b");
        }
    }

    @Nested
    class StartingPositionRules {
        @Test
        void isRequired() {
            assertThat(violations(mapping().without("StartingPosition")))
                    .containsExactly("StartingPosition is required");
        }

        @Test
        void mustBeOneOfTheThree() {
            assertThat(violations(mapping().with("StartingPosition", "\"EARLIEST\"")))
                    .containsExactly("StartingPosition \"EARLIEST\" is not one of TRIM_HORIZON, LATEST, AT_TIMESTAMP");
        }

        @Test
        void atTimestampRequiresTheTimestamp() {
            assertThat(violations(mapping().with("StartingPosition", "\"AT_TIMESTAMP\"")))
                    .containsExactly("StartingPosition AT_TIMESTAMP requires StartingPositionTimestamp");
        }

        @Test
        void timestampIsOnlyAllowedWithAtTimestamp() {
            assertThat(violations(mapping().with("StartingPositionTimestamp", "1700000000")))
                    .containsExactly(
                            "StartingPositionTimestamp is only allowed with StartingPosition AT_TIMESTAMP, not"
                                    + " TRIM_HORIZON");
        }

        @Test
        void timestampMustBeSecondsOrDateTime() {
            assertThat(violations(
                            mapping()
                                    .with("StartingPosition", "\"AT_TIMESTAMP\"")
                                    .with("StartingPositionTimestamp", "\"yesterday\"")))
                    .containsExactly(
                            "StartingPositionTimestamp \"yesterday\" is not Unix seconds or an ISO-8601 date-time");
        }

        @Test
        void timestampMustNotBeNegative() {
            assertThat(violations(
                            mapping()
                                    .with("StartingPosition", "\"AT_TIMESTAMP\"")
                                    .with("StartingPositionTimestamp", "-1")))
                    .containsExactly("StartingPositionTimestamp -1 must not be negative");
        }
    }

    @Nested
    class EventSource {
        @Test
        void oneOfTheTwoIsRequired() {
            assertThat(violations(mapping().without("SelfManagedEventSource")))
                    .containsExactly(
                            "One of SelfManagedEventSource (self-managed Kafka) or EventSourceArn (Amazon MSK) is"
                                    + " required");
        }

        @Test
        void bothAreNotAllowed() {
            assertThat(violations(
                            mapping().with("EventSourceArn", "\"arn:aws:kafka:us-east-1:123456789012:cluster/a/b\"")))
                    .containsExactly("Only one of SelfManagedEventSource and EventSourceArn may be set");
        }

        @Test
        void bootstrapServersAreRequired() {
            assertThat(violations(mapping().with("SelfManagedEventSource", "{\"Endpoints\":{}}")))
                    .containsExactly("SelfManagedEventSource.Endpoints.KAFKA_BOOTSTRAP_SERVERS is required");
        }

        @Test
        void bootstrapServersMustNotBeEmpty() {
            assertThat(violations(
                            mapping()
                                    .with(
                                            "SelfManagedEventSource",
                                            "{\"Endpoints\":{\"KAFKA_BOOTSTRAP_SERVERS\":[]}}")))
                    .containsExactly(
                            "SelfManagedEventSource.Endpoints.KAFKA_BOOTSTRAP_SERVERS must list at least one"
                                    + " host:port");
        }

        @Test
        void eachServerIsHostAndPort() {
            assertThat(violations(
                            mapping()
                                    .with(
                                            "SelfManagedEventSource",
                                            "{\"Endpoints\":{\"KAFKA_BOOTSTRAP_SERVERS\":"
                                                    + "[\"[::1]:9092\",\"b-1\",\"b-2:70000\",\"a:1,b:2\"]}}")))
                    .containsExactly(
                            "SelfManagedEventSource.Endpoints.KAFKA_BOOTSTRAP_SERVERS[1] \"b-1\" is not host:port"
                                    + " (port 1..65535)",
                            "SelfManagedEventSource.Endpoints.KAFKA_BOOTSTRAP_SERVERS[2] \"b-2:70000\" is not"
                                    + " host:port (port 1..65535)",
                            "SelfManagedEventSource.Endpoints.KAFKA_BOOTSTRAP_SERVERS[3] \"a:1,b:2\" is not"
                                    + " host:port (port 1..65535)");
        }

        @Test
        void endpointsKnowOnlyKafkaBootstrapServers() {
            assertThat(violations(
                            mapping()
                                    .with(
                                            "SelfManagedEventSource",
                                            "{\"Endpoints\":{\"KAFKA_BOOTSTRAP_SERVERS\":[\"a:1\"],\"ZK\":[\"z:2181\"]}}")))
                    .containsExactly("Unknown field SelfManagedEventSource.Endpoints.ZK");
        }

        @Test
        void eventSourceArnMustBeAnMskCluster() {
            assertThat(violations(
                            msk().with("EventSourceArn", "\"arn:aws:kinesis:us-east-1:123456789012:stream/s\"")))
                    .containsExactly(
                            "EventSourceArn \"arn:aws:kinesis:us-east-1:123456789012:stream/s\" is not an Amazon MSK"
                                    + " cluster ARN (arn:aws:kafka:<region>:<account>:cluster/<name>/<id>)");
        }
    }

    @Nested
    class Batching {
        @Test
        void batchSizeIsAtMost10000() {
            assertThat(violations(mapping().with("BatchSize", "20000")))
                    .containsExactly("BatchSize 20000 is out of range 1..10000");
        }

        @Test
        void batchSizeIsAtLeast1() {
            assertThat(violations(mapping().with("BatchSize", "0")))
                    .containsExactly("BatchSize 0 is out of range 1..10000");
        }

        @Test
        void batchSizeMustBeAnInteger() {
            assertThat(violations(mapping().with("BatchSize", "1.5"))).containsExactly("BatchSize 1.5 must be an integer");
            assertThat(violations(mapping().with("BatchSize", "\"100\"")))
                    .containsExactly("BatchSize \"100\" must be an integer");
        }

        @Test
        void hugeBatchSizeIsOutOfRangeNotAnOverflow() {
            assertThat(violations(mapping().with("BatchSize", "99999999999999999999999")))
                    .containsExactly("BatchSize 99999999999999999999999 is out of range 1..10000");
        }

        @Test
        void batchingWindowIsAtMost300Seconds() {
            assertThat(violations(mapping().with("MaximumBatchingWindowInSeconds", "301")))
                    .containsExactly("MaximumBatchingWindowInSeconds 301 is out of range 0..300");
        }

        @Test
        void batchingWindowIsWholeSeconds() {
            assertThat(violations(mapping().with("MaximumBatchingWindowInSeconds", "0.5")))
                    .containsExactly("MaximumBatchingWindowInSeconds 0.5 must be an integer");
        }

        @Test
        void enabledMustBeABoolean() {
            assertThat(violations(mapping().with("Enabled", "\"yes\"")))
                    .containsExactly("Enabled \"yes\" must be true or false");
        }
    }

    @Nested
    class ConsumerGroup {
        @Test
        void mustUseAwsCharacters() {
            assertThat(violations(mapping().with("SelfManagedKafkaEventSourceConfig", "{\"ConsumerGroupId\":\"a b\"}")))
                    .containsExactly(
                            "SelfManagedKafkaEventSourceConfig.ConsumerGroupId \"a b\" is not 1..200 of"
                                    + " [a-zA-Z0-9-\\/*:_+=.@-]");
        }

        @Test
        void isAtMost200Characters() {
            String group = "g".repeat(201);
            assertThat(violations(
                            mapping().with("SelfManagedKafkaEventSourceConfig", "{\"ConsumerGroupId\":\"" + group + "\"}")))
                    .singleElement()
                    .asString()
                    .startsWith("SelfManagedKafkaEventSourceConfig.ConsumerGroupId \"ggg")
                    .endsWith("is not 1..200 of [a-zA-Z0-9-\\/*:_+=.@-]");
        }

        @Test
        void mustNotBeEmpty() {
            assertThat(violations(mapping().with("SelfManagedKafkaEventSourceConfig", "{\"ConsumerGroupId\":\"\"}")))
                    .containsExactly(
                            "SelfManagedKafkaEventSourceConfig.ConsumerGroupId \"\" is not 1..200 of"
                                    + " [a-zA-Z0-9-\\/*:_+=.@-]");
        }

        @Test
        void amazonManagedConfigDoesNotApplyToSelfManagedKafka() {
            assertThat(violations(mapping().with("AmazonManagedKafkaEventSourceConfig", "{\"ConsumerGroupId\":\"g\"}")))
                    .containsExactly(
                            "AmazonManagedKafkaEventSourceConfig does not apply to self-managed Kafka"
                                    + " (SelfManagedEventSource); use SelfManagedKafkaEventSourceConfig");
        }

        @Test
        void selfManagedConfigDoesNotApplyToMsk() {
            assertThat(violations(msk().with("SelfManagedKafkaEventSourceConfig", "{\"ConsumerGroupId\":\"g\"}")))
                    .containsExactly(
                            "SelfManagedKafkaEventSourceConfig does not apply to Amazon MSK (EventSourceArn); use"
                                    + " AmazonManagedKafkaEventSourceConfig");
        }

        @Test
        void schemaRegistryIsNotSupportedYet() {
            assertThat(violations(
                            mapping()
                                    .with(
                                            "SelfManagedKafkaEventSourceConfig",
                                            "{\"SchemaRegistryConfig\":{\"SchemaRegistryURI\":\"https://r\"}}")))
                    .containsExactly("SelfManagedKafkaEventSourceConfig.SchemaRegistryConfig is not supported yet");
        }

        @Test
        void unknownFieldsInsideAreReported() {
            assertThat(violations(mapping().with("SelfManagedKafkaEventSourceConfig", "{\"GroupId\":\"g\"}")))
                    .containsExactly("Unknown field SelfManagedKafkaEventSourceConfig.GroupId");
        }
    }

    @Nested
    class SourceAccess {
        private MappingJson withAccess(String entriesJson) {
            return mapping().with("SourceAccessConfigurations", entriesJson);
        }

        @Test
        void authenticationTypesAreSupported() {
            EventSourceMapping m = MappingParser.parse(withAccess(
                    "[{\"Type\":\"SASL_SCRAM_512_AUTH\",\"URI\":"
                            + "\"arn:aws:secretsmanager:us-east-1:123456789012:secret:kafka\"}]").json());
            assertThat(m.sourceAccessConfigurations()).extracting(SourceAccessConfiguration::type)
                    .containsExactly(SourceAccessType.SASL_SCRAM_512_AUTH);
        }

        @Test
        void localSecretUrisAreAccepted() {
            EventSourceMapping m = MappingParser.parse(withAccess(
                    "[{\"Type\":\"CLIENT_CERTIFICATE_TLS_AUTH\",\"URI\":\"file:///etc/esm/my client (1).json\"},"
                            + "{\"Type\":\"SERVER_ROOT_CA_CERTIFICATE\",\"URI\":\"env://KAFKA_CA_1\"}]").json());
            assertThat(m.sourceAccessConfigurations()).extracting(SourceAccessConfiguration::uri)
                    .containsExactly("file:///etc/esm/my client (1).json", "env://KAFKA_CA_1");
        }

        @Test
        void malformedLocalSecretUrisAreViolations() {
            assertThat(violations(withAccess(
                    "[{\"Type\":\"BASIC_AUTH\",\"URI\":\"file://relative.json\"},"
                            + "{\"Type\":\"SERVER_ROOT_CA_CERTIFICATE\",\"URI\":\"env://1-BAD\"}]")))
                    .containsExactly(
                            "SourceAccessConfigurations[0].URI \"file://relative.json\" is not file:///absolute/path.json",
                            "SourceAccessConfigurations[1].URI \"env://1-BAD\" is not env://VARIABLE_NAME"
                                    + " ([A-Za-z_][A-Za-z0-9_]*)");
        }

        @Test
        void authenticationIsParsedWhenEnabled() {
            String arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:kafka-AbCdEf";
            EventSourceMapping m =
                    parseWithAllEnabled(
                            withAccess(
                                    "[{\"Type\":\"BASIC_AUTH\",\"URI\":\"" + arn + "\"},"
                                            + "{\"Type\":\"SERVER_ROOT_CA_CERTIFICATE\",\"URI\":\"" + arn + "\"}]"));
            assertThat(m.sourceAccessConfigurations())
                    .containsExactly(
                            new SourceAccessConfiguration(SourceAccessType.BASIC_AUTH, arn),
                            new SourceAccessConfiguration(SourceAccessType.SERVER_ROOT_CA_CERTIFICATE, arn));
        }

        @Test
        void typeMustBeKnown() {
            assertThat(violations(withAccess("[{\"Type\":\"OAUTH\",\"URI\":\"x\"}]")))
                    .containsExactly(
                            "SourceAccessConfigurations[0].Type \"OAUTH\" is not one of BASIC_AUTH,"
                                    + " SASL_SCRAM_256_AUTH, SASL_SCRAM_512_AUTH, CLIENT_CERTIFICATE_TLS_AUTH,"
                                    + " SERVER_ROOT_CA_CERTIFICATE, VPC_SUBNET, VPC_SECURITY_GROUP");
        }

        @Test
        void virtualHostIsRabbitMqOnly() {
            assertThat(violations(withAccess("[{\"Type\":\"VIRTUAL_HOST\",\"URI\":\"vh\"}]")))
                    .containsExactly(
                            "SourceAccessConfigurations[0].Type VIRTUAL_HOST does not apply to Kafka (Amazon MQ for"
                                    + " RabbitMQ only)");
        }

        @Test
        void typeAndUriAreRequired() {
            assertThat(violations(withAccess("[{}]")))
                    .containsExactly(
                            "SourceAccessConfigurations[0].Type is required",
                            "SourceAccessConfigurations[0].URI is required");
        }

        @Test
        void uriUsesAwsCharacters() {
            assertThat(violations(withAccess("[{\"Type\":\"VPC_SUBNET\",\"URI\":\"subnet 1\"}]")))
                    .containsExactly(
                            "SourceAccessConfigurations[0].URI \"subnet 1\" is not 1..200 of [a-zA-Z0-9-\\/*:_+=.@-]");
        }

        @Test
        void unknownFieldsInAnEntryAreReported() {
            assertThat(violations(withAccess("[{\"Type\":\"VPC_SUBNET\",\"URI\":\"subnet:s\",\"Uri\":\"x\"}]")))
                    .containsExactly("Unknown field SourceAccessConfigurations[0].Uri");
        }

        @Test
        void atMostOneAuthenticationMethod() {
            assertThat(violationsWithAllEnabled(
                            withAccess(
                                    "[{\"Type\":\"BASIC_AUTH\",\"URI\":\"s1\"},"
                                            + "{\"Type\":\"CLIENT_CERTIFICATE_TLS_AUTH\",\"URI\":\"s2\"}]")))
                    .containsExactly(
                            "SourceAccessConfigurations has 2 authentication methods (BASIC_AUTH,"
                                    + " CLIENT_CERTIFICATE_TLS_AUTH); at most one is allowed");
        }

        @Test
        void atMostOneRootCa() {
            assertThat(violationsWithAllEnabled(
                            withAccess(
                                    "[{\"Type\":\"SERVER_ROOT_CA_CERTIFICATE\",\"URI\":\"s1\"},"
                                            + "{\"Type\":\"SERVER_ROOT_CA_CERTIFICATE\",\"URI\":\"s2\"}]")))
                    .containsExactly(
                            "SourceAccessConfigurations has 2 SERVER_ROOT_CA_CERTIFICATE entries; at most one is"
                                    + " allowed");
        }

        @Test
        void mskTakesOnlyScram512AndMutualTls() {
            assertThat(violationsWithAllEnabled(
                            msk().with("SourceAccessConfigurations", "[{\"Type\":\"BASIC_AUTH\",\"URI\":\"s1\"}]")))
                    .containsExactly(
                            "SourceAccessConfigurations[0].Type BASIC_AUTH does not apply to Amazon MSK"
                                    + " (EventSourceArn); MSK takes CLIENT_CERTIFICATE_TLS_AUTH, SASL_SCRAM_512_AUTH");
        }

        @Test
        void mskWithScram512IsParsedWhenEnabled() {
            EventSourceMapping m =
                    parseWithAllEnabled(
                            msk().with(
                                    "SourceAccessConfigurations",
                                    "[{\"Type\":\"SASL_SCRAM_512_AUTH\",\"URI\":\"s1\"}]"));
            assertThat(m.sourceAccessConfigurations())
                    .containsExactly(new SourceAccessConfiguration(SourceAccessType.SASL_SCRAM_512_AUTH, "s1"));
        }
    }

    @Nested
    class ErrorHandling {
        @Test
        void retryAttemptsAreMinusOneTo10000() {
            assertThat(violationsWithAllEnabled(mapping().with("MaximumRetryAttempts", "10001")))
                    .containsExactly("MaximumRetryAttempts 10001 is out of range -1 or 0..10000");
            assertThat(violationsWithAllEnabled(mapping().with("MaximumRetryAttempts", "-2")))
                    .containsExactly("MaximumRetryAttempts -2 is out of range -1 or 0..10000");
        }

        @Test
        void recordAgeIsMinusOneOr60To604800() {
            assertThat(violationsWithAllEnabled(mapping().with("MaximumRecordAgeInSeconds", "59")))
                    .containsExactly("MaximumRecordAgeInSeconds 59 is out of range -1 or 60..604800");
            assertThat(violationsWithAllEnabled(mapping().with("MaximumRecordAgeInSeconds", "604801")))
                    .containsExactly("MaximumRecordAgeInSeconds 604801 is out of range -1 or 60..604800");
        }

        @Test
        void bisectMustBeABoolean() {
            assertThat(violationsWithAllEnabled(mapping().with("BisectBatchOnFunctionError", "1")))
                    .containsExactly("BisectBatchOnFunctionError 1 must be true or false");
        }

        @Test
        void functionResponseTypesOnlyKnowReportBatchItemFailures() {
            assertThat(violationsWithAllEnabled(mapping().with("FunctionResponseTypes", "[\"ReportItemFailures\"]")))
                    .containsExactly("FunctionResponseTypes[0] \"ReportItemFailures\" is not ReportBatchItemFailures");
        }

        @Test
        void allAreParsedWhenEnabled() {
            EventSourceMapping m =
                    parseWithAllEnabled(
                            mapping()
                                    .with("MaximumRetryAttempts", "3")
                                    .with("MaximumRecordAgeInSeconds", "3600")
                                    .with("BisectBatchOnFunctionError", "true")
                                    .with("FunctionResponseTypes", "[\"ReportBatchItemFailures\"]"));
            assertThat(m.maximumRetryAttempts()).isEqualTo(3);
            assertThat(m.maximumRecordAgeInSeconds()).isEqualTo(3600);
            assertThat(m.bisectBatchOnFunctionError()).isTrue();
            assertThat(m.reportBatchItemFailures()).isTrue();
        }
    }

    @Nested
    class Destination {
        private MappingJson withDestination(String destination) {
            return mapping().with("DestinationConfig", "{\"OnFailure\":{\"Destination\":\"" + destination + "\"}}");
        }

        @Test
        void acceptsKafkaSqsSnsAndS3WhenEnabled() {
            for (String destination :
                    List.of(
                            "kafka://demo-events-dlq",
                            "arn:aws:sqs:us-east-1:123456789012:failures",
                            "arn:aws:sns:us-east-1:123456789012:failures",
                            "arn:aws:s3:::my-failure-bucket")) {
                assertThat(parseWithAllEnabled(withDestination(destination)).onFailureDestination()
                                .map(DestinationAddress::address))
                        .contains(destination);
            }
        }

        @Test
        void kafkaDestinationMustNotBeASourceTopic() {
            assertThat(violationsWithAllEnabled(withDestination("kafka://demo-events")))
                    .containsExactly(
                            "DestinationConfig.OnFailure.Destination \"kafka://demo-events\" must not be one of"
                                    + " Topics");
        }

        @Test
        void kafkaDestinationMustNameATopic() {
            assertThat(violationsWithAllEnabled(withDestination("kafka://bad topic")))
                    .containsExactly(
                            "DestinationConfig.OnFailure.Destination \"kafka://bad topic\" does not name a Kafka"
                                    + " topic (1..249 of [a-zA-Z0-9._-], not starting with \".\")");
        }

        /** Issue 9.8: the parser let it through, then every reader start failed on the destination's own rule. */
        @Test
        void aKafkaTopicStartingWithADotIsRefusedAtParseTime() {
            for (String hidden : List.of("kafka://.hidden", "kafka://.", "kafka://..")) {
                assertThat(violations(withDestination(hidden)))
                        .containsExactly("DestinationConfig.OnFailure.Destination \"" + hidden + "\" does not name a"
                                + " Kafka topic (1..249 of [a-zA-Z0-9._-], not starting with \".\")");
            }
        }

        @Test
        void theParsedAddressCarriesWhatTheDestinationClientNeeds() {
            DestinationAddress sqs = MappingParser.parse(withDestination("arn:aws:sqs:eu-west-1:123456789012:dlq.fifo")
                    .json()).onFailureDestination().orElseThrow();
            assertThat(sqs.kind()).isEqualTo(DestinationAddress.Kind.SQS);
            assertThat(List.of(sqs.region(), sqs.account(), sqs.name()))
                    .containsExactly("eu-west-1", "123456789012", "dlq.fifo");
            DestinationAddress kafka = MappingParser.parse(withDestination("kafka://a.dlq").json())
                    .onFailureDestination().orElseThrow();
            assertThat(kafka.kind()).isEqualTo(DestinationAddress.Kind.KAFKA);
            assertThat(kafka.name()).isEqualTo("a.dlq");
        }

        @Test
        void otherArnsAreRefused() {
            assertThat(violationsWithAllEnabled(
                            withDestination("arn:aws:lambda:us-east-1:123456789012:function:f")))
                    .containsExactly(
                            "DestinationConfig.OnFailure.Destination"
                                    + " \"arn:aws:lambda:us-east-1:123456789012:function:f\" is not kafka://<topic>,"
                                    + " an SQS queue ARN, an SNS topic ARN or an S3 bucket ARN");
        }

        @Test
        void onSuccessIsNotSupportedForKafka() {
            assertThat(violationsWithAllEnabled(
                            mapping()
                                    .with(
                                            "DestinationConfig",
                                            "{\"OnSuccess\":{\"Destination\":\"arn:aws:sqs:us-east-1:123456789012:q\"}}")))
                    .containsExactly(
                            "DestinationConfig.OnSuccess is not supported for Kafka event sources; only OnFailure is");
        }
    }

    @Nested
    class NotYetSupported {
        /** The mechanism, with a field standing in for the next one to be enabled. */
        private final Set<String> filterCriteriaDisabled = Set.of("FilterCriteria");

        private static final String VALID = "{\"Filters\":[{\"Pattern\":\"{\\\"value\\\":{\\\"a\\\":[1]}}\"}]}";

        @Test
        void eachListedFieldIsRefusedByName() {
            assertThat(catchThrowableOfType(MappingValidationException.class,
                            () -> MappingParser.parse(mapping().with("FilterCriteria", VALID).json(),
                                    filterCriteriaDisabled))
                            .violations())
                    .containsExactly("FilterCriteria is not supported yet");
        }

        @Test
        void aFieldIsStillValidatedWhileNotSupported() {
            assertThat(catchThrowableOfType(MappingValidationException.class,
                            () -> MappingParser.parse(
                                    mapping().with("FilterCriteria", "{\"Filters\":[{\"Pattern\":\"[1]\"}]}").json(),
                                    filterCriteriaDisabled))
                            .violations())
                    .containsExactly(
                            "FilterCriteria.Filters[0].Pattern \"[1]\" is not a JSON object",
                            "FilterCriteria is not supported yet");
        }

        @Test
        void everyKafkaFieldIsSupportedNow() {
            assertThat(MappingParser.NOT_YET_SUPPORTED).isEmpty();
        }
    }

    @Nested
    class FilterCriteriaField {
        private MappingJson filters(String... patterns) {
            StringBuilder json = new StringBuilder("{\"Filters\":[");
            for (int i = 0; i < patterns.length; i++) {
                json.append(i == 0 ? "" : ",").append("{\"Pattern\":")
                        .append(JSON_TEXT.apply(patterns[i])).append('}');
            }
            return mapping().with("FilterCriteria", json.append("]}").toString());
        }

        @Test
        void patternsAreKeptAsGivenInOrder() {
            EventSourceMapping m = MappingParser.parse(
                    filters("{\"value\":{\"a\":[1]}}", "{\"value\":[\"x\"]}").json());
            assertThat(m.filterPatterns()).containsExactly("{\"value\":{\"a\":[1]}}", "{\"value\":[\"x\"]}");
        }

        @Test
        void anEmptyObjectMeansNoFilters() {
            assertThat(MappingParser.parse(mapping().with("FilterCriteria", "{}").json()).filterPatterns()).isEmpty();
            assertThat(MappingParser.parse(mapping().with("FilterCriteria", "{\"Filters\":[]}").json())
                    .filterPatterns()).isEmpty();
        }

        @Test
        void filterPatternMustBeAJsonObject() {
            assertThat(violations(mapping().with("FilterCriteria", "{\"Filters\":[{\"Pattern\":\"[1]\"}]}")))
                    .containsExactly("FilterCriteria.Filters[0].Pattern \"[1]\" is not a JSON object");
        }

        @Test
        void anInvalidPatternNamesItsIndexAndEventRulersReason() {
            assertThat(violations(filters("{\"value\":[\"ok\"]}", "{\"value\":\"x\"}", "{\"value\":{}}")))
                    .containsExactly(
                            "FilterCriteria.Filters[1].Pattern is not a valid filter pattern: \"value\" must be an "
                                    + "object or an array (line 1, column 11)",
                            "FilterCriteria.Filters[2].Pattern is not a valid filter pattern: Empty objects are not "
                                    + "allowed (line 1, column 12)");
        }

        @Test
        void atMostFiveFilters() {
            String p = "{\"value\":[\"x\"]}";
            assertThat(violations(filters(p, p, p, p, p, p)))
                    .containsExactly("FilterCriteria.Filters has 6 filters; at most 5 are allowed (AWS's default quota);"
                            + " the job option --max-filters raises it up to 10, as an AWS quota increase does");
            assertThat(MappingParser.parse(filters(p, p, p, p, p).json()).filterPatterns()).hasSize(5);
        }

        @Test
        void aPatternHasAtMost4096Characters() {
            String fits = "{\"value\":[\"" + "x".repeat(4096 - 14) + "\"]}";
            assertThat(fits).hasSize(4096);
            assertThat(MappingParser.parse(filters(fits).json()).filterPatterns()).containsExactly(fits);
            String tooLong = "{\"value\":[\"" + "x".repeat(4097 - 14) + "\"]}";
            assertThat(violations(filters(tooLong)))
                    .containsExactly("FilterCriteria.Filters[0].Pattern is 4097 characters long; at most 4096 are "
                            + "allowed");
        }

        @Test
        void filterViolationsComeTogetherWithTheOthers() {
            assertThat(violations(filters("{\"value\":[]}").with("BatchSize", "0")))
                    .containsExactly(
                            "BatchSize 0 is out of range 1..10000",
                            "FilterCriteria.Filters[0].Pattern is not a valid filter pattern: Empty arrays are not "
                                    + "allowed (line 1, column 12)");
        }
    }

    @Nested
    class FilterQuotaRules {
        private static final String P = "{\"value\":[\"x\"]}";

        private String filters(int count) {
            StringBuilder json = new StringBuilder("{\"Filters\":[");
            for (int i = 0; i < count; i++) {
                json.append(i == 0 ? "" : ",").append("{\"Pattern\":").append(JSON_TEXT.apply(P)).append('}');
            }
            return mapping().with("FilterCriteria", json.append("]}").toString()).json();
        }

        private List<String> violationsUnder(FilterQuota quota, String json) {
            return catchThrowableOfType(MappingValidationException.class, () -> MappingParser.parse(json, quota))
                    .violations();
        }

        @Test
        void aRaisedQuotaLetsThatManyFiltersThroughAndNoMore() {
            FilterQuota seven = new FilterQuota(7);
            assertThat(MappingParser.parse(filters(7), seven).filterPatterns()).hasSize(7);
            assertThat(violationsUnder(seven, filters(8)))
                    .containsExactly("FilterCriteria.Filters has 8 filters; at most 7 are allowed (the quota set by"
                            + " --max-filters 7); the job option --max-filters raises it up to 10, as an AWS quota"
                            + " increase does");
        }

        @Test
        void tenIsTheMostAwsGrants() {
            FilterQuota ten = new FilterQuota(10);
            assertThat(MappingParser.parse(filters(10), ten).filterPatterns()).hasSize(10);
            assertThat(violationsUnder(ten, filters(11)))
                    .containsExactly("FilterCriteria.Filters has 11 filters; at most 10 are allowed (the quota set by"
                            + " --max-filters 10); 10 is the most AWS grants");
        }

        @Test
        void theDefaultQuotaIsAwssFive() {
            assertThat(FilterQuota.AWS_DEFAULT.maxFilters()).isEqualTo(5);
            assertThat(violations(filters(6))).singleElement().asString().contains("at most 5 are allowed");
        }

        @Test
        void aQuotaAwsCouldNotGrantIsRefused() {
            for (int n : new int[] {4, 11, -1}) {
                assertThatThrownBy(() -> new FilterQuota(n))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessage("--max-filters " + n + " is out of range 5..10 (AWS's default quota of filters per"
                                + " mapping, up to what a quota increase grants)");
            }
            assertThatThrownBy(() -> FilterQuota.parse("ten"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("--max-filters \"ten\" is not a whole number 5..10");
            assertThat(FilterQuota.parse(" 8 ")).isEqualTo(new FilterQuota(8));
        }
    }

    @Nested
    class FieldKinds {
        @Test
        void unknownFieldsAreViolations() {
            assertThat(violations(mapping().with("Foo", "1"))).containsExactly("Unknown field Foo");
        }

        @Test
        void aMisspelledCaseGetsAHint() {
            assertThat(violations(mapping().with("batchSize", "10")))
                    .containsExactly("Unknown field batchSize (did you mean BatchSize?)");
        }

        @Test
        void fieldsOfOtherSourcesDoNotApplyToKafka() {
            assertThat(violations(
                            mapping()
                                    .with("ParallelizationFactor", "2")
                                    .with("TumblingWindowInSeconds", "60")
                                    .with("Queues", "[\"q\"]")
                                    .with("DocumentDBEventSourceConfig", "{}")))
                    .containsExactly(
                            "ParallelizationFactor does not apply to Kafka (Kinesis and DynamoDB streams only)",
                            "TumblingWindowInSeconds does not apply to Kafka (Kinesis and DynamoDB streams only)",
                            "Queues does not apply to Kafka (Amazon MQ only)",
                            "DocumentDBEventSourceConfig does not apply to Kafka (Amazon DocumentDB only)");
        }

        @Test
        void uuidMustBeAUuid() {
            assertThat(violations(mapping().with("UUID", "\"not-a-uuid\"")))
                    .containsExactly("UUID \"not-a-uuid\" is not a UUID (8-4-4-4-12 hex digits)");
        }

        @Test
        void longValuesAreShortenedInMessages() {
            String message = violations(mapping().with("FunctionName", '"' + "x ".repeat(500) + '"')).get(0);
            assertThat(message).hasSizeLessThan(400).contains("...");
        }
    }

    @Nested
    class InvalidInput {
        @Test
        void invalidJsonNamesTheLocation() {
            assertThatThrownBy(() -> MappingParser.parse("{\n  \"FunctionName\": \"f\",\n  \"Topics\": [\"a\"\n}"))
                    .isInstanceOf(MappingValidationException.class)
                    .hasMessageStartingWith("ESM_CONFIG_NOT_VALID: Invalid JSON at line 4, column 1: ");
        }

        @Test
        void duplicateFieldsAreInvalidJson() {
            assertThat(violations("{\"BatchSize\":1,\"BatchSize\":2}"))
                    .singleElement()
                    .asString()
                    .startsWith("Invalid JSON at line 1")
                    .contains("Duplicate field 'BatchSize'");
        }

        @Test
        void trailingContentIsInvalidJson() {
            assertThat(violations(MappingJson.MINIMAL + " {}"))
                    .singleElement()
                    .asString()
                    .startsWith("Invalid JSON");
        }

        @Test
        void anEmptyDocumentIsNotAMapping() {
            assertThat(violations("  ")).containsExactly("The mapping is empty; expected a JSON object");
        }

        @Test
        void aJsonArrayIsNotAMapping() {
            assertThat(violations("[1]")).containsExactly("The mapping must be a JSON object, not [1]");
        }
    }

    /** Every field that must be a list says so, and what its elements are, in one message. */
    @Nested
    class ListFields {
        @Test
        void functionResponseTypesMustBeAnArray() {
            assertThat(violationsWithAllEnabled(mapping().with("FunctionResponseTypes", "\"ReportBatchItemFailures\"")))
                    .containsExactly("FunctionResponseTypes \"ReportBatchItemFailures\" must be an array");
        }

        @Test
        void sourceAccessConfigurationsMustBeAnArrayOfTypeAndUri() {
            assertThat(violationsWithAllEnabled(
                            mapping().with("SourceAccessConfigurations", "{\"Type\":\"BASIC_AUTH\"}")))
                    .containsExactly(
                            "SourceAccessConfigurations {\"Type\":\"BASIC_AUTH\"} must be an array of {Type, URI}");
        }

        @Test
        void filtersMustBeAnArrayOfPatterns() {
            assertThat(violationsWithAllEnabled(mapping().with("FilterCriteria", "{\"Filters\":1}")))
                    .containsExactly("FilterCriteria.Filters 1 must be an array of {Pattern}");
        }

        @Test
        void aFilterNeedsAPattern() {
            assertThat(violationsWithAllEnabled(mapping().with("FilterCriteria", "{\"Filters\":[{}]}")))
                    .containsExactly("FilterCriteria.Filters[0].Pattern is required");
        }

        @Test
        void bootstrapServersMustBeAnArrayOfHostPort() {
            assertThat(violations(mapping().with("SelfManagedEventSource",
                            "{\"Endpoints\":{\"KAFKA_BOOTSTRAP_SERVERS\":\"b-1:9092\"}}")))
                    .containsExactly("SelfManagedEventSource.Endpoints.KAFKA_BOOTSTRAP_SERVERS \"b-1:9092\" must be an"
                            + " array of host:port");
        }
    }

    @Nested
    class AllViolationsAtOnce {
        @Test
        void everyViolationIsReportedInOneException() {
            MappingValidationException e =
                    catchThrowableOfType(
                            MappingValidationException.class,
                            () ->
                                    MappingParser.parse(
                                            "{\"FunctionName\":\"bad name\",\"Topics\":[],\"StartingPosition\":"
                                                    + "\"LATEST\",\"EventSourceArn\":\"arn:aws:kafka:x\","
                                                    + "\"BatchSize\":20000,\"Foo\":true}"));
            assertThat(e.violations())
                    .hasSize(5)
                    .contains(
                            "Unknown field Foo",
                            "Topics must name at least one topic",
                            "BatchSize 20000 is out of range 1..10000");
            assertThat(e).isInstanceOf(IllegalArgumentException.class);
            assertThat(e.getMessage()).isEqualTo("ESM_CONFIG_NOT_VALID: " + String.join("; ", e.violations()));
        }
    }
}
