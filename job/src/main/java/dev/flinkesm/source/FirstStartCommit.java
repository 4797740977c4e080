package dev.flinkesm.source;

import java.io.Serializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fixes a mapping's start once: the offsets resolved from {@code StartingPosition} are committed to the consumer
 * group before the partitions are assigned, as a Kafka consumer's group would. Without it, a failover or a
 * resubmission before the first checkpoint resolves {@code LATEST} again and skips every record produced since the
 * first start; with it, the group's offsets win over {@code StartingPosition} from then on.
 *
 * <p>Runs on the job manager, in the split enumerator's worker thread (blocking there is fine). Holds only the
 * group id and the admin client's properties (placeholders, no secret values). A failed commit is a warning: the
 * mapping still starts where it resolved, it only loses this protection until its first delivered batch commits.
 */
final class FirstStartCommit implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(FirstStartCommit.class);

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String groupId;
    private final Properties adminProperties;

    FirstStartCommit(String groupId, Properties adminProperties) {
        this.groupId = groupId;
        this.adminProperties = adminProperties;
    }

    /** Commits {@code starts} (offsets the group has none for) and waits for the broker's answer. */
    void commit(Map<TopicPartition, Long> starts) {
        if (starts.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        starts.forEach((tp, offset) -> offsets.put(tp, new OffsetAndMetadata(offset)));
        try (Admin admin = Admin.create(adminProperties)) {
            admin.alterConsumerGroupOffsets(groupId, offsets).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Consumer group {}: starting offsets of {} partitions committed, so a restart before the first "
                    + "checkpoint starts there too", groupId, offsets.size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warn("Consumer group {}: committing the starting offsets failed ({}); a restart before the first "
                    + "delivered batch resolves StartingPosition again", groupId, e.toString());
        }
    }
}
