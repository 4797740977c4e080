package dev.flinkesm.cli.api;

import dev.flinkesm.cli.EsmError;
import dev.flinkesm.cli.FlinkRest;
import java.util.Map;

/**
 * An error as Lambda sends it: an HTTP status, the error type in the {@code x-amzn-ErrorType} header (which the SDKs
 * and botocore read to pick the exception class), and a JSON body {@code {"Type": "User"|"Service", "message": ...}}.
 */
public record ApiError(int status, String type, String message) {

    /** Lambda's status per error type; a type not listed here is a client error (400). */
    static final Map<String, Integer> STATUS = Map.ofEntries(
            Map.entry("ResourceNotFoundException", 404),
            Map.entry("InvalidParameterValueException", 400),
            Map.entry("ResourceConflictException", 409),
            Map.entry("ResourceInUseException", 400),
            Map.entry("TooManyRequestsException", 429),
            Map.entry("ServiceException", 500),
            Map.entry("UnrecognizedClientException", 403),
            Map.entry("InvalidSignatureException", 403),
            Map.entry("AccessDeniedException", 403),
            Map.entry("UnknownOperationException", 404),
            Map.entry("RequestTooLargeException", 413));

    public static ApiError of(String type, String message) {
        return new ApiError(STATUS.getOrDefault(type, 400), type, message);
    }

    /**
     * What the command's operations throw, as the API answers it. {@code ParamValidation} is the AWS CLI's own
     * client-side check (it never reaches AWS); the service's answer to the same input is
     * InvalidParameterValueException. Anything unexpected is a ServiceException: the caller may retry.
     */
    public static ApiError from(Throwable e) {
        if (e instanceof EsmError ee) {
            String type = ee.type().equals("ParamValidation") ? "InvalidParameterValueException" : ee.type();
            return of(type, ee.getMessage());
        }
        if (e instanceof FlinkRest.HttpError he) {
            return of("ServiceException", "Flink: " + he.getMessage());
        }
        if (e instanceof ApiException ae) {
            return ae.error();
        }
        return of("ServiceException", "Internal error: " + e.getClass().getSimpleName());
    }

    /** Lambda's {@code Type} member: "User" for the caller's errors, "Service" for its own. */
    public String kind() {
        return status >= 500 ? "Service" : "User";
    }

    /** Thrown by the API's own checks (routing, query parameters, authentication). */
    public static final class ApiException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient ApiError error;

        public ApiException(String type, String message) {
            super(type + ": " + message);
            this.error = ApiError.of(type, message);
        }

        public ApiError error() {
            return error;
        }
    }
}
