package dev.flinkesm.failure;

import dev.flinkesm.invoke.InvokeResult;

/**
 * The one place that decides what an invocation's outcome means for its batch. Each case says why, in the manner of
 * the managed ESM, which retries everything that might heal and stops the mapping on what cannot.
 */
public final class InvokeClassifier {

    private InvokeClassifier() {}

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
        int status = result.statusCode();
        if (status == InvokeResult.NO_RESPONSE) {
            // Connection refused or reset, DNS, or no answer within the invoke timeout: the network or the
            // endpoint may come back, and the function may have run; retrying is at-least-once, as promised.
            return Verdict.RETRY;
        }
        if (status == 429 || status >= 500) {
            // Throttling (concurrency or rate limits) and service-side errors (including 502s for ENI, KMS or
            // runtime trouble) are transient from the caller's view; the ESM backs off and retries them.
            return Verdict.RETRY;
        }
        if (status == 409) {
            // ResourceConflictException: the function is being created or updated (state Pending). It will be
            // ready shortly.
            return Verdict.RETRY;
        }
        if (status == 413) {
            // RequestEntityTooLargeException: the batch is sized below 6 MB, so only a record that alone exceeds
            // the limit gets here. Resending the same bytes cannot succeed.
            return Verdict.PAYLOAD_TOO_LARGE;
        }
        // 404 ResourceNotFoundException (no such function or qualifier), 403 (the caller may not invoke it, or
        // its credentials are refused), 400 (the service rejects the request as invalid): the mapping's function
        // configuration is wrong. Retrying would loop forever without delivering; stop and say why.
        return Verdict.STOP_MAPPING;
    }

    /** The {@code LastProcessingResult}-style text for a request failure that stops the mapping. */
    public static String problem(InvokeResult result) {
        return result.errorCode() + " (HTTP " + result.statusCode() + "): " + result.message();
    }
}
