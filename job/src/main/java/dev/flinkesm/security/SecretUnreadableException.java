package dev.flinkesm.security;

/**
 * A secret that does not exist, cannot be read, or is not a JSON object of strings. The message says why in
 * words safe to log (an exception class, an AWS error code), never the secret's content.
 */
public final class SecretUnreadableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SecretUnreadableException(String why) {
        super(why);
    }

    /** "secret cannot be read (NoSuchFileException)": the failure's type, not its message (which may quote data). */
    static SecretUnreadableException cannotRead(Throwable cause) {
        return new SecretUnreadableException("secret cannot be read (" + cause.getClass().getSimpleName() + ")");
    }
}
