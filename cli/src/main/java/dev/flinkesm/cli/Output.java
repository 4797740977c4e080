package dev.flinkesm.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code EventSourceMappingConfiguration} as the AWS CLI prints it (field names, order, ISO timestamps), and a
 * table for people.
 */
public final class Output {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The AWS CLI's layout: 4-space indents, arrays one element per line, {@code "Key": value}. */
    private static final com.fasterxml.jackson.core.util.DefaultPrettyPrinter AWS_LAYOUT;

    static {
        com.fasterxml.jackson.core.util.DefaultIndenter indent =
                new com.fasterxml.jackson.core.util.DefaultIndenter("    ", "\n");
        AWS_LAYOUT = new com.fasterxml.jackson.core.util.DefaultPrettyPrinter()
                .withSeparators(com.fasterxml.jackson.core.util.Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(com.fasterxml.jackson.core.util.Separators.Spacing.AFTER));
        AWS_LAYOUT.indentObjectsWith(indent);
        AWS_LAYOUT.indentArraysWith(indent);
    }
    /** The AWS CLI v2's default timestamp form, e.g. {@code 2024-06-03T10:15:30.123000+00:00}. */
    static final DateTimeFormatter AWS_CLI_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

    private static final Pattern FULL_ARN =
            Pattern.compile("arn:(aws[a-z-]*):lambda:([a-z0-9-]+):(\\d{12}):function:.+");
    private static final Pattern PARTIAL_ARN = Pattern.compile("(\\d{12}):function:.+");

    private Output() {}

    /** Region and account for ARNs of functions named without them (AWS takes the caller's). */
    public record Account(String region, String accountId) {
        public static Account fromEnvironment(Map<String, String> env) {
            String region = env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1"));
            return new Account(region, env.getOrDefault("ESM_ACCOUNT_ID", "000000000000"));
        }
    }

    /** The function's ARN as AWS shows it in a mapping: a name or partial ARN completed with region and account. */
    public static String functionArn(String functionName, Account account) {
        if (FULL_ARN.matcher(functionName).matches()) {
            return functionName;
        }
        if (PARTIAL_ARN.matcher(functionName).matches()) {
            return "arn:aws:lambda:" + account.region() + ":" + functionName;
        }
        return "arn:aws:lambda:" + account.region() + ":" + account.accountId() + ":function:" + functionName;
    }

    static String mappingArn(String functionArn, String uuid) {
        Matcher m = FULL_ARN.matcher(functionArn);
        if (!m.matches()) {
            return null;
        }
        return "arn:" + m.group(1) + ":lambda:" + m.group(2) + ":" + m.group(3) + ":event-source-mapping:" + uuid;
    }

    /** One mapping, in the field order of AWS's answers. */
    public static ObjectNode configuration(MappingRecord record, MappingStatus status, Account account) {
        ObjectNode m = record.mapping;
        ObjectNode out = JSON.createObjectNode();
        out.put("UUID", record.uuid);
        copy(m, out, "StartingPosition", "StartingPositionTimestamp", "BatchSize", "MaximumBatchingWindowInSeconds",
                "EventSourceArn", "FilterCriteria");
        String functionArn = functionArn(m.path("FunctionName").asText(), account);
        out.put("FunctionArn", functionArn);
        out.put("LastModified", record.lastModified == null ? null
                : AWS_CLI_TIME.format(Instant.parse(record.lastModified)));
        out.put("LastProcessingResult", status.lastProcessingResult());
        out.put("State", status.state());
        if (status.stateTransitionReason() != null) {
            out.put("StateTransitionReason", status.stateTransitionReason());
        }
        copy(m, out, "DestinationConfig", "Topics", "SourceAccessConfigurations", "SelfManagedEventSource",
                "SelfManagedKafkaEventSourceConfig", "AmazonManagedKafkaEventSourceConfig",
                "MaximumRecordAgeInSeconds", "BisectBatchOnFunctionError", "MaximumRetryAttempts",
                "FunctionResponseTypes");
        String arn = mappingArn(functionArn, record.uuid);
        if (arn != null) {
            out.put("EventSourceMappingArn", arn);
        }
        return out;
    }

    private static void copy(ObjectNode from, ObjectNode to, String... fields) {
        for (String f : fields) {
            if (from.has(f)) {
                to.set(f, from.get(f).deepCopy());
            }
        }
    }

    public static ObjectNode list(List<ObjectNode> configurations) {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("EventSourceMappings");
        configurations.forEach(list::add);
        return out;
    }

    public static String json(JsonNode node) {
        try {
            return JSON.writer(AWS_LAYOUT).writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One mapping as {@code Field  value} lines; nested values as compact JSON; Flink details at the end. */
    public static String table(ObjectNode configuration, MappingRecord record) {
        List<String[]> rows = new ArrayList<>();
        configuration.fields().forEachRemaining(e -> rows.add(new String[] {e.getKey(), text(e.getValue())}));
        if (!configuration.has("MaximumBatchingWindowInSeconds")) {
            rows.add(4, new String[] {"MaximumBatchingWindowInSeconds", "0.5 (default)"});
        }
        if (record != null) {
            rows.add(new String[] {"(Flink job)", record.jobId == null ? "-" : record.jobId});
            rows.add(new String[] {"(savepoint)", record.savepoint == null ? "-" : record.savepoint});
        }
        int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            sb.append(String.format("%-" + width + "s  %s%n", r[0], r[1]));
        }
        return sb.toString();
    }

    /** Mappings as rows, one per mapping. */
    public static String listTable(List<ObjectNode> configurations) {
        String[] head = {"UUID", "STATE", "REASON", "FUNCTION", "TOPICS", "BATCH", "LAST PROCESSING RESULT"};
        List<String[]> rows = new ArrayList<>();
        rows.add(head);
        for (ObjectNode c : configurations) {
            String fn = c.path("FunctionArn").asText();
            rows.add(new String[] {
                c.path("UUID").asText(),
                c.path("State").asText(),
                c.path("StateTransitionReason").asText("-"),
                fn.substring(fn.lastIndexOf(":function:") < 0 ? 0 : fn.lastIndexOf(":function:") + 10),
                String.join(",", strings(c.path("Topics"))),
                c.path("BatchSize").asText(),
                c.path("LastProcessingResult").asText()
            });
        }
        int[] w = new int[head.length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(i == r.length - 1 ? r[i] : String.format("%-" + w[i] + "s  ", r[i]));
            }
            sb.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
        return sb.toString();
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String text(JsonNode v) {
        if (v == null || v.isNull()) {
            return "-";
        }
        if (v.isArray() && v.size() > 0 && v.get(0).isTextual()) {
            return String.join(",", strings(v));
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }
}
