package dev.tessera.grid.membership;

/** Base of this module's unchecked exceptions; thrown as such when a channel cannot start or is closed. */
public class MembershipException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MembershipException(String message) {
        super(message);
    }

    public MembershipException(String message, Throwable cause) {
        super(message, cause);
    }
}
