package dev.flinkesm.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConcurrencyLimitTest {
    private static final long MS = 1_000_000L;

    @Test
    void startsAtTheCeiling() {
        assertThat(new ConcurrencyLimit(256).current()).isEqualTo(256);
    }

    @Test
    void aThrottleCutsFromWhatWasInFlightNotFromTheCeiling() {
        ConcurrencyLimit limit = new ConcurrencyLimit(256);
        limit.onThrottled(0, 64, 10 * MS);
        assertThat(limit.current()).isEqualTo(48);
    }

    @Test
    void throttlesOfCallsSentBeforeTheCutDoNotCutAgain() {
        ConcurrencyLimit limit = new ConcurrencyLimit(256);
        for (int i = 0; i < 56; i++) {
            limit.onThrottled(5 * MS, 64 - i, 10 * MS + i); // one round of simultaneous 429s
        }
        assertThat(limit.current()).isEqualTo(48);
        limit.onThrottled(11 * MS, 40, 20 * MS); // sent after the cut: a new round
        assertThat(limit.current()).isEqualTo(30);
    }

    @Test
    void climbsByOneAfterARoundOfAnswersToCallsSentSinceTheLastChange() {
        ConcurrencyLimit limit = new ConcurrencyLimit(16);
        limit.onThrottled(0, 8, 100 * MS); // -> 6
        limit.onAnswered(50 * MS, 110 * MS); // sent before the cut: not counted
        for (int i = 0; i < 5; i++) {
            limit.onAnswered(100 * MS + 1 + i, 200 * MS + i);
        }
        assertThat(limit.current()).isEqualTo(6);
        limit.onAnswered(106 * MS, 206 * MS);
        assertThat(limit.current()).isEqualTo(7);
        limit.onAnswered(150 * MS, 250 * MS); // sent before the climb: counts for no further climb
        assertThat(limit.current()).isEqualTo(7);
    }

    @Test
    void staysBetweenOneAndTheCeiling() {
        ConcurrencyLimit limit = new ConcurrencyLimit(3);
        long now = 0;
        for (int i = 0; i < 10; i++) {
            limit.onThrottled(++now, 1, ++now);
        }
        assertThat(limit.current()).isEqualTo(1);
        for (int i = 0; i < 100; i++) {
            limit.onAnswered(++now, ++now);
        }
        assertThat(limit.current()).isEqualTo(3);
        assertThatThrownBy(() -> new ConcurrencyLimit(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
