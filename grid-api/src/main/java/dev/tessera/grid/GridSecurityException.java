package dev.tessera.grid;

/**
 * This member and the cluster it tried to join do not trust each other: members of the cluster were found but
 * refused this member (wrong or missing shared secret, untrusted certificate), or they run without the security
 * this member requires. Thrown by {@link GridBuilder#start()} within the join; the message names the cluster and
 * says what to change. Never contains a secret.
 */
public class GridSecurityException extends GridException {
    private static final long serialVersionUID = 1L;

    public GridSecurityException(String message) {
        super(message);
    }

    public GridSecurityException(String message, Throwable cause) {
        super(message, cause);
    }
}
