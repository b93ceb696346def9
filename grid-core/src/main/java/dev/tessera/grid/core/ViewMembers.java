package dev.tessera.grid.core;

import dev.tessera.grid.Member;
import dev.tessera.grid.membership.ClusterChannel;
import dev.tessera.grid.membership.ClusterView;
import dev.tessera.grid.membership.MemberId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API {@link Member} of a member id, as the channel's current view names it, built once per view: introspection
 * asks for every replica of every partition.
 */
final class ViewMembers {
    private final ClusterChannel channel;
    private volatile MemberCache members = new MemberCache(null);

    private record MemberCache(ClusterView view, Map<MemberId, Member> byAddress) {
        MemberCache(ClusterView view) {
            this(view, new ConcurrentHashMap<>());
        }
    }

    ViewMembers(ClusterChannel channel) {
        this.channel = channel;
    }

    /** The member of {@code address}, or {@code null} for none. */
    Member memberOf(MemberId address) {
        if (address == null) {
            return null;
        }
        ClusterView view = channel.currentView();
        MemberCache cache = members;
        if (cache.view() != view) {
            cache = new MemberCache(view);
            members = cache;
        }
        return cache.byAddress().computeIfAbsent(address, a -> Members.of(a, view));
    }
}
