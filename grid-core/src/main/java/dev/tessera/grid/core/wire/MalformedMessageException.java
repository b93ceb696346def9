package dev.tessera.grid.core.wire;

/** A message that cannot be decoded. The receiver rejects and logs it; it never reaches a store. */
public class MalformedMessageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedMessageException(String message) {
        super(message);
    }

    public MalformedMessageException(String message, Throwable cause) {
        super(message, cause);
    }

    /** For a subclass thrown on a normal path: {@code writableStackTrace} false saves the stack walk. */
    protected MalformedMessageException(String message, Throwable cause, boolean writableStackTrace) {
        super(message, cause, false, writableStackTrace);
    }
}
