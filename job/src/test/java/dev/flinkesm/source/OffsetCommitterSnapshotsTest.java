package dev.flinkesm.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkesm.metrics.EsmMetrics;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The committer's per-checkpoint snapshots stay bounded whatever Flink does with its checkpoints. */
class OffsetCommitterSnapshotsTest {
    private static final TopicPartition TP = new TopicPartition("orders", 0);

    // No request is sent in these tests (nothing is delivered or completed), so no admin client is ever created.
    private final OffsetCommitter committer = new OffsetCommitter("group", new Properties(), Runnable::run,
            new EsmMetrics(new UnregisteredMetricsGroup()), stop -> {});

    @Test
    void abortedCheckpointsLeaveNoSnapshotBehind() {
        for (long id = 1; id <= 100; id++) {
            committer.onSnapshot(id, Map.of(TP, id * 10));
            committer.onCheckpointAborted(id);
        }

        assertThat(committer.pendingSnapshots()).isZero();
    }

    @Test
    void anAbortDropsOlderSnapshotsButKeepsNewerOnes() {
        committer.onSnapshot(1, Map.of(TP, 10L));
        committer.onSnapshot(2, Map.of(TP, 20L));
        committer.onSnapshot(3, Map.of(TP, 30L));

        committer.onCheckpointAborted(2);

        assertThat(committer.pendingSnapshots()).isEqualTo(1);
    }

    @Test
    void withoutAnyNotificationAtMostTheNewestSnapshotsAreKept() {
        for (long id = 1; id <= 1000; id++) {
            committer.onSnapshot(id, Map.of(TP, id));
        }

        assertThat(committer.pendingSnapshots()).isEqualTo(OffsetCommitter.MAX_PENDING_SNAPSHOTS);
    }
}
