package dev.flinkesm.delivery;

/**
 * How many sends one engine (one subtask) may have in flight now: additive increase, multiplicative decrease on the
 * function's throttles. AWS's poller answers a throttled function by scaling its pollers down and retrying; this is
 * that, per subtask. Every subtask adapts on its own, and their sum settles around what the function can run (its
 * reserved or the account's concurrency), as TCP's flows share a link.
 *
 * <ul>
 *   <li>Starts at the ceiling ({@code --max-concurrent-invocations}): a mapping that is never throttled runs as if
 *       there were no limit.
 *   <li>A throttle cuts the limit to {@link #DECREASE_FACTOR} of what was in flight when it came back (not of a
 *       ceiling of 256 that nobody reached), at least 1. Only throttles cut: a function error or a timeout says
 *       nothing about concurrency.
 *   <li>One cut per round: a throttle of a call sent before (or at) the last change was sent under the old limit and is
 *       already answered by the cut (else 50 simultaneous 429s would take it to 1).
 *   <li>After {@code limit} answers of calls sent since the last change (about one round trip at the limit), the
 *       limit grows by one, up to the ceiling.
 * </ul>
 *
 * <p>Invariant: {@code 1 <= current() <= ceiling}. Task thread only.
 */
final class ConcurrencyLimit {
    /**
     * TCP's 0.5 halves a subtask's share on one lost call and under-uses the function for many round trips; 0.75
     * keeps the throttled fraction under 10 % and the function over 80 % busy in {@code ThrottlingSimulationTest}
     * (two subtasks, 64 partitions, a function of concurrency 8).
     */
    static final double DECREASE_FACTOR = 0.75;

    private final int ceiling;
    private int limit;
    private long lastChangeNanos = Long.MIN_VALUE;
    private int answersSinceChange;

    ConcurrencyLimit(int ceiling) {
        if (ceiling < 1) {
            throw new IllegalArgumentException("ceiling must be >= 1, was " + ceiling);
        }
        this.ceiling = ceiling;
        this.limit = ceiling;
    }

    int current() {
        return limit;
    }

    int ceiling() {
        return ceiling;
    }

    /** The function ran a call sent at {@code sentAtNanos} (it succeeded or returned a function error). */
    void onAnswered(long sentAtNanos, long nowNanos) {
        if (limit == ceiling || sentAtNanos <= lastChangeNanos) {
            return; // at the top, or sent under an older limit (or in the same instant): says nothing about this one
        }
        if (++answersSinceChange >= limit) {
            limit++;
            changed(nowNanos);
        }
    }

    /** A call sent at {@code sentAtNanos} was throttled; {@code inFlight} sends, it included, were out. */
    void onThrottled(long sentAtNanos, int inFlight, long nowNanos) {
        if (sentAtNanos <= lastChangeNanos) {
            return; // sent under the old limit (or in the same instant): the cut already answered it
        }
        limit = Math.max(1, (int) (Math.min(limit, inFlight) * DECREASE_FACTOR));
        changed(nowNanos);
    }

    private void changed(long nowNanos) {
        lastChangeNanos = nowNanos;
        answersSinceChange = 0;
    }
}
