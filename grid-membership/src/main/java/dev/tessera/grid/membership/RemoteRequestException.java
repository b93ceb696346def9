package dev.tessera.grid.membership;


/**
 * The target's {@link RequestHandler} failed. {@link #getMessage()} is the remote exception's message (or its class
 * name when it had none); {@link #remoteExceptionClass()} is the remote exception's class name.
 */
public class RemoteRequestException extends MembershipException {
    private static final long serialVersionUID = 1L;
    private final transient MemberId member;
    private final String remoteExceptionClass;

    public RemoteRequestException(MemberId member, String remoteExceptionClass, String message) {
        super(message);
        this.member = member;
        this.remoteExceptionClass = remoteExceptionClass;
    }

    /** The member whose handler failed. */
    public MemberId member() {
        return member;
    }

    /** Fully qualified class name of the exception the remote handler failed with. */
    public String remoteExceptionClass() {
        return remoteExceptionClass;
    }

    @Override
    public String toString() {
        return getClass().getName() + ": [" + remoteExceptionClass + " on " + member + "] " + getMessage();
    }
}
