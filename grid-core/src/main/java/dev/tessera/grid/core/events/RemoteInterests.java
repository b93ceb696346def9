package dev.tessera.grid.core.events;

import dev.tessera.grid.core.wire.EventMessages.ListenerInterests;
import dev.tessera.grid.core.wire.EventMessages.ListenerInterests.Interest;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import dev.tessera.grid.membership.MemberId;

/**
 * What this member knows of the other members' cluster-wide listeners: per member, its latest
 * {@link ListenerInterests} snapshot (the one with the highest sequence).
 */
final class RemoteInterests {
    private record Known(long sequence, Map<String, Boolean> valuesByMap) {}

    private final Map<MemberId, Known> byMember = new ConcurrentHashMap<>();

    /** Takes {@code snapshot} as {@code member}'s unless a newer one is known; returns whether it was taken. */
    boolean apply(MemberId member, ListenerInterests snapshot) {
        Map<String, Boolean> maps = new HashMap<>();
        for (Interest i : snapshot.interests()) {
            maps.put(i.map(), i.values());
        }
        Known next = new Known(snapshot.sequence(), Map.copyOf(maps));
        Known result = byMember.merge(member, next, (cur, n) -> n.sequence >= cur.sequence ? n : cur);
        return result == next;
    }

    /** Forgets members not in {@code current}; returns whether any was forgotten. */
    boolean retain(Collection<MemberId> current) {
        return byMember.keySet().retainAll(new HashSet<>(current));
    }

    /** The members that listen to {@code map}, each with whether it wants values. */
    Map<MemberId, Boolean> listenersOf(String map) {
        Map<MemberId, Boolean> out = new HashMap<>();
        byMember.forEach((member, known) -> {
            Boolean values = known.valuesByMap.get(map);
            if (values != null) {
                out.put(member, values);
            }
        });
        return out;
    }

    Set<String> maps() {
        Set<String> out = new HashSet<>();
        byMember.values().forEach(k -> out.addAll(k.valuesByMap.keySet()));
        return out;
    }
}
