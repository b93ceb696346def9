package dev.tessera.grid;

import java.util.List;

/**
 * A change of the cluster's membership.
 *
 * @param type    what happened
 * @param member  the member that joined or left ({@code null} for {@link Type#MERGED})
 * @param members the members after the change, oldest first
 */
public record MembershipEvent(Type type, Member member, List<Member> members) {
    /** Kinds of membership change. */
    public enum Type {
        /** A member joined the cluster. */
        JOINED,
        /** A member left: gracefully, or it crashed and was removed by failure detection. */
        LEFT,
        /** Two or more partitions of the cluster healed into one view. */
        MERGED
    }

    public MembershipEvent {
        members = List.copyOf(members);
    }
}
