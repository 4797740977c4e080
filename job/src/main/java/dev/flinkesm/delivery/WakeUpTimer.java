package dev.flinkesm.delivery;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wakes the task thread at a deadline (a batching window's end, a retry's backoff) when no record or completion
 * would. Invariants:
 *
 * <ul>
 *   <li>at most one wake-up is scheduled: asking for a deadline at or after the pending one schedules nothing, and
 *       an earlier one cancels the pending one before it is scheduled (the pending one would only wake the task
 *       again for nothing; before this, 14,000 superseded wake-ups queued at 1,024 partitions);
 *   <li>the delay is computed without overflow: a deadline at or before now (including {@code Long.MIN_VALUE})
 *       wakes at once, and never blocks later deadlines;
 *   <li>once a wake-up has fired, the next deadline is scheduled afresh.
 * </ul>
 *
 * {@link #wakeAt} runs on the task thread only; the wake-up itself on the scheduler's thread.
 */
public final class WakeUpTimer implements AutoCloseable {

    /** Runs a task after a delay; a seam for tests, which record the delays instead of waiting. */
    public interface Scheduler {
        /** Schedules {@code task}; returns what cancels it (a no-op once it ran). */
        Cancellable schedule(Runnable task, long delayNanos);

        void shutdown();
    }

    /** Cancels one scheduled task. */
    public interface Cancellable {
        void cancel();
    }

    private final Scheduler scheduler;
    private final Runnable wakeUp;
    private final AtomicLong pendingDeadline = new AtomicLong(Long.MAX_VALUE);
    /** The scheduled wake-up, or null; the task thread's. */
    private Cancellable pending;

    public WakeUpTimer(Scheduler scheduler, Runnable wakeUp) {
        this.scheduler = scheduler;
        this.wakeUp = wakeUp;
    }

    /** A scheduler on one daemon thread named for the subtask; a cancelled task leaves its queue at once. */
    public static Scheduler daemonScheduler(String threadName) {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        return new Scheduler() {
            @Override
            public Cancellable schedule(Runnable task, long delayNanos) {
                ScheduledFuture<?> future = executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
                return () -> future.cancel(false);
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
        long pendingDue = pendingDeadline.get();
        if (pendingDue <= due) {
            return;
        }
        if (pending != null) {
            // Superseded (or already fired: then cancelling does nothing). If it fires meanwhile, its
            // compareAndSet below fails, as the pending deadline is no longer its own: one extra wake-up at most.
            pending.cancel();
        }
        pendingDeadline.set(due);
        pending = scheduler.schedule(() -> {
            pendingDeadline.compareAndSet(due, Long.MAX_VALUE);
            wakeUp.run();
        }, due - nowNanos);
    }

    /** Whether a wake-up is scheduled and has not fired: for tests. */
    boolean isPending() {
        return pendingDeadline.get() != Long.MAX_VALUE;
    }

    @Override
    public void close() {
        scheduler.shutdown();
    }
}
