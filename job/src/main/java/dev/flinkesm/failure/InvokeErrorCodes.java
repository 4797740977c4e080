package dev.flinkesm.failure;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What each error code Lambda's Invoke API (and the AWS request layer in front of it) can answer means for a
 * mapping. The rule: back off and retry (uncounted: the function did not run) what can heal without touching the mapping (throttles, service trouble, a function being
 * updated or repaired, credentials refreshing, a clock re-synchronizing); stop the mapping with
 * {@code FUNCTION_CONFIG_NOT_VALID} only where the mapping itself names something that cannot be invoked, so that
 * retrying would loop forever. Codes are matched without case: the SDK's model spells some differently
 * ({@code Ec2ThrottledException}) from the wire ({@code EC2ThrottledException}).
 */
final class InvokeErrorCodes {

    private static final Map<String, Verdict> VERDICTS = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    static {
        // Throttling and service-side trouble: transient by definition.
        backoff("TooManyRequestsException"); // 429: concurrency or request rate limits
        backoff("ServiceException"); // 500: Lambda's own error
        backoff("ServiceQuotaExceededException");
        // The function is being created, updated, re-activated or restored from a snapshot: ready shortly.
        backoff("ResourceConflictException"); // 409: state Pending / update in progress
        backoff("ResourceNotReadyException"); // 502: function inactive, being re-activated
        backoff("SnapStartNotReadyException");
        backoff("SnapStartTimeoutException");
        backoff("SnapStartException");
        backoff("SnapStartRegenerationFailureException");
        backoff("EniNotReadyException");
        // The function's own configuration (VPC, KMS, file systems, code, runtime) fails. The user repairs it on the
        // function, not on the mapping, and the mapping must then go on where it was: AWS's poller keeps retrying
        // and reports "PROBLEM: Function call failed" meanwhile.
        for (String code : new String[] {
            "EC2ThrottledException", "EC2UnexpectedException", "EC2AccessDeniedException",
            "ENILimitReachedException", "SubnetIPAddressLimitReachedException", "InvalidSubnetIDException",
            "InvalidSecurityGroupIDException", "KMSAccessDeniedException", "KMSDisabledException",
            "KMSInvalidStateException", "KMSNotFoundException", "EFSIOException", "EFSMountConnectivityException",
            "EFSMountFailureException", "EFSMountTimeoutException", "S3FilesMountConnectivityException",
            "S3FilesMountFailureException", "S3FilesMountTimeoutException", "InvalidRuntimeException",
            "InvalidZipFileException", "CodeArtifactUserDeletedException", "CodeArtifactUserFailedException",
            "CodeArtifactUserPendingException", "InvalidCodeSignatureException", "CodeVerificationFailedException",
            "RecursiveInvocationException", "DurableExecutionAlreadyStartedException", "CallbackTimeoutException",
            "CapacityProviderLimitExceededException",
        }) {
            backoff(code);
        }
        // Credentials that expire or a clock that drifted: the SDK refreshes credentials from its provider chain and
        // corrects clock skew on the next request, so these heal at the next attempt or refresh.
        backoff("ExpiredTokenException");
        backoff("ExpiredToken");
        backoff("RequestExpired");
        backoff("InvalidSignatureException"); // includes "Signature expired" for clock skew
        backoff("SignatureDoesNotMatch");
        backoff("RequestTimeTooSkewed");
        // The request body is too large: split, or one record alone is over the limit.
        VERDICTS.put("RequestTooLargeException", Verdict.PAYLOAD_TOO_LARGE); // 413
        VERDICTS.put("RequestEntityTooLargeException", Verdict.PAYLOAD_TOO_LARGE);
        VERDICTS.put("SerializedRequestEntityTooLargeException", Verdict.PAYLOAD_TOO_LARGE);
        // The mapping names something that cannot be invoked, whatever happens to the function meanwhile.
        stop("ResourceNotFoundException"); // 404: no such function, alias or version
        stop("NoPublishedVersionException"); // the qualifier asks for a version never published
        stop("AccessDeniedException"); // 403: the caller may not lambda:InvokeFunction
        stop("AccessDenied");
        stop("UnrecognizedClientException"); // 403: the access key is unknown (not expired: unknown)
        stop("InvalidClientTokenId");
        stop("InvalidParameterValueException"); // 400: e.g. a malformed qualifier
        stop("ModeNotSupportedException");
        // Our event is JSON of the documented shape: resending the same bytes cannot pass.
        stop("InvalidRequestContentException"); // 400
        stop("UnsupportedMediaTypeException"); // 415
    }

    private InvokeErrorCodes() {}

    /** The verdict for a known code, or null if this table has none (the caller decides by status). */
    static Verdict verdict(String errorCode) {
        return errorCode == null ? null : VERDICTS.get(errorCode.toLowerCase(Locale.ROOT));
    }

    /** True for the codes that say the function's concurrency (or an ENI's rate) is used up: a throttle. */
    static boolean isThrottle(String errorCode) {
        return "TooManyRequestsException".equalsIgnoreCase(errorCode)
                || "EC2ThrottledException".equalsIgnoreCase(errorCode);
    }

    /** Every entry is "the function did not run": backed off, never counted as a retry. */
    private static void backoff(String code) {
        VERDICTS.put(code, Verdict.BACKOFF);
    }

    private static void stop(String code) {
        VERDICTS.put(code, Verdict.STOP_MAPPING);
    }
}
