package dev.flinkesm.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.flinkesm.filter.FilterCriteria;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongPredicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads the JSON that {@code aws lambda create-event-source-mapping --cli-input-json} takes and checks it like
 * {@code KafkaSourceBuilder.sanityCheck()}: every violation is collected, one message per field naming the field (as
 * AWS spells it), the value and the rule, and all are thrown at once in one {@link MappingValidationException}.
 *
 * <p>Fields are sorted into four kinds: Kafka fields the job implements; Kafka fields in {@link #NOT_YET_SUPPORTED}
 * (parsed and validated, then refused); fields with no effect off AWS (accepted with a WARN); and fields of other
 * event sources or unknown to AWS (violations).
 */
public final class MappingParser {

    private static final Logger LOG = LoggerFactory.getLogger(MappingParser.class);

    /**
     * Features in the model that the job does not implement yet. A mapping that uses one is refused with
     * {@code <Field> is not supported yet}, after the field itself has been fully parsed and validated into
     * {@link EventSourceMapping}. <b>Removing a name here enables the field</b>: nothing else in the parser changes.
     * Source access types are listed as {@code SourceAccessConfigurations.<Type>}.
     */
    public static final Set<String> NOT_YET_SUPPORTED = Set.of();

    /** Top-level fields of a Kafka mapping, in canonical order. {@code UUID} is ours: AWS assigns it on create. */
    private static final Set<String> KAFKA_FIELDS =
            new LinkedHashSet<>(
                    List.of(
                            "UUID",
                            "FunctionName",
                            "Topics",
                            "StartingPosition",
                            "StartingPositionTimestamp",
                            "SelfManagedEventSource",
                            "EventSourceArn",
                            "SelfManagedKafkaEventSourceConfig",
                            "AmazonManagedKafkaEventSourceConfig",
                            "BatchSize",
                            "MaximumBatchingWindowInSeconds",
                            "Enabled",
                            "SourceAccessConfigurations",
                            "FilterCriteria",
                            "MaximumRetryAttempts",
                            "MaximumRecordAgeInSeconds",
                            "BisectBatchOnFunctionError",
                            "FunctionResponseTypes",
                            "DestinationConfig"));

    /** Fields AWS accepts that have no effect off AWS: accepted, with a WARN saying why. */
    private static final Map<String, String> NO_EFFECT_OFF_AWS =
            orderedMap(
                    "Tags", "tags are an AWS resource feature",
                    "KMSKeyArn", "it encrypts filter criteria inside AWS",
                    "MetricsConfig", "the job always reports its metrics through Flink's metric system",
                    "ProvisionedPollerConfig", "Flink's parallelism sets the number of pollers",
                    "ScalingConfig", "it is SQS-only; Flink's parallelism sets concurrency",
                    "LoggingConfig", "it sets the level of Lambda's poller logs; the job logs through Flink");

    /** Fields of other event sources: violations, naming the sources they belong to. */
    private static final Map<String, String> OTHER_SOURCES_ONLY =
            orderedMap(
                    "ParallelizationFactor", "Kinesis and DynamoDB streams",
                    "TumblingWindowInSeconds", "Kinesis and DynamoDB streams",
                    "Queues", "Amazon MQ",
                    "DocumentDBEventSourceConfig", "Amazon DocumentDB");

    private static final Set<String> KAFKA_CONFIG_FIELDS = Set.of("ConsumerGroupId", "SchemaRegistryConfig");

    private static final String NAME = "[a-zA-Z0-9_-]{1,64}";
    private static final String QUALIFIER = "(\\$LATEST|[a-zA-Z0-9_-]{1,128})";
    private static final String ACCOUNT = "\\d{12}";
    private static final String REGION = "[a-z]{2}(-[a-z]+)+-\\d+";
    private static final Pattern FUNCTION_NAME =
            Pattern.compile(
                    "("
                            + NAME
                            + "|"
                            + ACCOUNT
                            + ":function:"
                            + NAME
                            + "|arn:aws[a-z-]*:lambda:"
                            + REGION
                            + ":"
                            + ACCOUNT
                            + ":function:"
                            + NAME
                            + ")(:"
                            + QUALIFIER
                            + ")?");
    private static final int FUNCTION_NAME_MAX = 140;
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Pattern UUID_PATTERN =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern HOST_PORT =
            Pattern.compile("([a-zA-Z0-9_]([a-zA-Z0-9_.-]*[a-zA-Z0-9_])?|\\[[0-9a-fA-F:.]+]):(\\d{1,5})");
    private static final Pattern MSK_ARN = Pattern.compile("arn:aws[a-z-]*:kafka:[a-z0-9-]+:\\d{12}:cluster/\\S+");
    /** AWS's rule for ConsumerGroupId and SourceAccessConfigurations URI alike. */
    private static final Pattern AWS_ID = Pattern.compile("[a-zA-Z0-9-/*:_+=.@]{1,200}");
    private static final String AWS_ID_RULE = "1..200 of [a-zA-Z0-9-\\/*:_+=.@-]";
    /** Off AWS a secret may also live in a local JSON file or in an environment variable holding that JSON. */
    private static final Pattern FILE_URI = Pattern.compile("file:///[^\\x00-\\x1f]{1,4000}");
    private static final Pattern ENV_URI = Pattern.compile("env://[A-Za-z_][A-Za-z0-9_]{0,255}");
    private static final Set<SourceAccessType> MSK_ACCESS_TYPES =
            Set.of(SourceAccessType.SASL_SCRAM_512_AUTH, SourceAccessType.CLIENT_CERTIFICATE_TLS_AUTH);

    private static final ObjectMapper JSON =
            JsonMapper.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .build();

    private MappingParser() {}

    /** A SourceAccessConfigurations URI: AWS's rule (a Secrets Manager ARN, a subnet id...), file:// or env://. */
    static boolean isSecretUri(String uri) {
        if (uri.startsWith("file:")) {
            return FILE_URI.matcher(uri).matches();
        }
        if (uri.startsWith("env:")) {
            return ENV_URI.matcher(uri).matches();
        }
        return AWS_ID.matcher(uri).matches();
    }

    /** Parses and validates a mapping; throws {@link MappingValidationException} listing every violation. */
    public static EventSourceMapping parse(String json) {
        return parse(json, NOT_YET_SUPPORTED);
    }

    /** Reads a mapping file (UTF-8). An unreadable file is an {@link UncheckedIOException}, not a config error. */
    public static EventSourceMapping parse(Path file) {
        String json;
        try {
            json = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read event source mapping file " + file, e);
        }
        return parse(json);
    }

    /** For tests: parse as if {@link #NOT_YET_SUPPORTED} held {@code notYetSupported}. */
    static EventSourceMapping parse(String json, Set<String> notYetSupported) {
        Objects.requireNonNull(json, "json");
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new MappingValidationException(List.of(describe(e)));
        }
        if (root == null || root.isMissingNode()) {
            throw new MappingValidationException(List.of("The mapping is empty; expected a JSON object"));
        }
        if (!root.isObject()) {
            throw new MappingValidationException(
                    List.of("The mapping must be a JSON object, not " + show(root)));
        }
        return new Run(notYetSupported).parse(root);
    }

    private static String describe(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        return "Invalid JSON" + where + ": " + e.getOriginalMessage();
    }

    /** One parse: the violations found so far, the draft, and log lines emitted only if the mapping is valid. */
    private static final class Run {
        private final Set<String> notYetSupported;
        private final List<String> violations = new ArrayList<>();
        private final List<Runnable> logsIfValid = new ArrayList<>();
        private final EventSourceMapping.Builder draft = new EventSourceMapping.Builder();
        /** True for self-managed, false for MSK, null when the event source is missing or ambiguous. */
        private Boolean selfManaged;

        Run(Set<String> notYetSupported) {
            this.notYetSupported = notYetSupported;
        }

        EventSourceMapping parse(JsonNode root) {
            fieldNames(root);
            functionName(root);
            topics(root);
            startingPosition(root);
            eventSource(root);
            kafkaConfigs(root);
            batching(root);
            Boolean enabled = bool(get(root, "Enabled"), "Enabled");
            if (enabled != null) {
                draft.enabled = enabled;
            }
            sourceAccessConfigurations(root);
            filterCriteria(root);
            errorHandling(root);
            destination(root);
            uuid(root);
            for (String field : KAFKA_FIELDS) {
                if (get(root, field) != null && notYetSupported.contains(field)) {
                    violation(field + " is not supported yet");
                }
            }
            if (!violations.isEmpty()) {
                throw new MappingValidationException(violations);
            }
            logsIfValid.forEach(Runnable::run);
            return draft.build();
        }

        private void fieldNames(JsonNode root) {
            for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (KAFKA_FIELDS.contains(field)) {
                    continue;
                }
                if (NO_EFFECT_OFF_AWS.containsKey(field)) {
                    String why = NO_EFFECT_OFF_AWS.get(field);
                    logsIfValid.add(() -> LOG.warn("Ignoring {}: it has no effect off AWS ({})", field, why));
                } else if (OTHER_SOURCES_ONLY.containsKey(field)) {
                    violation(
                            field + " does not apply to Kafka (" + OTHER_SOURCES_ONLY.get(field) + " only)");
                } else {
                    violation("Unknown field " + field + didYouMean(field));
                }
            }
        }

        private void functionName(JsonNode root) {
            String name = text(get(root, "FunctionName"), "FunctionName");
            if (name == null) {
                required(root, "FunctionName");
            } else if (name.length() > FUNCTION_NAME_MAX) {
                violation("FunctionName " + quote(name) + " is longer than " + FUNCTION_NAME_MAX + " characters");
            } else if (!FUNCTION_NAME.matcher(name).matches()) {
                violation(
                        "FunctionName "
                                + quote(name)
                                + " is not a function name (1..64 of [a-zA-Z0-9-_]), partial ARN"
                                + " (123456789012:function:name) or function ARN"
                                + " (arn:aws:lambda:<region>:<account>:function:name), optionally qualified"
                                + " with :$LATEST, :<alias> or :<version>");
            } else {
                draft.functionName = name;
            }
        }

        private void topics(JsonNode root) {
            JsonNode topics = get(root, "Topics");
            if (topics == null) {
                required(root, "Topics");
                return;
            }
            if (!topics.isArray()) {
                violation("Topics " + show(topics) + " must be an array of topic names");
                return;
            }
            if (topics.isEmpty()) {
                violation("Topics must name at least one topic");
                return;
            }
            List<String> valid = new ArrayList<>();
            for (int i = 0; i < topics.size(); i++) {
                String path = "Topics[" + i + "]";
                String topic = text(topics.get(i), path);
                if (topic == null) {
                    continue;
                }
                if (!isTopicName(topic)) {
                    violation(path + " " + quote(topic) + " is not a Kafka topic name " + TOPIC_RULE);
                } else if (valid.contains(topic)) {
                    violation(path + " " + quote(topic) + " is a duplicate");
                } else {
                    valid.add(topic);
                }
            }
            draft.topics = valid;
        }

        private void startingPosition(JsonNode root) {
            JsonNode positionNode = get(root, "StartingPosition");
            String position = text(positionNode, "StartingPosition");
            StartingPosition parsed = null;
            if (position == null) {
                required(root, "StartingPosition");
            } else {
                try {
                    parsed = StartingPosition.valueOf(position);
                    draft.startingPosition = parsed;
                } catch (IllegalArgumentException e) {
                    violation(
                            "StartingPosition "
                                    + quote(position)
                                    + " is not one of "
                                    + join(Arrays.stream(StartingPosition.values()).map(Enum::name)));
                }
            }
            JsonNode timestampNode = get(root, "StartingPositionTimestamp");
            if (timestampNode != null) {
                Instant timestamp = instant(timestampNode);
                if (parsed != null && parsed != StartingPosition.AT_TIMESTAMP) {
                    violation(
                            "StartingPositionTimestamp is only allowed with StartingPosition AT_TIMESTAMP, not "
                                    + parsed);
                } else {
                    draft.startingPositionTimestamp = timestamp;
                }
            } else if (parsed == StartingPosition.AT_TIMESTAMP) {
                violation("StartingPosition AT_TIMESTAMP requires StartingPositionTimestamp");
            }
        }

        private Instant instant(JsonNode node) {
            String path = "StartingPositionTimestamp";
            try {
                if (node.isNumber()) {
                    return fromUnixSeconds(node.decimalValue(), node);
                }
                if (node.isTextual()) {
                    String text = node.textValue().trim();
                    if (text.matches("-?\\d+(\\.\\d+)?")) {
                        return fromUnixSeconds(new BigDecimal(text), node);
                    }
                    return OffsetDateTime.parse(text).toInstant();
                }
            } catch (DateTimeException | ArithmeticException e) {
                // falls through to the violation below
            }
            violation(path + " " + show(node) + " is not Unix seconds or an ISO-8601 date-time");
            return null;
        }

        private Instant fromUnixSeconds(BigDecimal seconds, JsonNode node) {
            if (seconds.signum() < 0) {
                violation("StartingPositionTimestamp " + show(node) + " must not be negative");
                return null;
            }
            // Fractions beyond nanoseconds are cut off: Instant cannot hold them.
            long whole = seconds.toBigInteger().longValueExact();
            int nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).intValue();
            return Instant.ofEpochSecond(whole, nanos);
        }

        private void eventSource(JsonNode root) {
            JsonNode selfManagedNode = get(root, "SelfManagedEventSource");
            JsonNode arnNode = get(root, "EventSourceArn");
            if (selfManagedNode != null && arnNode != null) {
                violation("Only one of SelfManagedEventSource and EventSourceArn may be set");
            } else if (selfManagedNode == null && arnNode == null) {
                violation(
                        "One of SelfManagedEventSource (self-managed Kafka) or EventSourceArn (Amazon MSK) is"
                                + " required");
            } else {
                selfManaged = selfManagedNode != null;
            }
            if (selfManagedNode != null) {
                bootstrapServers(selfManagedNode);
            }
            if (arnNode != null) {
                String arn = text(arnNode, "EventSourceArn");
                if (arn != null && !MSK_ARN.matcher(arn).matches()) {
                    violation(
                            "EventSourceArn "
                                    + quote(arn)
                                    + " is not an Amazon MSK cluster ARN"
                                    + " (arn:aws:kafka:<region>:<account>:cluster/<name>/<id>)");
                } else if (arn != null && selfManagedNode == null) {
                    draft.eventSourceArn = arn;
                }
            }
        }

        private void bootstrapServers(JsonNode selfManagedNode) {
            String path = "SelfManagedEventSource";
            if (!object(selfManagedNode, path, Set.of("Endpoints"))) {
                return;
            }
            JsonNode endpoints = get(selfManagedNode, "Endpoints");
            if (endpoints == null) {
                violation(path + ".Endpoints.KAFKA_BOOTSTRAP_SERVERS is required");
                return;
            }
            if (!object(endpoints, path + ".Endpoints", Set.of("KAFKA_BOOTSTRAP_SERVERS"))) {
                return;
            }
            path += ".Endpoints.KAFKA_BOOTSTRAP_SERVERS";
            JsonNode servers = get(endpoints, "KAFKA_BOOTSTRAP_SERVERS");
            if (servers == null) {
                violation(path + " is required");
                return;
            }
            if (!servers.isArray()) {
                violation(path + " " + show(servers) + " must be an array of host:port");
                return;
            }
            if (servers.isEmpty()) {
                violation(path + " must list at least one host:port");
                return;
            }
            List<String> valid = new ArrayList<>();
            for (int i = 0; i < servers.size(); i++) {
                String entryPath = path + "[" + i + "]";
                String server = text(servers.get(i), entryPath);
                if (server == null) {
                    continue;
                }
                var matcher = HOST_PORT.matcher(server);
                int port = matcher.matches() ? Integer.parseInt(matcher.group(3)) : 0;
                if (port < 1 || port > 65535) {
                    violation(entryPath + " " + quote(server) + " is not host:port (port 1..65535)");
                } else {
                    valid.add(server);
                }
            }
            if (valid.size() == servers.size()) {
                draft.bootstrapServers = String.join(",", valid);
            }
        }

        private void kafkaConfigs(JsonNode root) {
            kafkaConfig(root, "SelfManagedKafkaEventSourceConfig", true);
            kafkaConfig(root, "AmazonManagedKafkaEventSourceConfig", false);
        }

        private void kafkaConfig(JsonNode root, String field, boolean forSelfManaged) {
            JsonNode config = get(root, field);
            if (config == null) {
                return;
            }
            if (selfManaged != null && selfManaged != forSelfManaged) {
                violation(
                        forSelfManaged
                                ? field
                                        + " does not apply to Amazon MSK (EventSourceArn); use"
                                        + " AmazonManagedKafkaEventSourceConfig"
                                : field
                                        + " does not apply to self-managed Kafka (SelfManagedEventSource); use"
                                        + " SelfManagedKafkaEventSourceConfig");
                return;
            }
            if (!object(config, field, KAFKA_CONFIG_FIELDS)) {
                return;
            }
            if (get(config, "SchemaRegistryConfig") != null) {
                // Not modelled at all (unlike NOT_YET_SUPPORTED): the job passes record bytes through unchanged.
                violation(field + ".SchemaRegistryConfig is not supported yet");
            }
            String path = field + ".ConsumerGroupId";
            String group = text(get(config, "ConsumerGroupId"), path);
            if (group != null) {
                if (!AWS_ID.matcher(group).matches()) {
                    violation(path + " " + quote(group) + " is not " + AWS_ID_RULE);
                } else {
                    draft.consumerGroupId = group;
                }
            }
        }

        private void batching(JsonNode root) {
            Integer batchSize = integer(get(root, "BatchSize"), "BatchSize", v -> v >= 1 && v <= 10_000, "1..10000");
            if (batchSize != null) {
                draft.batchSize = batchSize;
            }
            Integer window =
                    integer(
                            get(root, "MaximumBatchingWindowInSeconds"),
                            "MaximumBatchingWindowInSeconds",
                            v -> v >= 0 && v <= 300,
                            "0..300");
            if (window != null) {
                draft.maximumBatchingWindow = Duration.ofSeconds(window);
            }
        }

        private void sourceAccessConfigurations(JsonNode root) {
            String path = "SourceAccessConfigurations";
            JsonNode entries = get(root, path);
            if (entries == null) {
                return;
            }
            if (!entries.isArray()) {
                violation(path + " " + show(entries) + " must be an array of {Type, URI}");
                return;
            }
            List<SourceAccessConfiguration> parsed = new ArrayList<>();
            boolean vpc = false;
            for (int i = 0; i < entries.size(); i++) {
                String entryPath = path + "[" + i + "]";
                JsonNode entry = entries.get(i);
                if (!object(entry, entryPath, Set.of("Type", "URI"))) {
                    continue;
                }
                SourceAccessType type = accessType(get(entry, "Type"), entryPath + ".Type");
                String uri = text(get(entry, "URI"), entryPath + ".URI");
                if (uri == null && get(entry, "URI") == null) {
                    violation(entryPath + ".URI is required");
                } else if (uri != null && !isSecretUri(uri)) {
                    String rule = uri.startsWith("file:") ? "file:///absolute/path.json"
                            : uri.startsWith("env:") ? "env://VARIABLE_NAME ([A-Za-z_][A-Za-z0-9_]*)" : AWS_ID_RULE;
                    violation(entryPath + ".URI " + quote(uri) + " is not " + rule);
                    uri = null;
                }
                if (type == null) {
                    continue;
                }
                if (Boolean.FALSE.equals(selfManaged) && !MSK_ACCESS_TYPES.contains(type)) {
                    violation(
                            entryPath
                                    + ".Type "
                                    + type
                                    + " does not apply to Amazon MSK (EventSourceArn); MSK takes "
                                    + join(MSK_ACCESS_TYPES.stream().map(Enum::name).sorted()));
                    continue;
                }
                if (notYetSupported.contains(path + "." + type)) {
                    violation(entryPath + ".Type " + type + " is not supported yet");
                }
                vpc |= type.isVpc();
                if (uri != null) {
                    parsed.add(new SourceAccessConfiguration(type, uri));
                }
            }
            List<String> auth =
                    parsed.stream()
                            .map(SourceAccessConfiguration::type)
                            .filter(SourceAccessType::isAuthentication)
                            .map(Enum::name)
                            .collect(Collectors.toList());
            if (auth.size() > 1) {
                violation(
                        path + " has " + auth.size() + " authentication methods (" + String.join(", ", auth)
                                + "); at most one is allowed");
            }
            long rootCas =
                    parsed.stream()
                            .filter(c -> c.type() == SourceAccessType.SERVER_ROOT_CA_CERTIFICATE)
                            .count();
            if (rootCas > 1) {
                violation(path + " has " + rootCas + " SERVER_ROOT_CA_CERTIFICATE entries; at most one is allowed");
            }
            if (vpc) {
                logsIfValid.add(
                        () ->
                                LOG.info(
                                        "SourceAccessConfigurations VPC_SUBNET/VPC_SECURITY_GROUP have no effect"
                                                + " here: the job reaches Kafka over the Flink cluster's network"));
            }
            draft.sourceAccessConfigurations = parsed;
        }

        private SourceAccessType accessType(JsonNode node, String path) {
            String type = text(node, path);
            if (type == null) {
                if (node == null) {
                    violation(path + " is required");
                }
                return null;
            }
            if (type.equals("VIRTUAL_HOST")) {
                violation(path + " VIRTUAL_HOST does not apply to Kafka (Amazon MQ for RabbitMQ only)");
                return null;
            }
            try {
                return SourceAccessType.valueOf(type);
            } catch (IllegalArgumentException e) {
                violation(
                        path + " " + quote(type) + " is not one of "
                                + join(Arrays.stream(SourceAccessType.values()).map(Enum::name)));
                return null;
            }
        }

        private void filterCriteria(JsonNode root) {
            String path = "FilterCriteria";
            JsonNode criteria = get(root, path);
            if (criteria == null || !object(criteria, path, Set.of("Filters"))) {
                return;
            }
            JsonNode filters = get(criteria, "Filters");
            if (filters == null) {
                return;
            }
            if (!filters.isArray()) {
                violation(path + ".Filters " + show(filters) + " must be an array of {Pattern}");
                return;
            }
            List<String> patterns = new ArrayList<>();
            for (int i = 0; i < filters.size(); i++) {
                String filterPath = path + ".Filters[" + i + "]";
                if (!object(filters.get(i), filterPath, Set.of("Pattern"))) {
                    continue;
                }
                JsonNode patternNode = get(filters.get(i), "Pattern");
                String pattern = text(patternNode, filterPath + ".Pattern");
                if (pattern == null) {
                    if (patternNode == null) {
                        violation(filterPath + ".Pattern is required");
                    }
                    continue;
                }
                if (pattern.length() > FilterCriteria.MAX_PATTERN_LENGTH) {
                    violation(filterPath + ".Pattern is " + pattern.length() + " characters long; at most "
                            + FilterCriteria.MAX_PATTERN_LENGTH + " are allowed");
                } else if (!isJsonObject(pattern)) {
                    violation(filterPath + ".Pattern " + quote(pattern) + " is not a JSON object");
                } else {
                    Optional<String> problem = FilterCriteria.problem(pattern);
                    if (problem.isPresent()) {
                        violation(filterPath + ".Pattern is not a valid filter pattern: " + problem.get());
                    } else {
                        patterns.add(pattern);
                    }
                }
            }
            if (filters.size() > FilterCriteria.DEFAULT_MAX_FILTERS) {
                violation(path + ".Filters has " + filters.size() + " filters; at most "
                        + FilterCriteria.DEFAULT_MAX_FILTERS + " are allowed (AWS's default quota)");
            }
            draft.filterPatterns = patterns;
        }

        private void errorHandling(JsonNode root) {
            Integer retries =
                    integer(
                            get(root, "MaximumRetryAttempts"),
                            "MaximumRetryAttempts",
                            v -> v >= -1 && v <= 10_000,
                            "-1 or 0..10000");
            if (retries != null) {
                draft.maximumRetryAttempts = retries;
            }
            Integer age =
                    integer(
                            get(root, "MaximumRecordAgeInSeconds"),
                            "MaximumRecordAgeInSeconds",
                            v -> v == -1 || (v >= 60 && v <= 604_800),
                            "-1 or 60..604800");
            if (age != null) {
                draft.maximumRecordAgeInSeconds = age;
            }
            Boolean bisect = bool(get(root, "BisectBatchOnFunctionError"), "BisectBatchOnFunctionError");
            if (bisect != null) {
                draft.bisectBatchOnFunctionError = bisect;
            }
            JsonNode types = get(root, "FunctionResponseTypes");
            if (types == null) {
                return;
            }
            if (!types.isArray()) {
                violation("FunctionResponseTypes " + show(types) + " must be an array");
                return;
            }
            for (int i = 0; i < types.size(); i++) {
                String path = "FunctionResponseTypes[" + i + "]";
                String type = text(types.get(i), path);
                if (EventSourceMapping.REPORT_BATCH_ITEM_FAILURES.equals(type)) {
                    draft.reportBatchItemFailures = true;
                } else if (type != null) {
                    violation(path + " " + quote(type) + " is not " + EventSourceMapping.REPORT_BATCH_ITEM_FAILURES);
                }
            }
        }

        private void destination(JsonNode root) {
            String path = "DestinationConfig";
            JsonNode config = get(root, path);
            if (config == null || !object(config, path, Set.of("OnFailure", "OnSuccess"))) {
                return;
            }
            if (get(config, "OnSuccess") != null) {
                violation(path + ".OnSuccess is not supported for Kafka event sources; only OnFailure is");
            }
            JsonNode onFailure = get(config, "OnFailure");
            if (onFailure == null || !object(onFailure, path + ".OnFailure", Set.of("Destination"))) {
                return;
            }
            path += ".OnFailure.Destination";
            String destination = text(get(onFailure, "Destination"), path);
            if (destination == null) {
                return;
            }
            DestinationAddress address;
            try {
                address = DestinationAddress.parse(destination);
            } catch (IllegalArgumentException e) {
                violation(path + " " + quote(destination) + " " + e.getMessage());
                return;
            }
            if (address.kind() == DestinationAddress.Kind.KAFKA && draft.topics.contains(address.name())) {
                violation(path + " " + quote(destination) + " must not be one of Topics");
            } else {
                draft.onFailureDestination = address;
            }
        }

        private void uuid(JsonNode root) {
            String uuid = text(get(root, "UUID"), "UUID");
            if (uuid != null) {
                if (UUID_PATTERN.matcher(uuid).matches()) {
                    draft.uuid = uuid.toLowerCase(Locale.ROOT);
                } else {
                    violation("UUID " + quote(uuid) + " is not a UUID (8-4-4-4-12 hex digits)");
                }
            } else if (violations.isEmpty()) {
                String source = draft.bootstrapServers != null ? draft.bootstrapServers : draft.eventSourceArn;
                draft.uuid = MappingUuid.derive(draft.functionName, draft.topics, source);
            }
        }

        // ---- helpers: each reports its own type violation and returns null when there is no usable value ----

        private String text(JsonNode node, String path) {
            if (node == null) {
                return null;
            }
            if (!node.isTextual()) {
                violation(path + " " + show(node) + " must be a string");
                return null;
            }
            return node.textValue();
        }

        private Boolean bool(JsonNode node, String path) {
            if (node == null) {
                return null;
            }
            if (!node.isBoolean()) {
                violation(path + " " + show(node) + " must be true or false");
                return null;
            }
            return node.booleanValue();
        }

        private Integer integer(JsonNode node, String path, LongPredicate inRange, String range) {
            if (node == null) {
                return null;
            }
            if (!node.isIntegralNumber()) {
                violation(path + " " + show(node) + " must be an integer");
                return null;
            }
            if (!node.canConvertToLong() || !inRange.test(node.longValue())) {
                violation(path + " " + show(node) + " is out of range " + range);
                return null;
            }
            return (int) node.longValue();
        }

        /** Checks that {@code node} is an object and reports fields not in {@code known}. */
        private boolean object(JsonNode node, String path, Set<String> known) {
            if (!node.isObject()) {
                violation(path + " " + show(node) + " must be an object");
                return false;
            }
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!known.contains(field)) {
                    violation("Unknown field " + path + "." + field);
                }
            }
            return true;
        }

        private void required(JsonNode root, String field) {
            // A present-but-wrong-type value was already reported by text(); absent or null is "required".
            if (get(root, field) == null) {
                violation(field + " is required");
            }
        }

        private void violation(String message) {
            violations.add(message);
        }
    }

    private static final String TOPIC_RULE = "(1..249 of [a-zA-Z0-9._-], not \".\" or \"..\")";

    private static boolean isTopicName(String topic) {
        return TOPIC.matcher(topic).matches() && !topic.equals(".") && !topic.equals("..");
    }

    private static boolean isJsonObject(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return node != null && node.isObject();
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /** The field's value, or null when absent or JSON null (both mean: not set). */
    private static JsonNode get(JsonNode parent, String field) {
        JsonNode node = parent.get(field);
        return node == null || node.isNull() ? null : node;
    }

    private static String didYouMean(String field) {
        return Stream.of(KAFKA_FIELDS, NO_EFFECT_OFF_AWS.keySet(), OTHER_SOURCES_ONLY.keySet())
                .flatMap(Set::stream)
                .filter(known -> known.equalsIgnoreCase(field))
                .findFirst()
                .map(known -> " (did you mean " + known + "?)")
                .orElse("");
    }

    private static final int SHOW_MAX = 100;

    /** A value as JSON (strings quoted), shortened so one huge value cannot drown the other messages. */
    private static String show(JsonNode node) {
        String json = node.toString();
        return json.length() > SHOW_MAX ? json.substring(0, SHOW_MAX) + "..." : json;
    }

    private static String quote(String value) {
        return show(JSON.getNodeFactory().textNode(value));
    }

    private static String join(Stream<String> names) {
        return names.collect(Collectors.joining(", "));
    }

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
