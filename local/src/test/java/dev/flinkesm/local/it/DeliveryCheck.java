package dev.flinkesm.local.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkesm.local.lambda.functions.RecordingFunction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks what the function received against every offset that was produced: none missing, none invented, each
 * partition's records in order without gaps (a batch may only start at or before the next undelivered record),
 * and counts duplicates (records received more than once).
 */
final class DeliveryCheck {
    final List<String> missing = new ArrayList<>();
    final List<String> unexpected = new ArrayList<>();
    final List<String> orderViolations = new ArrayList<>();
    /** Per partition: how often a batch started at or before a record already received (a re-read after a restore). */
    final Map<String, Integer> rewinds = new HashMap<>();
    int duplicates;
    int received;

    static DeliveryCheck of(Produced produced, List<RecordingFunction.Delivered> delivered) {
        DeliveryCheck check = new DeliveryCheck();
        check.received = delivered.size();
        Map<String, Map<Long, Integer>> indexOf = new HashMap<>();
        produced.offsetsByPartition.forEach((tp, offsets) -> {
            Map<Long, Integer> index = new HashMap<>();
            for (int i = 0; i < offsets.size(); i++) {
                index.put(offsets.get(i), i);
            }
            indexOf.put(tp, index);
        });
        // Batches in arrival order: consecutive records of one invocation.
        Map<Integer, List<RecordingFunction.Delivered>> byInvocation = new LinkedHashMap<>();
        for (RecordingFunction.Delivered d : delivered) {
            byInvocation.computeIfAbsent(d.invocation(), k -> new ArrayList<>()).add(d);
        }
        Map<String, Integer> highest = new HashMap<>();
        Map<String, Set<Long>> seen = new HashMap<>();
        for (List<RecordingFunction.Delivered> batch : byInvocation.values()) {
            Map<String, List<RecordingFunction.Delivered>> byPartition = new LinkedHashMap<>();
            batch.forEach(d -> byPartition.computeIfAbsent(d.topic() + "-" + d.partition(), k -> new ArrayList<>()).add(d));
            byPartition.forEach((tp, records) -> {
                Map<Long, Integer> index = indexOf.getOrDefault(tp, Map.of());
                int previous = -2;
                for (RecordingFunction.Delivered d : records) {
                    Integer i = index.get(d.offset());
                    if (i == null) {
                        check.unexpected.add(tp + "@" + d.offset());
                        continue;
                    }
                    if (!seen.computeIfAbsent(tp, k -> new HashSet<>()).add(d.offset())) {
                        check.duplicates++;
                    }
                    int top = highest.getOrDefault(tp, -1);
                    if (previous == -2 && i <= top) {
                        check.rewinds.merge(tp, 1, Integer::sum);
                    }
                    if (previous == -2 && i > top + 1) {
                        check.orderViolations.add(tp + ": batch starts at offset " + d.offset()
                                + " but the next undelivered record was index " + (top + 1));
                    }
                    if (previous != -2 && i != previous + 1) {
                        check.orderViolations.add(tp + ": offset " + d.offset() + " does not follow the previous record");
                    }
                    previous = i;
                    highest.put(tp, Math.max(top, i));
                }
            });
        }
        produced.offsetsByPartition.forEach((tp, offsets) -> {
            Set<Long> got = seen.getOrDefault(tp, Set.of());
            offsets.stream().filter(o -> !got.contains(o)).forEach(o -> check.missing.add(tp + "@" + o));
        });
        return check;
    }

    /** Every record once, in order. */
    DeliveryCheck assertExactlyOnceInOrder() {
        assertDelivered();
        assertThat(duplicates).as("records received more than once").isZero();
        return this;
    }

    /** Every record at least once, in order, no gaps; duplicates are allowed (and reported). */
    DeliveryCheck assertDelivered() {
        assertThat(missing).as("produced records the function never received").isEmpty();
        assertThat(unexpected).as("records received that were never produced").isEmpty();
        assertThat(orderViolations).as("order violations").isEmpty();
        return this;
    }

    /** The most re-reads any partition saw: duplicates come only from restarts, each rewinding once. */
    int maxRewindsPerPartition() {
        return rewinds.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    @Override
    public String toString() {
        return "received=" + received + " duplicates=" + duplicates + " missing=" + missing.size()
                + " unexpected=" + unexpected.size() + " orderViolations=" + orderViolations.size()
                + " rewinds=" + rewinds;
    }
}
