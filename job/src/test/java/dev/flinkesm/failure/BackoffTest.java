package dev.flinkesm.failure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));

    @Test
    void theCeilingDoublesPerRetryUpToTheMaximum() {
        assertThat(backoff.ceilingMillis(1)).isEqualTo(100);
        assertThat(backoff.ceilingMillis(2)).isEqualTo(200);
        assertThat(backoff.ceilingMillis(5)).isEqualTo(1600);
        assertThat(backoff.ceilingMillis(6)).isEqualTo(2000);
        assertThat(backoff.ceilingMillis(10_000)).isEqualTo(2000);
    }

    @Test
    void delaysStayBetweenHalfTheCeilingAndTheCeiling() {
        for (int retry = 1; retry < 40; retry++) {
            long ceiling = backoff.ceilingMillis(retry);
            for (int i = 0; i < 50; i++) {
                assertThat(backoff.delayMillis(retry)).isBetween(ceiling / 2, ceiling);
            }
        }
    }

    @Test
    void delaysAreJittered() {
        long first = backoff.delayMillis(6);
        boolean varied = false;
        for (int i = 0; i < 100 && !varied; i++) {
            varied = backoff.delayMillis(6) != first;
        }
        assertThat(varied).isTrue();
    }

    @Test
    void aMaximumBelowTheInitialDelayIsRefused() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
