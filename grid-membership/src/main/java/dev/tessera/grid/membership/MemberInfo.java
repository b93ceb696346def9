package dev.tessera.grid.membership;

import java.util.Objects;

/**
 * One member of the cluster as seen in a {@link ClusterView}.
 *
 * @param id      the member's id (equality is by the transport address, so an id taken
 *                from a view equals the sender id of that member's messages)
 * @param name    the member name it started with ({@link ChannelSettings#memberName()})
 * @param zone    the zone it declared, or {@code null} if it declared none
 * @param compatibility the fingerprint it declared ({@link ChannelSettings#compatibility()}), or {@code null}
 */
public record MemberInfo(MemberId id, String name, String zone, String compatibility) {
    public MemberInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
    }

    /** A member that declared no compatibility fingerprint. */
    public MemberInfo(MemberId id, String name, String zone) {
        this(id, name, zone, null);
    }

    @Override
    public String toString() {
        return zone == null ? name : name + "@" + zone;
    }
}
