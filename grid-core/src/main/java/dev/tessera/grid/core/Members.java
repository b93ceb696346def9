package dev.tessera.grid.core;

import dev.tessera.grid.Member;
import dev.tessera.grid.membership.ClusterView;
import dev.tessera.grid.membership.MemberInfo;
import dev.tessera.grid.membership.MemberId;

/** Converts membership-layer members to the API's {@link Member}. */
final class Members {
    private Members() {}

    static Member of(MemberInfo info) {
        return new Member(id(info.id()), info.name(), info.zone(), info.id().toString());
    }

    /** The member of {@code address} in {@code view}, or a member known only by its address. */
    static Member of(MemberId address, ClusterView view) {
        if (address == null) {
            return null;
        }
        return view.member(address).map(Members::of)
                .orElseGet(() -> new Member(id(address), address.toString(), null, address.toString()));
    }

    static String id(MemberId address) {
        return address.uniqueName();
    }
}
