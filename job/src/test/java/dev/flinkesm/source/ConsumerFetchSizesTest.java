package dev.flinkesm.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConsumerFetchSizesTest {
    private static final long MB = 1L << 20;

    @Test
    void theDefaultBudgetFetchesEightMbPerResponseAndAQuarterMbPerPartition() {
        assertThat(ConsumerFetchSizes.forBudget(128 * MB, Set.of())).containsExactly(
                Map.entry("fetch.max.bytes", Long.toString(8 * MB)),
                Map.entry("max.partition.fetch.bytes", Long.toString(256 * 1024)));
    }

    @Test
    void twoHundredFiftySixPartitionsFetchesFitInHalfTheBudget() {
        for (long budget : new long[] {32 * MB, 128 * MB, 512 * MB}) {
            assertThat(256 * ConsumerFetchSizes.partitionFetchMaxBytes(budget)).isLessThanOrEqualTo(budget / 2);
        }
    }

    @Test
    void aSmallBudgetStillFetchesAtLeastOneMbAnd64KbPerPartition() {
        assertThat(ConsumerFetchSizes.fetchMaxBytes(4 * MB)).isEqualTo(MB);
        assertThat(ConsumerFetchSizes.partitionFetchMaxBytes(4 * MB)).isEqualTo(64 * 1024);
    }

    @Test
    void aLargeBudgetStopsAtKafkasDefaults() {
        assertThat(ConsumerFetchSizes.fetchMaxBytes(4096 * MB)).isEqualTo(50 * MB);
        assertThat(ConsumerFetchSizes.partitionFetchMaxBytes(4096 * MB)).isEqualTo(MB);
    }

    @Test
    void sizesTheUserSetAreLeftAlone() {
        assertThat(ConsumerFetchSizes.forBudget(128 * MB, Set.of("max.partition.fetch.bytes"))).containsOnlyKeys(
                "fetch.max.bytes");
        assertThat(ConsumerFetchSizes.forBudget(128 * MB, Set.of("fetch.max.bytes", "max.partition.fetch.bytes")))
                .isEmpty();
    }

    @Test
    void manyPartitionsPerSubtaskShareTheBudgetTheirFetchesMustFitIn() {
        // 1,024 partitions at parallelism 2: 512 per subtask, 128 MB / (4 x 512) = 64 KB.
        assertThat(ConsumerFetchSizes.partitionsPerSubtask(1_024, 2)).isEqualTo(512);
        assertThat(ConsumerFetchSizes.forBudget(128 * MB, 512, Set.of())).containsExactly(
                Map.entry("fetch.max.bytes", Long.toString(8 * MB)),
                Map.entry("max.partition.fetch.bytes", Long.toString(64 * 1024)));
        for (int perSubtask : new int[] {300, 512, 2_000}) {
            assertThat(4 * perSubtask * ConsumerFetchSizes.partitionFetchMaxBytes(128 * MB, perSubtask))
                    .isLessThanOrEqualTo(128 * MB);
        }
    }

    @Test
    void fewPartitionsPerSubtaskKeepTheBudgetRuleAndUnknownCountsToo() {
        assertThat(ConsumerFetchSizes.partitionFetchMaxBytes(128 * MB, 64)).isEqualTo(256 * 1024); // 512 KB: the budget rule is lower
        assertThat(ConsumerFetchSizes.partitionFetchMaxBytes(128 * MB, 0)).isEqualTo(256 * 1024);
        assertThat(ConsumerFetchSizes.forBudget(128 * MB, Set.of()))
                .isEqualTo(ConsumerFetchSizes.forBudget(128 * MB, 0, Set.of()));
    }

    @Test
    void thePerPartitionLimitStaysBetween16KbAnd1Mb() {
        assertThat(ConsumerFetchSizes.partitionFetchMaxBytes(128 * MB, 100_000)).isEqualTo(16 * 1024);
        assertThat(ConsumerFetchSizes.partitionFetchMaxBytes(4096 * MB, 1_024)).isEqualTo(MB);
    }

    @Test
    void partitionsPerSubtaskRoundUpAndAreUnknownWithoutCounts() {
        assertThat(ConsumerFetchSizes.partitionsPerSubtask(1_025, 2)).isEqualTo(513);
        assertThat(ConsumerFetchSizes.partitionsPerSubtask(3, 8)).isEqualTo(1);
        assertThat(ConsumerFetchSizes.partitionsPerSubtask(0, 2)).isZero();
        assertThat(ConsumerFetchSizes.partitionsPerSubtask(64, 0)).isZero();
    }

    @Test
    void aUserSetPartitionFetchSizeWinsWhateverThePartitionCount() {
        assertThat(ConsumerFetchSizes.forBudget(128 * MB, 512, Set.of("max.partition.fetch.bytes")))
                .containsOnlyKeys("fetch.max.bytes");
    }
}
