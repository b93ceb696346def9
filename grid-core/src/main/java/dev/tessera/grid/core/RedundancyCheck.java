package dev.tessera.grid.core;

import dev.tessera.grid.GridIntrospection;
import dev.tessera.grid.core.cluster.Messenger;
import dev.tessera.grid.core.cluster.StopSafetyCheck;
import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.map.GridMapImpl;
import dev.tessera.grid.core.store.LocalStorage;
import java.util.HashSet;

/**
 * How many copies this member's maps need, and whether the table and view it applied keep them: the answers of
 * {@link GridIntrospection#stopSafety()} and {@link GridIntrospection#underReplicatedPartitions()}.
 */
final class RedundancyCheck {
    private final TopologyState topology;
    private final Messenger messenger;
    private final LocalStorage storage;
    private final LocalMaps maps;
    private final MemberLifecycle lifecycle;

    RedundancyCheck(TopologyState topology, Messenger messenger, LocalStorage storage, LocalMaps maps,
                    MemberLifecycle lifecycle) {
        this.topology = topology;
        this.messenger = messenger;
        this.storage = storage;
        this.maps = maps;
        this.lifecycle = lifecycle;
    }

    /** {@link GridIntrospection#stopSafety()}: the table and view applied here, the most demanding map held or opened here. */
    GridIntrospection.StopSafety stopSafety() {
        lifecycle.ensureOpen();
        return StopSafetyCheck.check(topology.table(), new HashSet<>(messenger.view().ids()), requiredReplicas());
    }

    /** 1 + the most backups of a map held or opened here; 0 with no map (nothing to keep a copy of). */
    int requiredReplicas() {
        int required = 0;
        for (var container : storage.all()) {
            required = Math.max(required, container.replicas());
        }
        for (GridMapImpl<?, ?> map : maps.open()) {
            required = Math.max(required, 1 + map.config().totalBackups());
        }
        return required;
    }

    /** {@link GridIntrospection#underReplicatedPartitions()}: live owners only (a crashed owner holds nothing). */
    int underReplicatedPartitions() {
        return StopSafetyCheck.belowReplicas(topology.table(), new HashSet<>(messenger.view().ids()), requiredReplicas());
    }
}
