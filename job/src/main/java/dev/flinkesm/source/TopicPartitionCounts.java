package dev.flinkesm.source;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many partitions one source subtask will read, asked of the cluster when the pipeline is built, so that
 * {@link ConsumerFetchSizes} can size each partition's fetch to the reader's memory budget. Best effort: if the
 * cluster does not answer in time, or a topic does not exist yet, the answer is 0 (not known) and the fetch sizes
 * fall back to the budget alone; nothing else depends on it.
 */
public final class TopicPartitionCounts {
    private static final Logger LOG = LoggerFactory.getLogger(TopicPartitionCounts.class);

    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private TopicPartitionCounts() {}

    /**
     * The most partitions one of {@code parallelism} subtasks reads of {@code topics}, or 0 if not known. Flink's
     * enumerator spreads each topic's partitions round-robin over the subtasks, so per topic a subtask reads at
     * most the partitions over the parallelism, rounded up.
     */
    public static int perSubtask(Properties adminProperties, Collection<String> topics, int parallelism) {
        if (topics.isEmpty() || parallelism <= 0) {
            return 0;
        }
        Properties props = new Properties();
        props.putAll(adminProperties);
        props.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(TIMEOUT.toMillis()));
        props.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(TIMEOUT.toMillis()));
        // Creating the client resolves the config providers' placeholders (secrets) too: a secret that cannot be
        // read is the job's to report, at run time, with the reason it gives there; here it only means "not known".
        try (Admin admin = Admin.create(props)) {
            Map<String, TopicDescription> described =
                    admin.describeTopics(topics).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            int perSubtask = 0;
            for (TopicDescription topic : described.values()) {
                perSubtask += ConsumerFetchSizes.partitionsPerSubtask(topic.partitions().size(), parallelism);
            }
            return perSubtask;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } catch (Exception e) {
            LOG.warn("Could not learn the partition counts of {} ({}); fetch sizes follow the memory budget alone",
                    topics, e.toString());
            return 0;
        }
    }
}
