package dev.flinkesm.source;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The Kafka consumer's fetch sizes, derived from the reader's memory budget ({@code --max-buffered-mb}): what the
 * consumer has fetched but not yet handed over counts against that budget too.
 *
 * <p>Why per-partition fetches are small: a paused partition keeps what was fetched for it inside the consumer, and
 * that slice pins the whole fetch response it arrived in (one array per response). With Kafka's default of 1 MB per
 * partition, a backlog kept every paused partition's last fetch and its response alive (measured with 8 partitions:
 * 7-11 MB of responses, against 0-2 MB with a backlog a tenth as long), and each resume let a whole 1 MB fetch
 * through to the reader. A quarter MB per partition (at the default budget) keeps 256 partitions' fetches within
 * half the budget, and costs nothing measurable in throughput with 1 KB records. A record batch larger than the
 * limit is still fetched when it comes first in a response (the broker rotates which partition does), so 1 MB
 * records keep moving, about one per fetch (measured: {@code scripts/bench --phases budget}).
 */
public final class ConsumerFetchSizes {
    static final String FETCH_MAX_BYTES = "fetch.max.bytes";
    static final String MAX_PARTITION_FETCH_BYTES = "max.partition.fetch.bytes";

    private static final long MB = 1L << 20;

    private ConsumerFetchSizes() {}

    /** One fetch response at most: a sixteenth of the budget, between 1 MB and Kafka's default of 50 MB. */
    static long fetchMaxBytes(long budgetBytes) {
        return clamp(budgetBytes / 16, MB, 50 * MB);
    }

    /** One partition's share of a fetch: budget / 512, between 64 KB and Kafka's default of 1 MB. */
    static long partitionFetchMaxBytes(long budgetBytes) {
        return clamp(budgetBytes / 512, 64 * 1024, MB);
    }

    /**
     * The consumer properties to set for this budget; a key the user set ({@code --kafka-property}) is left alone.
     */
    public static Map<String, String> forBudget(long budgetBytes, Set<String> userKeys) {
        Map<String, String> sizes = new LinkedHashMap<>();
        if (!userKeys.contains(FETCH_MAX_BYTES)) {
            sizes.put(FETCH_MAX_BYTES, Long.toString(fetchMaxBytes(budgetBytes)));
        }
        if (!userKeys.contains(MAX_PARTITION_FETCH_BYTES)) {
            sizes.put(MAX_PARTITION_FETCH_BYTES, Long.toString(partitionFetchMaxBytes(budgetBytes)));
        }
        return sizes;
    }

    private static long clamp(long value, long min, long max) {
        return Math.max(min, Math.min(max, value));
    }
}
