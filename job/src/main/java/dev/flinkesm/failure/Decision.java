package dev.flinkesm.failure;

import dev.flinkesm.failure.destination.FailureCondition;

/**
 * What to do with a batch after an attempt: the first {@link #delivered()} records are done; {@link #action()}
 * applies to the rest (if any).
 */
public final class Decision {

    /** What happens to the records that were not delivered. */
    public enum Action {
        /** Nothing left to do: every record was delivered. */
        NONE,
        /** Retry the rest as one batch after a backoff; the partition waits. */
        RETRY,
        /** Split the failing batch in two and deliver each half on its own, first half first. */
        BISECT,
        /** Give up on the rest: send it to the on-failure destination, then move on. */
        DEAD_LETTER,
        /** Give up on the rest without a destination: log, count as dropped, move on. */
        DROP,
        /** Nothing can carry the rest and there is nowhere to put it: stop this partition, say why. */
        STALL,
        /** Nothing can succeed for any partition: stop the mapping once. */
        STOP_MAPPING
    }

    private final int delivered;
    private final Action action;
    private final FailureCondition condition;
    private final String reason;
    private final boolean functionFailed;

    private Decision(int delivered, Action action, FailureCondition condition, String reason, boolean functionFailed) {
        this.delivered = delivered;
        this.action = action;
        this.condition = condition;
        this.reason = reason;
        this.functionFailed = functionFailed;
    }

    static Decision allDelivered(int records) {
        return new Decision(records, Action.NONE, null, null, false);
    }

    static Decision of(int delivered, Action action, String reason) {
        return new Decision(delivered, action, null, reason, false);
    }

    static Decision givenUp(int delivered, Action action, FailureCondition condition, String reason) {
        return new Decision(delivered, action, condition, reason, false);
    }

    /** The same decision, made because the function ran and failed: it counts toward MaximumRetryAttempts. */
    Decision afterFunctionError() {
        return new Decision(delivered, action, condition, reason, true);
    }

    /**
     * True if the function ran and failed (an error, a timeout, a failed partial answer): the batch's rest carries
     * one more function error, which {@code MaximumRetryAttempts} counts. False for throttles, 5xx, no answer.
     */
    public boolean functionFailed() {
        return functionFailed;
    }

    public int delivered() {
        return delivered;
    }

    public Action action() {
        return action;
    }

    /** Why the rest was given up, for {@link Action#DEAD_LETTER} and {@link Action#DROP}. */
    public FailureCondition condition() {
        return condition;
    }

    public String reason() {
        return reason;
    }

    @Override
    public String toString() {
        return "delivered " + delivered + ", then " + action + (condition == null ? "" : " (" + condition.awsName() + ")")
                + (reason == null ? "" : ": " + reason);
    }
}
