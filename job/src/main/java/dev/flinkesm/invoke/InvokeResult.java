package dev.flinkesm.invoke;

/**
 * What one Invoke call came back with. Exactly one of three shapes, matching the three ways Lambda answers:
 *
 * <ul>
 *   <li>{@link Kind#SUCCESS}: HTTP 200 without {@code X-Amz-Function-Error}; {@link #body()} is the function's result.
 *   <li>{@link Kind#FUNCTION_ERROR}: HTTP 200 with {@code X-Amz-Function-Error}; the function ran and threw, or timed
 *       out. {@link #functionError()} holds the header, {@link #body()} the error document.
 *   <li>{@link Kind#REQUEST_FAILURE}: the service refused the request (4xx/5xx, with {@link #errorCode()}) or no
 *       answer came (connection refused, timeout: {@link #statusCode()} is {@code -1}).
 * </ul>
 */
public final class InvokeResult {

    public enum Kind {
        SUCCESS,
        FUNCTION_ERROR,
        REQUEST_FAILURE
    }

    /** Status for a request that got no HTTP answer at all. */
    public static final int NO_RESPONSE = -1;

    private final Kind kind;
    private final int statusCode;
    private final byte[] body;
    private final String functionError;
    private final String executedVersion;
    private final String errorCode;
    private final String message;

    private InvokeResult(
            Kind kind,
            int statusCode,
            byte[] body,
            String functionError,
            String executedVersion,
            String errorCode,
            String message) {
        this.kind = kind;
        this.statusCode = statusCode;
        this.body = body;
        this.functionError = functionError;
        this.executedVersion = executedVersion;
        this.errorCode = errorCode;
        this.message = message;
    }

    public static InvokeResult success(int statusCode, byte[] body, String executedVersion) {
        return new InvokeResult(Kind.SUCCESS, statusCode, body, null, executedVersion, null, null);
    }

    public static InvokeResult functionError(
            int statusCode, String functionError, byte[] body, String executedVersion) {
        return new InvokeResult(
                Kind.FUNCTION_ERROR, statusCode, body, functionError, executedVersion, null, null);
    }

    /**
     * @param statusCode HTTP status, or {@link #NO_RESPONSE}
     * @param errorCode the service's error code ({@code TooManyRequestsException}, ...), or the client exception's
     *     simple class name when there was no response
     */
    public static InvokeResult requestFailure(int statusCode, String errorCode, String message) {
        return new InvokeResult(Kind.REQUEST_FAILURE, statusCode, null, null, null, errorCode, message);
    }

    public Kind kind() {
        return kind;
    }

    public int statusCode() {
        return statusCode;
    }

    public byte[] body() {
        return body;
    }

    public String functionError() {
        return functionError;
    }

    public String executedVersion() {
        return executedVersion;
    }

    public String errorCode() {
        return errorCode;
    }

    public String message() {
        return message;
    }

    @Override
    public String toString() {
        switch (kind) {
            case SUCCESS:
                return "success (" + statusCode + ")";
            case FUNCTION_ERROR:
                return "function error " + functionError;
            default:
                return "request failure " + (statusCode == NO_RESPONSE ? "without response" : statusCode)
                        + " " + errorCode + ": " + message;
        }
    }
}
