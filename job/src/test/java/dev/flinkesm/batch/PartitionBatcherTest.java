package dev.flinkesm.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flinkesm.payload.EncodedRecord;
import dev.flinkesm.payload.EventSourceKind;
import dev.flinkesm.payload.KafkaEventEncoder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PartitionBatcherTest {
    private static final KafkaEventEncoder ENCODER =
            new KafkaEventEncoder(EventSourceKind.SELF_MANAGED, "b-1.demo:9092", null);
    private static final long MS = 1_000_000L;

    private long nextOffset;

    private EncodedRecord record(int valueBytes) {
        return ENCODER.encode(new ConsumerRecord<>("orders", 3, nextOffset++, null, new byte[valueBytes]));
    }

    private static List<Long> offsets(Batch batch) {
        List<Long> offsets = new ArrayList<>();
        batch.records().forEach(r -> offsets.add(r.offset()));
        return offsets;
    }

    @Nested
    class ByCount {
        private final PartitionBatcher batcher =
                new PartitionBatcher("orders", 3, new BatchLimits(3, Duration.ofSeconds(60)), ENCODER);

        @Test
        void aBatchClosesAtBatchSizeRecordsAndIsReadyAtOnce() {
            for (int i = 0; i < 7; i++) {
                batcher.add(record(10), 0);
            }
            assertThat(offsets(batcher.pollReady(0))).containsExactly(0L, 1L, 2L);
            assertThat(offsets(batcher.pollReady(0))).containsExactly(3L, 4L, 5L);
            assertThat(batcher.pollReady(0)).as("one record still waits for its window").isNull();
            assertThat(batcher.bufferedRecords()).isEqualTo(1);
            assertThat(batcher.firstBufferedOffset()).isEqualTo(6L);
        }

        @Test
        void aFullBatchWaitingAsksForAPause() {
            batcher.add(record(10), 0);
            batcher.add(record(10), 0);
            assertThat(batcher.hasFullBatchWaiting()).isFalse();
            batcher.add(record(10), 0);
            assertThat(batcher.hasFullBatchWaiting()).isTrue();
            batcher.pollReady(0);
            assertThat(batcher.hasFullBatchWaiting()).isFalse();
        }
    }

    @Nested
    class BySize {
        @Test
        void aBatchClosesBeforeTheRecordThatWouldPassTheLimitAndKeepsTheOneThatFitsExactly() {
            EncodedRecord first = record(1000);
            EncodedRecord second = record(1000);
            long twoRecords = ENCODER.eventSize("orders", 3, 2, first.size() + second.size());
            PartitionBatcher exact = new PartitionBatcher("orders", 3,
                    new BatchLimits(100, twoRecords, Duration.ofSeconds(60)), ENCODER);
            exact.add(first, 0);
            exact.add(second, 0);
            assertThat(exact.pollReady(0)).as("two records fill the limit to the byte but do not close it").isNull();
            exact.add(record(1000), 0);
            Batch batch = exact.pollReady(0);
            assertThat(batch.size()).isEqualTo(2);
            assertThat(batch.eventBytes()).isEqualTo(twoRecords);
            assertThat(ENCODER.event(batch.records())).hasSize((int) twoRecords);
        }

        @Test
        void oneByteOverTheLimitStartsANewBatch() {
            EncodedRecord first = record(1000);
            EncodedRecord second = record(1000);
            long twoRecords = ENCODER.eventSize("orders", 3, 2, first.size() + second.size());
            PartitionBatcher tight = new PartitionBatcher("orders", 3,
                    new BatchLimits(100, twoRecords - 1, Duration.ofSeconds(60)), ENCODER);
            tight.add(first, 0);
            tight.add(second, 0);
            Batch batch = tight.pollReady(0);
            assertThat(offsets(batch)).containsExactly(first.offset());
            assertThat(batch.eventBytes()).isLessThanOrEqualTo(twoRecords - 1);
        }

        @Test
        void realSixMegabyteLimitPacksLargeRecordsAsTightlyAsPossible() {
            PartitionBatcher batcher =
                    new PartitionBatcher("orders", 3, new BatchLimits(10_000, Duration.ofSeconds(60)), ENCODER);
            for (int i = 0; i < 12; i++) {
                batcher.add(record(900_000), 0);
            }
            Batch batch = batcher.pollReady(0);
            assertThat(batch.size()).isEqualTo(5);
            assertThat(batch.eventBytes()).isLessThanOrEqualTo(BatchLimits.MAX_REQUEST_BYTES);
            long withOneMore = ENCODER.eventSize("orders", 3, 6, batch.eventBytes() + batch.records().get(0).size());
            assertThat(withOneMore).isGreaterThan(BatchLimits.MAX_REQUEST_BYTES);
        }

        @Test
        void aRecordTooLargeAloneFormsAnOversizedBatchOfItsOwn() {
            BatchLimits limits = new BatchLimits(100, 10_000, Duration.ZERO);
            PartitionBatcher batcher = new PartitionBatcher("orders", 3, limits, ENCODER);
            batcher.add(record(100), 0);
            batcher.add(record(20_000), 0);
            batcher.add(record(100), 0);
            Batch small = batcher.pollReady(0);
            Batch huge = batcher.pollReady(0);
            Batch after = batcher.pollReady(0);
            assertThat(offsets(small)).containsExactly(0L);
            assertThat(offsets(huge)).containsExactly(1L);
            assertThat(PartitionBatcher.isOversized(huge, limits)).isTrue();
            assertThat(PartitionBatcher.isOversized(small, limits)).isFalse();
            assertThat(offsets(after)).containsExactly(2L);
        }
    }

    @Nested
    class ByWindow {
        @Test
        void theWindowStartsAtTheBatchesFirstRecord() {
            PartitionBatcher batcher =
                    new PartitionBatcher("orders", 3, new BatchLimits(100, Duration.ofMillis(500)), ENCODER);
            batcher.add(record(10), 1000 * MS);
            batcher.add(record(10), 1400 * MS);
            assertThat(batcher.readyAtNanos()).isEqualTo(1500 * MS);
            assertThat(batcher.pollReady(1499 * MS)).isNull();
            assertThat(offsets(batcher.pollReady(1500 * MS))).containsExactly(0L, 1L);
            assertThat(batcher.readyAtNanos()).isEqualTo(Long.MAX_VALUE);
            batcher.add(record(10), 2000 * MS);
            assertThat(batcher.readyAtNanos()).isEqualTo(2500 * MS);
        }

        @Test
        void aZeroWindowMakesWhatIsThereReadyNow() {
            PartitionBatcher batcher =
                    new PartitionBatcher("orders", 3, new BatchLimits(100, Duration.ZERO), ENCODER);
            batcher.add(record(10), 5 * MS);
            batcher.add(record(10), 5 * MS);
            assertThat(offsets(batcher.pollReady(5 * MS))).containsExactly(0L, 1L);
            assertThat(batcher.isEmpty()).isTrue();
            assertThat(batcher.firstBufferedOffset()).isEqualTo(-1L);
        }
    }
}
