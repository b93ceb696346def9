package dev.tessera.grid.core.events;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import dev.tessera.grid.membership.MemberId;

/**
 * Per map, where this member's changes as primary must go: itself (if it has listeners of the map)
 * and the members with cluster-wide listeners of it. Recomputed whenever a registration changes,
 * so the primary's hot path is one lookup that finds nothing for maps nobody listens to.
 */
final class EventRoutes {
    /** One destination; {@code values}: whether events to it carry values. */
    record Route(MemberId target, boolean values) {}

    /** Routes of one map; {@code values}: whether any route wants values (else none are captured). */
    record Routes(Route[] routes, boolean values) {}

    private final MemberId self;
    private final Map<String, Routes> byMap = new ConcurrentHashMap<>();

    EventRoutes(MemberId self) {
        this.self = self;
    }

    /** The routes of {@code map}, or null if nobody listens to it. */
    Routes of(String map) {
        return byMap.get(map);
    }

    /** Rebuilds every map's routes from the current registrations. Serialized: the last call sees the latest state. */
    synchronized void recompute(LocalListeners local, RemoteInterests remote) {
        Set<String> maps = new HashSet<>(remote.maps());
        local.maps().forEach(maps::add);
        byMap.keySet().retainAll(maps);
        for (String map : maps) {
            List<Route> routes = new ArrayList<>();
            if (local.listens(map)) {
                routes.add(new Route(self, local.wantsValues(map)));
            }
            remote.listenersOf(map).forEach((member, values) -> {
                if (!member.equals(self)) {
                    routes.add(new Route(member, values));
                }
            });
            if (routes.isEmpty()) {
                byMap.remove(map);
            } else {
                byMap.put(map, new Routes(routes.toArray(Route[]::new), routes.stream().anyMatch(Route::values)));
            }
        }
    }
}
