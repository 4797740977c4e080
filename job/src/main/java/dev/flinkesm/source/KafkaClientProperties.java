package dev.flinkesm.source;

import dev.flinkesm.JobOptions;
import dev.flinkesm.config.EventSourceMapping;
import java.util.Properties;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka client settings every client of a mapping shares (source consumer, committer, dead-letter producer):
 * bootstrap servers, security, and the user's extra properties. They travel in the job graph, so they hold no
 * secret values, only references that are resolved on the task managers.
 */
public final class KafkaClientProperties {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaClientProperties.class);

    /** Properties the delivery guarantees depend on; a user value for them is overridden with a warning. */
    static final Set<String> RESERVED = Set.of(
            "group.id", "enable.auto.commit", "commit.offsets.on.checkpoint", "bootstrap.servers",
            "auto.offset.reset");

    private KafkaClientProperties() {}

    /** Settings common to all of the mapping's Kafka clients, including {@code bootstrap.servers}. */
    public static Properties common(EventSourceMapping mapping, String bootstrapServers, JobOptions options) {
        Properties properties = new Properties();
        options.kafkaProperties.forEach((k, v) -> {
            if (RESERVED.contains(k)) {
                LOG.warn("Kafka property {} is set by the mapping and delivery; the value given is ignored.", k);
            } else {
                properties.setProperty(k, v);
            }
        });
        properties.setProperty("bootstrap.servers", bootstrapServers);
        return properties;
    }
}
