package dev.flinkesm.config;

import static dev.flinkesm.config.ParseRun.get;
import static dev.flinkesm.config.ParseRun.join;
import static dev.flinkesm.config.ParseRun.quote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Reader and writer of SourceAccessConfigurations: authentication, root CA and VPC entries. */
final class SourceAccessReader {

    private static final Logger LOG = LoggerFactory.getLogger(MappingParser.class);

    private static final String PATH = "SourceAccessConfigurations";
    /** AWS's rule for ConsumerGroupId and SourceAccessConfigurations URI alike. */
    private static final Pattern AWS_ID = Pattern.compile("[a-zA-Z0-9-/*:_+=.@]{1,200}");
    static final String AWS_ID_RULE = "1..200 of [a-zA-Z0-9-\\/*:_+=.@-]";
    /** Off AWS a secret may also live in a local JSON file or in an environment variable holding that JSON. */
    private static final Pattern FILE_URI = Pattern.compile("file:///[^\\x00-\\x1f]{1,4000}");
    private static final Pattern ENV_URI = Pattern.compile("env://[A-Za-z_][A-Za-z0-9_]{0,255}");
    private static final Set<SourceAccessType> MSK_ACCESS_TYPES =
            Set.of(SourceAccessType.SASL_SCRAM_512_AUTH, SourceAccessType.CLIENT_CERTIFICATE_TLS_AUTH);

    private SourceAccessReader() {}

    static boolean isAwsId(String text) {
        return AWS_ID.matcher(text).matches();
    }

    /** A SourceAccessConfigurations URI: AWS's rule (a Secrets Manager ARN, a subnet id...), file:// or env://. */
    static boolean isSecretUri(String uri) {
        if (uri.startsWith("file:")) {
            return FILE_URI.matcher(uri).matches();
        }
        if (uri.startsWith("env:")) {
            return ENV_URI.matcher(uri).matches();
        }
        return isAwsId(uri);
    }

    static List<SourceAccessConfiguration> read(JsonNode entries, String name, ParseRun run) {
        if (entries == null) {
            return null;
        }
        if (!run.array(entries, PATH, "{Type, URI}")) {
            return null;
        }
        List<SourceAccessConfiguration> parsed = new ArrayList<>();
        boolean vpc = false;
        for (int i = 0; i < entries.size(); i++) {
            String entryPath = PATH + "[" + i + "]";
            JsonNode entry = entries.get(i);
            if (!run.object(entry, entryPath, Set.of("Type", "URI"))) {
                continue;
            }
            SourceAccessType type = accessType(get(entry, "Type"), entryPath + ".Type", run);
            String uri = uri(get(entry, "URI"), entryPath + ".URI", run);
            if (type == null) {
                continue;
            }
            if (Boolean.FALSE.equals(run.selfManaged()) && !MSK_ACCESS_TYPES.contains(type)) {
                run.violation(entryPath + ".Type " + type + " does not apply to Amazon MSK (EventSourceArn); MSK takes "
                        + join(MSK_ACCESS_TYPES.stream().map(Enum::name).sorted()));
                continue;
            }
            if (run.settings().notYetSupported().contains(PATH + "." + type)) {
                run.violation(entryPath + ".Type " + type + " is not supported yet");
            }
            vpc |= type.isVpc();
            if (uri != null) {
                parsed.add(new SourceAccessConfiguration(type, uri));
            }
        }
        atMostOne(parsed, run);
        if (vpc) {
            run.logIfValid(() -> LOG.info("SourceAccessConfigurations VPC_SUBNET/VPC_SECURITY_GROUP have no effect"
                    + " here: the job reaches Kafka over the Flink cluster's network"));
        }
        return parsed;
    }

    static void write(ObjectNode root, String name, List<SourceAccessConfiguration> configurations) {
        ArrayNode list = root.putArray(name);
        for (SourceAccessConfiguration c : configurations) {
            list.addObject().put("Type", c.type().name()).put("URI", c.uri());
        }
    }

    private static String uri(JsonNode node, String path, ParseRun run) {
        String uri = run.requiredText(node, path);
        if (uri != null && !isSecretUri(uri)) {
            String rule = uri.startsWith("file:") ? "file:///absolute/path.json"
                    : uri.startsWith("env:") ? "env://VARIABLE_NAME ([A-Za-z_][A-Za-z0-9_]*)" : AWS_ID_RULE;
            run.violation(path + " " + quote(uri) + " is not " + rule);
            return null;
        }
        return uri;
    }

    private static void atMostOne(List<SourceAccessConfiguration> parsed, ParseRun run) {
        List<String> auth = parsed.stream()
                .map(SourceAccessConfiguration::type)
                .filter(SourceAccessType::isAuthentication)
                .map(Enum::name)
                .collect(Collectors.toList());
        if (auth.size() > 1) {
            run.violation(PATH + " has " + auth.size() + " authentication methods (" + String.join(", ", auth)
                    + "); at most one is allowed");
        }
        long rootCas = parsed.stream().filter(c -> c.type() == SourceAccessType.SERVER_ROOT_CA_CERTIFICATE).count();
        if (rootCas > 1) {
            run.violation(PATH + " has " + rootCas + " SERVER_ROOT_CA_CERTIFICATE entries; at most one is allowed");
        }
    }

    private static SourceAccessType accessType(JsonNode node, String path, ParseRun run) {
        String type = run.requiredText(node, path);
        if (type == null) {
            return null;
        }
        if (type.equals("VIRTUAL_HOST")) {
            run.violation(path + " VIRTUAL_HOST does not apply to Kafka (Amazon MQ for RabbitMQ only)");
            return null;
        }
        return run.oneOf(type, path, SourceAccessType.class);
    }
}
