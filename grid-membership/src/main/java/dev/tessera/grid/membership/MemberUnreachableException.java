package dev.tessera.grid.membership;


/**
 * The target is not in the current view, or left the view / was suspected by failure detection before it replied.
 * The request may or may not have been executed by the target.
 */
public class MemberUnreachableException extends MembershipException {
    private static final long serialVersionUID = 1L;
    private final transient MemberId member;

    public MemberUnreachableException(MemberId member, String message) {
        super(message);
        this.member = member;
    }

    /** The unreachable member. */
    public MemberId member() {
        return member;
    }
}
