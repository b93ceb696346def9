package dev.tessera.grid.membership;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jgroups.Address;
import org.jgroups.JChannel;
import org.jgroups.MergeView;
import org.jgroups.View;
import org.jgroups.util.ExtendedUUID;
import org.jgroups.util.NameCache;

/**
 * Who the members are: a member's name, zone and compatibility fingerprint travel in its address, an
 * {@link ExtendedUUID} with three attributes made by an address generator; JGroups serializes the full address in
 * views (and merge views), so every member reads them from there. Turns JGroups views into {@link ClusterView}s and
 * names addresses for messages and logs. Thread-safe.
 */
final class MemberDirectory {
    static final String ATTR_NAME = "tessera.name";
    static final String ATTR_ZONE = "tessera.zone";
    static final String ATTR_COMPATIBILITY = "tessera.compat";

    /** Name/zone of every member seen so far, in case some view carries an address without attributes. */
    private final Map<Address, MemberInfo> known = new ConcurrentHashMap<>();
    private final Supplier<ClusterView> currentView;

    MemberDirectory(Supplier<ClusterView> currentView) {
        this.currentView = currentView;
    }

    /** Makes {@code channel} give itself an address that carries this member's attributes. */
    static void announce(JChannel channel, ChannelSettings settings) {
        String member = settings.memberName();
        byte[] name = member.getBytes(StandardCharsets.UTF_8);
        byte[] zone = settings.zone() == null ? null : settings.zone().getBytes(StandardCharsets.UTF_8);
        byte[] compat = settings.compatibility() == null ? null : settings.compatibility().getBytes(StandardCharsets.UTF_8);
        channel.name(member);
        channel.addAddressGenerator(() -> {
            ExtendedUUID uuid = ExtendedUUID.randomUUID(member);
            uuid.put(ATTR_NAME, name);
            if (zone != null) {
                uuid.put(ATTR_ZONE, zone);
            }
            if (compat != null) {
                uuid.put(ATTR_COMPATIBILITY, compat);
            }
            return uuid;
        });
    }

    ClusterView toClusterView(View v) {
        List<MemberInfo> members = new ArrayList<>(v.size());
        for (Address a : v.getMembers()) {
            members.add(memberInfo(a));
        }
        return new ClusterView(v.getViewId().getId(), members, v instanceof MergeView);
    }

    MemberInfo memberInfo(Address a) {
        if (a instanceof ExtendedUUID ext && ext.keyExists(ATTR_NAME)) {
            byte[] z = ext.get(ATTR_ZONE);
            byte[] c = ext.get(ATTR_COMPATIBILITY);
            MemberInfo info = new MemberInfo(MemberId.of(a), new String(ext.get(ATTR_NAME), StandardCharsets.UTF_8),
                    z == null ? null : new String(z, StandardCharsets.UTF_8),
                    c == null ? null : new String(c, StandardCharsets.UTF_8));
            known.put(a, info);
            return info;
        }
        MemberInfo k = known.get(a);
        if (k != null) {
            return new MemberInfo(MemberId.of(a), k.name(), k.zone(), k.compatibility());
        }
        String logical = NameCache.get(a);
        return new MemberInfo(MemberId.of(a), logical != null ? logical : String.valueOf(a), null);
    }

    /** The member's name for messages: from the current view, an earlier one, or JGroups' logical name. */
    String nameOf(MemberId id) {
        ClusterView v = currentView.get();
        if (v != null) {
            for (MemberInfo m : v.members()) {
                if (m.id().equals(id)) {
                    return m.name();
                }
            }
        }
        MemberInfo k = known.get(id.address());
        if (k != null) {
            return k.name();
        }
        String logical = NameCache.get(id.address());
        return logical != null ? logical : String.valueOf(id);
    }

    /** Forgets the members {@code v} does not have. */
    void retainMembersOf(ClusterView v) {
        known.keySet().removeIf(a -> !v.contains(MemberId.of(a)));
    }
}
