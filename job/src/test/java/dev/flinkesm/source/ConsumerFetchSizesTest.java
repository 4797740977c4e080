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
}
