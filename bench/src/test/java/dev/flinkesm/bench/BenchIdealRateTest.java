package dev.flinkesm.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The slow-function rows' arithmetic on given samples (no clock involved). */
class BenchIdealRateTest {
    @Test
    void ninetyPercentIsReachedAtTheFirstSampleWhoseTrailingSecondDeliveredNinetyPercentOfIdeal() {
        IdealRate rate = new IdealRate(1000);
        rate.add(0, 0);
        rate.add(1000, 500); // 500/s over the first second
        rate.add(1200, 700);
        rate.add(2000, 1400); // 900/s over [1000, 2000]: 90 %
        rate.add(2200, 1600);

        assertThat(rate.reached90Ms()).isEqualTo(2000);
    }

    @Test
    void ninetyPercentNeverReachedReadsMinusOne() {
        IdealRate rate = new IdealRate(1000);
        for (int t = 0; t <= 5000; t += 200) {
            rate.add(t, t * 89 / 100); // 890/s
        }

        assertThat(rate.reached90Ms()).isEqualTo(-1);
    }

    @Test
    void steadyRateStartsTwoSecondsAfterTheFirstDeliveryAndEndsAtTheLastSample() {
        IdealRate rate = new IdealRate(1000);
        rate.add(1000, 0); // first delivery at 1000: start-up at any rate does not count
        rate.add(2800, 5000);
        rate.add(3000, 6000); // from here (>= 1000 + 2000)
        rate.add(5000, 7600); // 1600 records in 2 s

        assertThat(rate.steady(1000)).isCloseTo(800.0, within(1e-9));
    }

    @Test
    void steadyRateIsZeroWhenNoSampleIsTwoSecondsPastTheFirstDelivery() {
        IdealRate rate = new IdealRate(1000);
        rate.add(1000, 10);
        rate.add(2500, 20);

        assertThat(rate.steady(1000)).isZero();
    }
}
