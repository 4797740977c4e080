package dev.flinkesm.delivery;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wakes the task thread at a deadline (a batching window's end, a retry's backoff) when no record or completion
 * would. Invariants:
 *
 * <ul>
 *   <li>one wake-up is pending at most per distinct earlier deadline: asking for a deadline at or after the pending
 *       one schedules nothing;
 *   <li>the delay is computed without overflow: a deadline at or before now (including {@code Long.MIN_VALUE})
 *       wakes at once, and never blocks later deadlines;
 *   <li>once a wake-up has fired, the next deadline is scheduled afresh.
 * </ul>
 */
public final class WakeUpTimer implements AutoCloseable {

    /** Runs a task after a delay; a seam for tests, which record the delays instead of waiting. */
    public interface Scheduler {
        void schedule(Runnable task, long delayNanos);

        void shutdown();
    }

    private final Scheduler scheduler;
    private final Runnable wakeUp;
    private final AtomicLong pendingDeadline = new AtomicLong(Long.MAX_VALUE);

    public WakeUpTimer(Scheduler scheduler, Runnable wakeUp) {
        this.scheduler = scheduler;
        this.wakeUp = wakeUp;
    }

    /** A scheduler on one daemon thread named for the subtask. */
    public static Scheduler daemonScheduler(String threadName) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        return new Scheduler() {
            @Override
            public void schedule(Runnable task, long delayNanos) {
                executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            }

            @Override
            public void shutdown() {
                executor.shutdownNow();
            }
        };
    }

    /** Makes sure the task wakes at {@code deadlineNanos}; {@code Long.MAX_VALUE} asks for nothing. */
    public void wakeAt(long deadlineNanos, long nowNanos) {
        if (deadlineNanos == Long.MAX_VALUE) {
            return;
        }
        long due = Math.max(deadlineNanos, nowNanos); // a passed deadline is due now, not in the far past
        long pending = pendingDeadline.get();
        if (pending <= due) {
            return;
        }
        pendingDeadline.set(due);
        scheduler.schedule(() -> {
            pendingDeadline.compareAndSet(due, Long.MAX_VALUE);
            wakeUp.run();
        }, due - nowNanos);
    }

    @Override
    public void close() {
        scheduler.shutdown();
    }
}
