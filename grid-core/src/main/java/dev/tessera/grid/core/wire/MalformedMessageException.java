package dev.tessera.grid.core.wire;

/** A message that cannot be decoded. The receiver rejects and logs it; it never reaches a store. */
public final class MalformedMessageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedMessageException(String message) {
        super(message);
    }

    public MalformedMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
