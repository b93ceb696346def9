package dev.tessera.grid.membership;

/**
 * A request got no reply within its timeout, or (for {@link ClusterChannel#requestBounded}) no in-flight permit
 * within it. The request may or may not have been executed by the target.
 */
public class RequestTimeoutException extends MembershipException {
    private static final long serialVersionUID = 1L;

    public RequestTimeoutException(String message) {
        super(message);
    }
}
