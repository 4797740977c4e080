package dev.flinkesm.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The timer against a scheduler that records what it was asked and runs tasks only when the test says. */
class WakeUpTimerTest {

    /** One scheduled task, as the fake scheduler keeps it. */
    private static final class Scheduled {
        final Runnable task;
        final long delayNanos;
        boolean cancelled;

        Scheduled(Runnable task, long delayNanos) {
            this.task = task;
            this.delayNanos = delayNanos;
        }
    }

    private final List<Scheduled> scheduled = new ArrayList<>();
    private int wakeUps;
    private final WakeUpTimer timer = new WakeUpTimer(new WakeUpTimer.Scheduler() {
        @Override
        public WakeUpTimer.Cancellable schedule(Runnable task, long delayNanos) {
            Scheduled s = new Scheduled(task, delayNanos);
            scheduled.add(s);
            return () -> s.cancelled = true;
        }

        @Override
        public void shutdown() {}
    }, () -> wakeUps++);

    private List<Long> delays() {
        return scheduled.stream().map(s -> s.delayNanos).toList();
    }

    private List<Scheduled> live() {
        return scheduled.stream().filter(s -> !s.cancelled).toList();
    }

    /** What the real scheduler does with a task that was not cancelled when its time comes. */
    private void fire(Scheduled s) {
        if (!s.cancelled) {
            s.task.run();
        }
    }

    @Test
    void aTimerNeverSchedulesANegativeOrOverflowedDelayAndLaterDeadlinesStillCount() {
        timer.wakeAt(Long.MIN_VALUE, 1_000);
        assertThat(delays()).containsExactly(0L);
        fire(scheduled.get(0));
        timer.wakeAt(5_000, 2_000);
        timer.wakeAt(6_000, 2_000); // later than the pending one: nothing new
        timer.wakeAt(4_000, 2_000); // earlier: scheduled too, the pending one cancelled
        timer.wakeAt(Long.MAX_VALUE, 2_000); // no deadline: nothing
        assertThat(delays()).containsExactly(0L, 3_000L, 2_000L);
        scheduled.forEach(this::fire);
        assertThat(wakeUps).isEqualTo(2);
    }

    @Test
    void anEarlierDeadlineCancelsThePendingWakeUpSoAtMostOneIsScheduled() {
        for (long deadline = 100_000; deadline > 0; deadline -= 10_000) {
            timer.wakeAt(deadline, 0);
            assertThat(live()).hasSize(1);
        }
        assertThat(scheduled).hasSize(10);
        assertThat(live().get(0).delayNanos).isEqualTo(10_000L);
        assertThat(timer.isPending()).isTrue();
        live().get(0).task.run();
        assertThat(wakeUps).isEqualTo(1);
        assertThat(timer.isPending()).isFalse();
    }

    @Test
    void afterAWakeUpFiredTheNextDeadlineIsScheduledAfreshEvenIfLater() {
        timer.wakeAt(1_000, 0);
        fire(scheduled.get(0));
        timer.wakeAt(50_000, 2_000);
        assertThat(delays()).containsExactly(1_000L, 48_000L);
        timer.wakeAt(60_000, 2_000); // later than the new pending one: nothing
        assertThat(scheduled).hasSize(2);
    }

    @Test
    void aSupersededWakeUpThatFiresAnywayDoesNotClearTheNewOne() {
        // The race the real scheduler allows: the old task is already running when the task thread cancels it.
        timer.wakeAt(10_000, 0);
        Scheduled old = scheduled.get(0);
        timer.wakeAt(5_000, 0);
        old.task.run(); // ran despite the cancel
        assertThat(timer.isPending()).isTrue(); // the 5,000 one still counts
        timer.wakeAt(7_000, 0); // later than the pending one: nothing new
        assertThat(scheduled).hasSize(2);
    }
}
