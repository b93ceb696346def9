package dev.tessera.grid.membership;

/**
 * The cluster and this member do not trust each other: members were found but refused this member, or it refused
 * them (wrong or missing shared secret, untrusted certificate). The message says which and never holds a secret.
 */
public class MembershipSecurityException extends MembershipException {
    private static final long serialVersionUID = 1L;

    public MembershipSecurityException(String message, Throwable cause) {
        super(message, cause);
    }
}
