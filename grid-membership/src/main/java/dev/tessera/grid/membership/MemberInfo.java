package dev.tessera.grid.membership;

import java.util.Objects;
import org.jgroups.Address;

/**
 * One member of the cluster as seen in a {@link ClusterView}.
 *
 * @param address the member's JGroups address (equality is by the address's UUID bits, so an address taken
 *                from a view equals the source address of that member's messages)
 * @param name    the member name it started with ({@link ChannelSettings#memberName()})
 * @param zone    the zone it declared, or {@code null} if it declared none
 * @param compatibility the fingerprint it declared ({@link ChannelSettings#compatibility()}), or {@code null}
 */
public record MemberInfo(Address address, String name, String zone, String compatibility) {
    public MemberInfo {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(name, "name");
    }

    /** A member that declared no compatibility fingerprint. */
    public MemberInfo(Address address, String name, String zone) {
        this(address, name, zone, null);
    }

    @Override
    public String toString() {
        return zone == null ? name : name + "@" + zone;
    }
}
