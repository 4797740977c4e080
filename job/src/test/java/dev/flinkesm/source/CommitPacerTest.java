package dev.flinkesm.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CommitPacerTest {
    private final AtomicLong now = new AtomicLong(1_000);

    @Test
    void theFirstRequestStartsAtOnceAndTheNextAnIntervalAfterIt() {
        CommitPacer pacer = new CommitPacer(100, now::get);
        assertThat(pacer.waitNanos()).isLessThanOrEqualTo(0);
        pacer.started();
        now.addAndGet(30);
        assertThat(pacer.waitNanos()).isEqualTo(70);
        now.addAndGet(70);
        assertThat(pacer.waitNanos()).isLessThanOrEqualTo(0);
        pacer.started();
        now.addAndGet(99);
        assertThat(pacer.waitNanos()).isEqualTo(1);
    }

    @Test
    void zeroNeverWaits() {
        CommitPacer pacer = new CommitPacer(0, now::get);
        pacer.started();
        assertThat(pacer.waitNanos()).isLessThanOrEqualTo(0);
    }

    @Test
    void aNegativeIntervalIsRefused() {
        assertThatThrownBy(() -> new CommitPacer(-1, now::get)).isInstanceOf(IllegalArgumentException.class);
    }
}
