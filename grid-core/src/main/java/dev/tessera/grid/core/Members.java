package dev.tessera.grid.core;

import dev.tessera.grid.Member;
import dev.tessera.grid.membership.ClusterView;
import dev.tessera.grid.membership.MemberInfo;
import org.jgroups.Address;
import org.jgroups.util.UUID;

/** Converts membership-layer members to the API's {@link Member}. */
final class Members {
    private Members() {}

    static Member of(MemberInfo info) {
        return new Member(id(info.address()), info.name(), info.zone(), info.address().toString());
    }

    /** The member of {@code address} in {@code view}, or a member known only by its address. */
    static Member of(Address address, ClusterView view) {
        if (address == null) {
            return null;
        }
        return view.member(address).map(Members::of)
                .orElseGet(() -> new Member(id(address), address.toString(), null, address.toString()));
    }

    static String id(Address address) {
        return address instanceof UUID u ? u.toStringLong() : address.toString();
    }
}
