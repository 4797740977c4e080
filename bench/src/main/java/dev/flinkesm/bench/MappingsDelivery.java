package dev.flinkesm.bench;

import static dev.flinkesm.bench.ManyMappingsBench.log;
import static dev.flinkesm.bench.MappingsRig.function;
import static dev.flinkesm.bench.MappingsRig.topic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The mappings bench's delivery check: what was produced to each mapping's topic and what its function received
 * before the host's counters were last reset, so that at the end every mapping can be held to receiving exactly
 * what was produced, with its group committed to the end of every partition and its job never restarted.
 */
final class MappingsDelivery {
    private final MappingsRig rig;
    private final List<String> problems;
    private final long[] produced;
    private final long[] deliveredBefore;

    MappingsDelivery(MappingsRig rig, List<String> problems) {
        this.rig = rig;
        this.problems = problems;
        this.produced = new long[rig.settings.mappings()];
        this.deliveredBefore = new long[rig.settings.mappings()];
    }

    /** {@code records} more were produced to mapping {@code i}'s topic. */
    void produced(int i, long records) {
        produced[i] += records;
    }

    /** Mapping {@code i}'s function had received {@code records} more when its counters were reset. */
    void deliveredBefore(int i, long records) {
        deliveredBefore[i] += records;
    }

    /** Waits until each active mapping's consumer group has committed the end offset of every partition. */
    void awaitCommitted(int active) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        List<String> behind = committedBehind(active);
        while (!behind.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
            behind = committedBehind(active);
        }
        if (!behind.isEmpty()) {
            problems.add("committed offsets not at the end 60 s after delivery: " + behind);
        }
    }

    /** "topic-partition committed/end" for every partition whose group has not committed its end offset. */
    private List<String> committedBehind(int active) throws Exception {
        List<String> behind = new ArrayList<>();
        try (Admin admin = rig.admin()) {
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            for (int i = 0; i < active; i++) {
                for (int p = 0; p < rig.settings.partitions(); p++) {
                    latest.put(new TopicPartition(topic(i), p), OffsetSpec.latest());
                }
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends =
                    admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
            for (int i = 0; i < active; i++) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(rig.group(i))
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                for (int p = 0; p < rig.settings.partitions(); p++) {
                    TopicPartition tp = new TopicPartition(topic(i), p);
                    OffsetAndMetadata c = committed.get(tp);
                    long end = ends.get(tp).offset();
                    if (c == null || c.offset() != end) {
                        behind.add(tp + " " + (c == null ? "none" : c.offset()) + "/" + end);
                    }
                }
            }
        }
        return behind;
    }

    /**
     * Every mapping: the records its function received (all phases) equal the records produced to its topic, its
     * group committed the end of every partition, and its job never restarted.
     */
    Map<String, Object> verify() throws Exception {
        List<Map<String, Object>> perMapping = new ArrayList<>();
        int ok = 0;
        List<String> behind = committedBehind(rig.settings.mappings());
        for (int i = 0; i < rig.settings.mappings(); i++) {
            long delivered = deliveredBefore[i] + rig.stats.records(function(i));
            long restartCount = rig.restarts(rig.job(i));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("topic", topic(i));
            m.put("produced", produced[i]);
            m.put("delivered", delivered);
            m.put("restarts", restartCount);
            perMapping.add(m);
            if (delivered == produced[i] && restartCount == 0) {
                ok++;
            } else {
                problems.add(topic(i) + ": produced " + produced[i] + ", function received " + delivered
                        + ", job restarts " + restartCount);
            }
        }
        if (!behind.isEmpty()) {
            problems.add("committed offsets not at the end: " + behind);
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("mappingsDeliveringEveryRecord", ok);
        row.put("partitionsCommittedBehindEnd", behind.size());
        row.put("perMapping", perMapping);
        log(String.format("delivery: %d of %d mappings received exactly what was produced, %d partitions not "
                + "committed to the end", ok, rig.settings.mappings(), behind.size()));
        return row;
    }
}
