package dev.flinkesm.cli;

/**
 * An error the command reports the way the AWS CLI does: an AWS error type and message, and an exit code (254 for
 * errors the "service" returned, 252 for parameters that fail validation before any call, 255 for anything else,
 * as the AWS CLI v2 uses them).
 */
public final class EsmError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public static final int SERVICE = 254;
    public static final int PARAMETERS = 252;
    public static final int OTHER = 255;

    private final String type;
    private final int exitCode;

    public EsmError(String type, String message, int exitCode) {
        super(message);
        this.type = type;
        this.exitCode = exitCode;
    }

    public EsmError(String type, String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.type = type;
        this.exitCode = exitCode;
    }

    public static EsmError notFound() {
        return new EsmError("ResourceNotFoundException", "The resource you requested does not exist.", SERVICE);
    }

    public static EsmError inUse(String what) {
        return new EsmError("ResourceInUseException",
                "Cannot " + what + " the event source mapping because it is in use.", SERVICE);
    }

    public static EsmError invalid(String message) {
        return new EsmError("InvalidParameterValueException", message, SERVICE);
    }

    public static EsmError service(String message, Throwable cause) {
        return new EsmError("ServiceException", message, OTHER, cause);
    }

    public String type() {
        return type;
    }

    public int exitCode() {
        return exitCode;
    }

    /** {@code ResourceNotFoundException: The resource you requested does not exist.} */
    public String describe() {
        return type + ": " + getMessage();
    }
}
