package dev.tessera.grid.core.events;

import dev.tessera.grid.core.wire.EventMessages.ListenerInterests.Interest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** The entry listeners registered on this member, per map. */
final class LocalListeners {
    private final Map<String, List<ListenerDelivery>> byMap = new ConcurrentHashMap<>();

    void add(ListenerDelivery d) {
        byMap.computeIfAbsent(d.map(), m -> new CopyOnWriteArrayList<>()).add(d);
    }

    void remove(ListenerDelivery d) {
        byMap.computeIfPresent(d.map(), (m, list) -> {
            list.remove(d);
            return list.isEmpty() ? null : list;
        });
    }

    /** Every listener of {@code map} (cluster-wide and local ones): they hear this member's changes. */
    List<ListenerDelivery> of(String map) {
        return byMap.getOrDefault(map, List.of());
    }

    /** Whether {@code map} has a listener here. */
    boolean listens(String map) {
        return !of(map).isEmpty();
    }

    /** Whether any listener of {@code map} here wants values. */
    boolean wantsValues(String map) {
        return of(map).stream().anyMatch(ListenerDelivery::wantsValues);
    }

    Iterable<String> maps() {
        return byMap.keySet();
    }

    /** The maps with cluster-wide listeners here: what other members must send this one. */
    List<Interest> interests() {
        List<Interest> out = new ArrayList<>();
        byMap.forEach((map, list) -> {
            boolean any = false;
            boolean values = false;
            for (ListenerDelivery d : list) {
                if (d.clusterWide()) {
                    any = true;
                    values |= d.wantsValues();
                }
            }
            if (any) {
                out.add(new Interest(map, values));
            }
        });
        return out;
    }
}
