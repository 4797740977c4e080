package dev.flinkesm.source;

import dev.flinkesm.aws.AwsClients;
import dev.flinkesm.aws.AwsService;
import dev.flinkesm.config.EventSourceMapping;
import dev.flinkesm.security.SecurityProperties;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka client settings every client of a mapping shares (source consumer, committer, dead-letter producer):
 * bootstrap servers, security ({@link SecurityProperties}), and the user's extra properties. They travel in the job
 * graph, so they hold no secret values, only placeholders that Kafka resolves where each client is created
 * (task managers, and the job manager's split enumerator).
 */
public final class KafkaClientProperties {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaClientProperties.class);

    /** Properties the delivery guarantees depend on; a user value for them is overridden with a warning. */
    static final Set<String> RESERVED = Set.of(
            "group.id", "enable.auto.commit", "commit.offsets.on.checkpoint", "bootstrap.servers",
            "auto.offset.reset");

    private KafkaClientProperties() {}

    /**
     * Settings common to all of the mapping's Kafka clients, including {@code bootstrap.servers}.
     *
     * @param extra the user's extra properties ({@code --kafka-property}); those delivery relies on are ignored
     * @param aws the job's AWS clients, for the Secrets Manager endpoint the security settings resolve secrets at
     */
    public static Properties common(
            EventSourceMapping mapping, String bootstrapServers, Map<String, String> extra, AwsClients aws) {
        Properties properties = new Properties();
        extra.forEach((k, v) -> {
            if (RESERVED.contains(k)) {
                LOG.warn("Kafka property {} is set by the mapping and delivery; the value given is ignored.", k);
            } else {
                properties.setProperty(k, v);
            }
        });
        String secretsManager = aws.endpointOverride(AwsService.SECRETS_MANAGER).map(Object::toString).orElse(null);
        security(mapping, extra, secretsManager).forEach((k, v) -> {
            if (extra.containsKey(k)) {
                throw new IllegalArgumentException("ESM_CONFIG_NOT_VALID: --kafka-property " + k + " conflicts with"
                        + " the mapping's SourceAccessConfigurations, which set it; remove the property");
            }
            properties.setProperty(k, v);
        });
        properties.setProperty("bootstrap.servers", bootstrapServers);
        return properties;
    }

    /**
     * The mapping's security settings. The one user choice they yield to: an MSK mapping without a secret uses IAM
     * authentication, unless {@code --kafka-property security.protocol=...} asks for the cluster's unauthenticated
     * (TLS or plaintext) access instead.
     */
    private static Map<String, String> security(
            EventSourceMapping mapping, Map<String, String> user, String secretsManagerEndpoint) {
        Map<String, String> security = SecurityProperties.of(mapping, secretsManagerEndpoint);
        if ("AWS_MSK_IAM".equals(security.get("sasl.mechanism"))
                && user.containsKey(SecurityProperties.SECURITY_PROTOCOL)) {
            LOG.info("MSK mapping without a secret: using security.protocol={} as given instead of IAM"
                    + " authentication", user.get(SecurityProperties.SECURITY_PROTOCOL));
            return Map.of();
        }
        return security;
    }
}
