package dev.flinkesm.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SizingRuleTest {
    // 20 MB of live heap plus 5 MB per mapping; 40 MB of metaspace plus 20 MB per mapping;
    // 300 MB resident outside the heap plus 30 MB per mapping
    private final SizingRule rule = new SizingRule(new SizingRule.Linear(20, 5), new SizingRule.Linear(40, 20),
            new SizingRule.Linear(300, 30), new SizingRule.Linear(100, 13), new SizingRule.Linear(15, 4), 2);

    @Test
    void aLineThroughTwoMeasurementsGivesTheCostOfOneMoreMapping() {
        SizingRule.Linear line = SizingRule.Linear.through(1, 130, 20, 700);
        assertThat(line.perMapping()).isCloseTo(30, within(1e-9));
        assertThat(line.fixed()).isCloseTo(100, within(1e-9));
        assertThat(line.at(10)).isCloseTo(400, within(1e-9));
    }

    @Test
    void aLineNeedsTwoDifferentMappingCounts() {
        assertThatThrownBy(() -> SizingRule.Linear.through(3, 1, 3, 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPlanGivesEveryMappingItsSlotsAndTwiceTheLiveHeap() {
        SizingRule.Plan plan = rule.plan(20, 2);
        assertThat(plan.slots()).isEqualTo(40);
        assertThat(plan.heapNeededMb()).isEqualTo(240); // 2 x (20 + 20 x 5) = 240
        assertThat(plan.heapMb()).isGreaterThanOrEqualTo(240);
        assertThat(plan.metaspaceMb()).isEqualTo(576); // 1.25 x 440 = 550, up to 64 MB steps
    }

    @Test
    void fullBufferBudgetsWinOverTheMeasuredHeapWhenTheyAreLarger() {
        SizingRule bigBudgets = new SizingRule(new SizingRule.Linear(20, 5), new SizingRule.Linear(40, 20),
                new SizingRule.Linear(300, 30), new SizingRule.Linear(100, 13), new SizingRule.Linear(15, 4), 128);
        // 15 + 20 x 4 + 20 x 128 = 2655, up to 16 MB steps
        assertThat(bigBudgets.plan(20, 1).heapNeededMb()).isEqualTo(2656);
        assertThat(bigBudgets.maxMappings(1792, 576)).isLessThan(rule.maxMappings(1792, 576));
    }

    @Test
    void theJobManagersMetaspaceGrowsWithTheMappingsItCoordinates() {
        assertThat(rule.plan(20, 1).jobManagerMetaspaceMb()).isEqualTo(512); // 1.25 x (100 + 20 x 13) = 450
        assertThat(rule.plan(2, 1).jobManagerMetaspaceMb()).isEqualTo(256); // never below Flink's default
    }

    @Test
    void aPlanHoldsTheWholeHeapAndWhatLivesOutsideIt() {
        SizingRule.Plan plan = rule.plan(20, 1);
        // outside the heap: 300 + 20 x 30 = 900 MB, x 1.25 = 1125 MB beside the heap
        assertThat(plan.processMb()).isGreaterThanOrEqualTo(plan.heapMb() + 1125);
        assertThat(plan.expectedRssMb()).isCloseTo(FlinkMemory.heapMb(plan.processMb(), plan.metaspaceMb()) + 900,
                within(1e-6));
        assertThat(rule.maxMappings(plan.processMb() - 64, plan.metaspaceMb())).isLessThan(20);
    }

    @Test
    void theMostMappingsOfATaskManagerIsTheLargestCountItsPlanFits() {
        SizingRule.Plan plan = rule.plan(12, 1);
        assertThat(rule.maxMappings(plan.processMb(), plan.metaspaceMb())).isGreaterThanOrEqualTo(12);
        assertThat(rule.maxMappings(plan.processMb(), plan.metaspaceMb())).isLessThan(rule.maxMappings(8192, 2048));
    }

    @Test
    void metaspaceCapsTheMappingCountWhateverTheProcessSize() {
        // 1.25 x (40 + 20 m) <= 256 holds up to m = 8
        assertThat(rule.maxMappings(100_000, 256)).isEqualTo(8);
    }
}
