package dev.flinkesm.failure;

import dev.flinkesm.batch.Batch;
import dev.flinkesm.failure.destination.FailureCondition;
import dev.flinkesm.invoke.InvokeResult;

/**
 * The one place that decides what an invocation's outcome means for its batch: deliver, retry, bisect, dead-letter,
 * drop, stop the partition or stop the mapping. Each case says why, in the manner of the managed ESM, which retries
 * what might heal and stops on what cannot.
 */
public final class OutcomeClassifier {

    private OutcomeClassifier() {}

    /** The decision for {@code batch} after {@code result}, under the mapping's failure controls. */
    public static Decision decide(Batch batch, InvokeResult result, FailurePolicy policy, long nowMillis) {
        switch (classify(result)) {
            case DELIVERED:
                if (!policy.reportBatchItemFailures()) {
                    return Decision.allDelivered(batch.size());
                }
                // ReportBatchItemFailures: the function said which records failed. Records before the first one are
                // done; that record and the rest are retried in order, as one batch: the function named where to cut,
                // so halving (BisectBatchOnFunctionError) would only cost invocations. A response naming nothing in
                // this batch, or not readable, fails the batch whole, like a function error (which may halve).
                int firstFailed = BatchItemFailures.firstFailedIndex(result.body(), batch);
                if (firstFailed == BatchItemFailures.NONE) {
                    return Decision.allDelivered(batch.size());
                }
                if (firstFailed == BatchItemFailures.INVALID) {
                    return afterFunctionFailure(batch, 0, true, policy, nowMillis,
                            "the function's partial batch response names no record of this batch");
                }
                return afterFunctionFailure(batch, firstFailed, false, policy, nowMillis,
                        "the function reported item failures");
            case RETRY:
                // The function ran and failed: this counts toward MaximumRetryAttempts and may bisect.
                return afterFunctionFailure(batch, 0, true, policy, nowMillis, String.valueOf(result));
            case BACKOFF:
                // The function never ran (throttled, Lambda's 5xx, no answer): retried until the records are too old,
                // never counted toward MaximumRetryAttempts, never bisected (it says nothing about the records).
                return afterInvocationFailure(batch, policy, nowMillis, String.valueOf(result));
            case PAYLOAD_TOO_LARGE:
                return tooLarge(batch, policy, "Lambda refused the request as too large: " + problem(result));
            case STOP_MAPPING:
            default:
                return Decision.of(0, Decision.Action.STOP_MAPPING, problem(result));
        }
    }

    /**
     * A batch whose event Lambda cannot accept. Several records: split it, so each part gets through on its own (the
     * split is no retry and counts no attempt). One record: it alone is over the limit; it is never silently
     * skipped.
     */
    public static Decision tooLarge(Batch batch, FailurePolicy policy, String reason) {
        if (batch.size() > 1) {
            return Decision.of(0, Decision.Action.BISECT, reason);
        }
        if (policy.hasDestination()) {
            // The destination keeps the record for a person to look at; the partition moves on.
            return Decision.givenUp(0, Decision.Action.DEAD_LETTER, FailureCondition.MAXIMUM_PAYLOAD_SIZE_EXCEEDED,
                    reason);
        }
        // Without a destination, moving on would lose the record silently: stop this partition instead.
        return Decision.of(0, Decision.Action.STALL, reason + ", and no on-failure destination is set");
    }

    /**
     * After the function ran and failed on the records from {@code delivered} on. The failure is counted (the batch's
     * function errors plus this one) against MaximumRetryAttempts.
     */
    private static Decision afterFunctionFailure(Batch batch, int delivered, boolean mayBisect, FailurePolicy policy,
            long nowMillis, String reason) {
        int rest = batch.size() - delivered;
        if (mayBisect && policy.bisect() && rest > 1) {
            // BisectBatchOnFunctionError: halve until the poison record is alone; the good records get through.
            return Decision.of(delivered, Decision.Action.BISECT, reason).afterFunctionError();
        }
        if (policy.retriesExhausted(batch.functionErrors() + 1)) {
            return giveUp(delivered, policy, FailureCondition.RETRY_ATTEMPTS_EXHAUSTED, reason).afterFunctionError();
        }
        if (policy.recordAgeExceeded(batch.oldestTimestamp(), nowMillis)) {
            return giveUp(delivered, policy, FailureCondition.RECORD_AGE_EXCEEDED, reason).afterFunctionError();
        }
        // Retries left (infinite by default, as on AWS): the partition waits for this batch, in order.
        return Decision.of(delivered, Decision.Action.RETRY, reason).afterFunctionError();
    }

    /**
     * After an invocation the function never ran. AWS retries these "until the records expire or exceed
     * MaximumRecordAgeInSeconds": only the records' age ends it, whatever MaximumRetryAttempts says.
     */
    private static Decision afterInvocationFailure(Batch batch, FailurePolicy policy, long nowMillis, String reason) {
        if (policy.recordAgeExceeded(batch.oldestTimestamp(), nowMillis)) {
            return giveUp(0, policy, FailureCondition.RECORD_AGE_EXCEEDED, reason);
        }
        return Decision.of(0, Decision.Action.RETRY, reason);
    }

    /**
     * A batch whose oldest record is older than MaximumRecordAgeInSeconds before it is sent: AWS's limit is "the
     * maximum age of a record that Lambda sends to your function", so it is given up unsent.
     */
    public static Decision tooOld(Batch batch, FailurePolicy policy) {
        return giveUp(0, policy, FailureCondition.RECORD_AGE_EXCEEDED,
                "records older than MaximumRecordAgeInSeconds are not sent");
    }

    /** True if the function was throttled (its concurrency or an ENI's rate used up): what lowers the concurrency. */
    public static boolean isThrottle(InvokeResult result) {
        if (result.kind() == InvokeResult.Kind.SUCCESS || result.kind() == InvokeResult.Kind.FUNCTION_ERROR) {
            return false;
        }
        return result.statusCode() == 429 || InvokeErrorCodes.isThrottle(result.errorCode());
    }

    private static Decision giveUp(int delivered, FailurePolicy policy, FailureCondition condition, String reason) {
        // With a destination the records are kept there; without one AWS drops them and moves on.
        return Decision.givenUp(delivered, policy.hasDestination() ? Decision.Action.DEAD_LETTER : Decision.Action.DROP,
                condition, reason);
    }

    /** What a single invocation result means, before the mapping's failure controls are applied. */
    public static Verdict classify(InvokeResult result) {
        switch (result.kind()) {
            case SUCCESS:
                // 200 without X-Amz-Function-Error: the function returned normally.
                return Verdict.DELIVERED;
            case FUNCTION_ERROR:
                // The function threw, ran out of memory or timed out. Lambda's ESM retries the whole batch: the
                // function may have failed on a dependency that comes back, and order forbids skipping ahead.
                return Verdict.RETRY;
            default:
                return classifyRequestFailure(result);
        }
    }

    private static Verdict classifyRequestFailure(InvokeResult result) {
        Verdict byCode = InvokeErrorCodes.verdict(result.errorCode());
        if (byCode != null) {
            return byCode;
        }
        int status = result.statusCode();
        if (status == InvokeResult.NO_RESPONSE) {
            // Connection refused or reset, DNS, or no answer within the invoke timeout: the network or the
            // endpoint may come back, and the function may have run; retrying is at-least-once, as promised. AWS
            // counts client timeouts and connection failures as invocation errors: never toward the retries.
            return Verdict.BACKOFF;
        }
        if (status == 429 || status >= 500) {
            // Throttling (concurrency or rate limits) and service-side errors (including 502s for ENI, KMS or
            // runtime trouble) are transient from the caller's view; the ESM backs off and retries them.
            return Verdict.BACKOFF;
        }
        if (status == 409) {
            // ResourceConflictException: the function is being created or updated (state Pending). It will be
            // ready shortly.
            return Verdict.BACKOFF;
        }
        if (status == 413) {
            // RequestEntityTooLargeException: the batch is sized below 6 MB, so only a record that alone exceeds
            // the limit gets here. Resending the same bytes cannot succeed.
            return Verdict.PAYLOAD_TOO_LARGE;
        }
        if (status == 404) {
            // A 404 without a known code is still "no such function or qualifier".
            return Verdict.STOP_MAPPING;
        }
        // Any other answer we have no entry for (a code newer than this table, or a proxy's answer): retry. Stopping
        // the mapping over something not understood would need an operator for what may heal by itself; retrying
        // keeps every record, and the retries are visible in logs and metrics. The function did not run (no
        // X-Amz-Function-Error), so it does not count toward MaximumRetryAttempts; MaximumRecordAgeInSeconds ends it.
        return Verdict.BACKOFF;
    }

    /** The {@code LastProcessingResult}-style text for a request failure. */
    public static String problem(InvokeResult result) {
        return result.errorCode() + " (HTTP " + result.statusCode() + "): " + result.message();
    }
}
