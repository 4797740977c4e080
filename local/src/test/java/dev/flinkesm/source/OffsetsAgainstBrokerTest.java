package dev.flinkesm.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkesm.config.StartingPosition;
import dev.flinkesm.failure.MappingStoppedException;
import dev.flinkesm.local.kafka.EmbeddedKafka;
import dev.flinkesm.metrics.EsmMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumerator;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The offset rules that make a crash re-send only what was in flight, against a real KRaft broker: commits after
 * each batch ({@link OffsetCommitter}), restored splits started at the later offset ({@link RestoredSplitStarts}),
 * and a start resolved once ({@link CommittedOrStartingOffsets} with {@link FirstStartCommit}).
 */
class OffsetsAgainstBrokerTest {
    private static EmbeddedKafka kafka;
    private static Admin admin;

    private String topic;
    private String group;
    private TopicPartition tp0;
    private TopicPartition tp1;
    private final CapturingMetricGroup metricGroup = new CapturingMetricGroup();
    private final EsmMetrics metrics = new EsmMetrics(metricGroup);
    private final List<MappingStoppedException> stops = new ArrayList<>();

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = EmbeddedKafka.start();
        admin = kafka.admin();
        // The first commit after a broker start may meet NotCoordinatorException: get past it once here.
        kafka.createTopic("warm-up", 1);
        for (int attempt = 0; ; attempt++) {
            try {
                admin.alterConsumerGroupOffsets("warm-up",
                        Map.of(new TopicPartition("warm-up", 0), new OffsetAndMetadata(0))).all().get();
                break;
            } catch (Exception e) {
                if (attempt > 50) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    @AfterAll
    static void stopBroker() {
        admin.close();
        kafka.close();
    }

    @BeforeEach
    void freshTopicAndGroup() throws Exception {
        topic = "t-" + UUID.randomUUID().toString().substring(0, 8);
        group = "g-" + UUID.randomUUID().toString().substring(0, 8);
        kafka.createTopic(topic, 2);
        tp0 = new TopicPartition(topic, 0);
        tp1 = new TopicPartition(topic, 1);
        produce(tp0, 100);
        produce(tp1, 100);
    }

    private static void produce(TopicPartition tp, int records) throws Exception {
        Properties p = kafka.clientProperties();
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), null, ("v" + i).getBytes()));
            }
            producer.flush();
        }
    }

    private Map<TopicPartition, Long> groupOffsets() throws Exception {
        Map<TopicPartition, Long> out = new java.util.HashMap<>();
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                .forEach((tp, om) -> {
                    if (om != null) {
                        out.put(tp, om.offset());
                    }
                });
        return out;
    }

    private void commitToGroup(TopicPartition tp, long offset) throws Exception {
        admin.alterConsumerGroupOffsets(group, Map.of(tp, new OffsetAndMetadata(offset))).all().get(30, TimeUnit.SECONDS);
    }

    @Nested
    class CommitsAfterEachBatch {
        private final TaskThread task = new TaskThread();
        private OffsetCommitter committer;

        @BeforeEach
        void create() {
            committer = new OffsetCommitter(group, kafka.clientProperties(), task, metrics, stops::add);
        }

        @AfterEach
        void close() {
            committer.close();
        }

        @Test
        void aDeliveredBatchIsCommittedRightAwayWithoutACheckpoint() throws Exception {
            committer.commitDelivered(tp0, 10);
            task.runNext();

            assertThat(groupOffsets()).containsEntry(tp0, 10L);
            assertThat(committer.committedOffset(tp0)).isEqualTo(10);
            assertThat(metricGroup.count(EsmMetrics.COMMIT_ERROR_COUNT)).isZero();
        }

        @Test
        void batchesDeliveredWhileACommitIsInFlightGoTogetherInTheNextRequestNewestWinning() throws Exception {
            committer.commitDelivered(tp0, 10);
            committer.commitDelivered(tp0, 20);
            committer.commitDelivered(tp1, 5);
            committer.commitDelivered(tp0, 30);
            assertThat(committer.commitRequests()).as("one request in flight at most").isEqualTo(1);

            task.runNext(); // the first answer sends what waited
            assertThat(committer.commitRequests()).isEqualTo(2);
            task.runNext();

            assertThat(groupOffsets()).containsEntry(tp0, 30L).containsEntry(tp1, 5L);
            assertThat(committer.commitRequests()).as("nothing left to send").isEqualTo(2);
        }

        @Test
        void anOlderOffsetNeverMovesTheGroupBack() throws Exception {
            committer.commitDelivered(tp0, 30);
            task.runNext();
            committer.commitDelivered(tp0, 20);
            committer.onSnapshot(1, Map.of(tp0, 10L, tp1, 7L)); // taken before the batches up to 30 were done
            committer.onCheckpointComplete(1);
            task.runNext();

            assertThat(groupOffsets()).containsEntry(tp0, 30L).containsEntry(tp1, 7L);
        }

        @Test
        void aFailedCommitIsCountedAndRetriedAtTheNextCompletedCheckpointNotPerBatch() throws Exception {
            TopicPartition missing = new TopicPartition("no-such-topic-" + group, 0);
            committer.commitDelivered(missing, 3);
            task.runNext();
            assertThat(metricGroup.count(EsmMetrics.COMMIT_ERROR_COUNT)).isEqualTo(1);
            assertThat(stops).as("a failed commit is not a failure").isEmpty();

            committer.commitDelivered(tp0, 10);
            assertThat(committer.commitRequests()).as("no request until the next checkpoint").isEqualTo(1);

            kafka.createTopic(missing.topic(), 1);
            committer.onCheckpointComplete(1);
            assertThat(committer.commitRequests()).isEqualTo(2);
            task.runNext();
            assertThat(groupOffsets()).containsEntry(tp0, 10L).containsEntry(missing, 3L);
        }

        @Test
        void closingCommitsWhatWasDeliveredWhileARequestWasInFlight() throws Exception {
            committer.commitDelivered(tp0, 10);
            committer.commitDelivered(tp0, 40);
            committer.close(); // a failover or a stop: the task thread runs no more callbacks

            assertThat(groupOffsets()).containsEntry(tp0, 40L);
        }
    }

    @Nested
    class RestoredSplitsStartAtTheLaterOffset {
        private List<KafkaPartitionSplit> restore(RestoreOffsets mode, KafkaPartitionSplit... splits) {
            return new RestoredSplitStarts(() -> admin, group, mode, metrics).adjust(List.of(splits));
        }

        @Test
        void theGroupWinsWhenItCommittedPastTheCheckpoint() throws Exception {
            commitToGroup(tp0, 60);

            List<KafkaPartitionSplit> splits = restore(RestoreOffsets.LATER,
                    new KafkaPartitionSplit(tp0, 40), new KafkaPartitionSplit(tp1, 20));

            assertThat(splits).extracting(KafkaPartitionSplit::getStartingOffset).containsExactly(60L, 20L);
        }

        @Test
        void theCheckpointWinsWhenItIsLater() throws Exception {
            commitToGroup(tp0, 30);

            List<KafkaPartitionSplit> splits = restore(RestoreOffsets.LATER, new KafkaPartitionSplit(tp0, 40));

            assertThat(splits).extracting(KafkaPartitionSplit::getStartingOffset).containsExactly(40L);
        }

        @Test
        void aDeliberateRewindKeepsTheCheckpointsOffsets() throws Exception {
            commitToGroup(tp0, 90);

            List<KafkaPartitionSplit> splits = restore(RestoreOffsets.CHECKPOINT, new KafkaPartitionSplit(tp0, 10));

            assertThat(splits).extracting(KafkaPartitionSplit::getStartingOffset).containsExactly(10L);
        }

        @Test
        void recordsRetentionRemovedAreCountedAndTheSplitStartsAtTheEarliestRetained() throws Exception {
            admin.deleteRecords(Map.of(tp0, RecordsToDelete.beforeOffset(70))).all().get(30, TimeUnit.SECONDS);

            List<KafkaPartitionSplit> splits = restore(RestoreOffsets.LATER,
                    new KafkaPartitionSplit(tp0, 25), new KafkaPartitionSplit(tp1, 25));

            assertThat(splits).extracting(KafkaPartitionSplit::getStartingOffset).containsExactly(70L, 25L);
            assertThat(metricGroup.count(EsmMetrics.REMOVED_BY_RETENTION_EVENT_COUNT)).isEqualTo(45);
        }

        @Test
        void stoppingOffsetsAreKept() throws Exception {
            commitToGroup(tp0, 60);

            List<KafkaPartitionSplit> splits = restore(RestoreOffsets.LATER, new KafkaPartitionSplit(tp0, 40, 80));

            assertThat(splits.get(0).getStartingOffset()).isEqualTo(60);
            assertThat(splits.get(0).getStoppingOffset()).contains(80L);
        }
    }

    @Nested
    class AStartIsResolvedOnce {
        private Map<TopicPartition, Long> resolve(CommittedOrStartingOffsets offsets) {
            return offsets.getPartitionOffsets(List.of(tp0, tp1),
                    new KafkaSourceEnumerator.PartitionOffsetsRetrieverImpl((AdminClient) admin, group));
        }

        @Test
        void latestResolvedAgainAfterMoreRecordsStaysWhereItFirstResolved() throws Exception {
            CommittedOrStartingOffsets latest = CommittedOrStartingOffsets.resolvedOnce(
                    StartingPosition.LATEST, null, group, kafka.clientProperties());
            assertThat(resolve(latest)).containsEntry(tp0, 100L).containsEntry(tp1, 100L);

            produce(tp0, 20); // records produced after the first start, before any checkpoint
            Map<TopicPartition, Long> again = resolve(latest); // a failover or resubmission resolves again

            assertThat(again).containsEntry(tp0, 100L).containsEntry(tp1, 100L);
            assertThat(groupOffsets()).containsEntry(tp0, 100L).containsEntry(tp1, 100L);
        }

        @Test
        void aCommittedOffsetIsNeitherReplacedNorCommittedAgain() throws Exception {
            commitToGroup(tp0, 42);
            CommittedOrStartingOffsets trimHorizon = CommittedOrStartingOffsets.resolvedOnce(
                    StartingPosition.TRIM_HORIZON, null, group, kafka.clientProperties());

            assertThat(resolve(trimHorizon)).containsEntry(tp0, 42L).containsEntry(tp1, 0L);
            assertThat(groupOffsets()).containsEntry(tp0, 42L).containsEntry(tp1, 0L);
        }
    }

    @Nested
    class RecordsRemovedWhileReadingAreCounted {
        private final TaskThread task = new TaskThread();
        private final RetentionWatch watch = new RetentionWatch(() -> admin, task, metrics);

        @Test
        void aGapAboveTheEarliestRetainedOffsetIsNotCounted() throws Exception {
            watch.onStart(tp0, 0);
            for (long offset = 0; offset < 10; offset++) {
                watch.onRecord(tp0, offset);
            }
            watch.onRecord(tp0, 15); // compaction or transaction markers: the log still starts at 0
            task.runNext();

            assertThat(metricGroup.count(EsmMetrics.REMOVED_BY_RETENTION_EVENT_COUNT)).isZero();
        }

        @Test
        void offsetsSkippedBecauseRetentionRemovedThemAreCounted() throws Exception {
            watch.onStart(tp0, 20);
            for (long offset = 20; offset < 30; offset++) {
                watch.onRecord(tp0, offset);
            }
            // The partition retried past retention: its position is gone and the consumer resumes at the earliest.
            admin.deleteRecords(Map.of(tp0, RecordsToDelete.beforeOffset(60))).all().get(30, TimeUnit.SECONDS);
            watch.onRecord(tp0, 60);
            watch.onRecord(tp0, 61);
            task.runNext();

            assertThat(metricGroup.count(EsmMetrics.REMOVED_BY_RETENTION_EVENT_COUNT)).isEqualTo(30);
        }
    }
}
