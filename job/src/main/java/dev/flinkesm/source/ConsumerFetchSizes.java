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
 *
 * <p>When the pipeline knows how many partitions one subtask reads (the topics' partition counts over the
 * parallelism), the per-partition limit is at most {@code budget / (4 x partitionsPerSubtask)}, between 16 KB and
 * 1 MB. Each partition may hold one fetch inside the consumer (paused: KAFKA-7548; that slice pins its response) and
 * about one more already handed to the engine before its pause takes effect (the rest of the poll's records for
 * it), and the engine's copy is the encoded event (base64 and JSON: about 1.4 x the raw bytes). Measured at 1,024
 * partitions, parallelism 2, the 128 MB default budget (two subtasks: 256 MB): budget / 512 (256 KB) left 263-430 MB
 * live at the end of a run, budget / (2 x 512) (128 KB) 213-309 MB, still over; hence 4. Larger record batches still
 * arrive (see above), so progress holds at 16 KB.
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
     * One partition's share of a fetch when a subtask reads {@code partitionsPerSubtask} partitions (0: not known):
     * the lower of budget / 512 (as above) and budget / (4 x partitionsPerSubtask) between 16 KB and 1 MB.
     */
    static long partitionFetchMaxBytes(long budgetBytes, int partitionsPerSubtask) {
        long byBudget = partitionFetchMaxBytes(budgetBytes);
        if (partitionsPerSubtask <= 0) {
            return byBudget;
        }
        return Math.min(byBudget, clamp(budgetBytes / (4L * partitionsPerSubtask), 16 * 1024, MB));
    }

    /** The partitions one subtask reads at most: {@code partitions} spread over {@code parallelism}; 0 if unknown. */
    public static int partitionsPerSubtask(int partitions, int parallelism) {
        if (partitions <= 0 || parallelism <= 0) {
            return 0;
        }
        return (partitions + parallelism - 1) / parallelism;
    }

    /** {@link #forBudget(long, int, Set)} with the partitions per subtask not known. */
    public static Map<String, String> forBudget(long budgetBytes, Set<String> userKeys) {
        return forBudget(budgetBytes, 0, userKeys);
    }

    /**
     * The consumer properties to set for this budget and partitions per subtask (0: not known); a key the user set
     * ({@code --kafka-property}) is left alone.
     */
    public static Map<String, String> forBudget(long budgetBytes, int partitionsPerSubtask, Set<String> userKeys) {
        Map<String, String> sizes = new LinkedHashMap<>();
        if (!userKeys.contains(FETCH_MAX_BYTES)) {
            sizes.put(FETCH_MAX_BYTES, Long.toString(fetchMaxBytes(budgetBytes)));
        }
        if (!userKeys.contains(MAX_PARTITION_FETCH_BYTES)) {
            sizes.put(MAX_PARTITION_FETCH_BYTES,
                    Long.toString(partitionFetchMaxBytes(budgetBytes, partitionsPerSubtask)));
        }
        return sizes;
    }

    private static long clamp(long value, long min, long max) {
        return Math.max(min, Math.min(max, value));
    }
}
