package dev.tessera.grid.core;

import dev.tessera.grid.GridIntrospection;
import dev.tessera.grid.Member;
import dev.tessera.grid.Registration;
import dev.tessera.grid.core.mapstore.MapStoreService;
import dev.tessera.grid.core.routing.OperationInvoker;
import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.nearcache.NearCacheRegistry;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.store.LocalStorage;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.PartitionStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import dev.tessera.grid.membership.MemberId;

/** {@link GridIntrospection} from this member's applied table and local storage. */
final class Introspection implements GridIntrospection {
    private final TopologyState topology;
    private final LocalStorage storage;
    private final Function<MemberId, Member> memberOf;
    private final NearCacheRegistry nearCaches;
    private final java.util.function.Supplier<RejectedMessages> rejected;
    private final LongSupplier refusedMembers;
    private final java.util.function.Supplier<StopSafety> stopSafety;
    private final java.util.function.IntSupplier underReplicated;
    private final java.util.function.IntSupplier requiredReplicas;
    private final OperationInvoker invoker;
    private final MapStoreService mapStores;
    private final String clusterName;
    private final LongSupplier viewId;
    private final LongSupplier messagesSent;
    private final java.util.function.Supplier<MigrationProgress> migrationProgress;

    Introspection(TopologyState topology, LocalStorage storage, Function<MemberId, Member> memberOf, NearCacheRegistry nearCaches,
                  java.util.function.Supplier<RejectedMessages> rejected, LongSupplier refusedMembers,
                  java.util.function.Supplier<StopSafety> stopSafety, java.util.function.IntSupplier requiredReplicas,
                  java.util.function.IntSupplier underReplicated,
                  OperationInvoker invoker, MapStoreService mapStores,
                  String clusterName, LongSupplier viewId, LongSupplier messagesSent,
                  java.util.function.Supplier<MigrationProgress> migrationProgress) {
        this.viewId = viewId;
        this.messagesSent = messagesSent;
        this.migrationProgress = migrationProgress;
        this.stopSafety = stopSafety;
        this.underReplicated = underReplicated;
        this.requiredReplicas = requiredReplicas;
        this.clusterName = clusterName;
        this.invoker = invoker;
        this.mapStores = mapStores;
        this.rejected = rejected;
        this.refusedMembers = refusedMembers;
        this.topology = topology;
        this.storage = storage;
        this.memberOf = memberOf;
        this.nearCaches = nearCaches;
    }

    @Override
    public RejectedMessages rejectedMessages() {
        return rejected.get();
    }

    @Override
    public Map<String, NearCacheStats> nearCacheStats() {
        return nearCaches.stats();
    }

    @Override
    public long refusedMembers() {
        return refusedMembers.getAsLong();
    }

    @Override
    public StopSafety stopSafety() {
        return stopSafety.get();
    }

    @Override
    public String clusterName() {
        return clusterName;
    }

    @Override
    public PartitionTableView partitionTable() {
        PartitionTable t = topology.table();
        List<PartitionView> partitions = new ArrayList<>(t.partitionCount());
        for (int p = 0; p < t.partitionCount(); p++) {
            List<MemberId> owners = t.owners(p);
            partitions.add(new PartitionView(p, owners.isEmpty() ? null : memberOf.apply(owners.get(0)),
                    members(owners.subList(Math.min(1, owners.size()), owners.size()))));
        }
        return new PartitionTableView(t.version(), members(List.copyOf(t.members())), partitions);
    }

    @Override
    public long viewId() {
        return viewId.getAsLong();
    }

    @Override
    public List<MigrationView> migrations() {
        PartitionTable t = topology.table();
        List<MigrationView> out = new ArrayList<>();
        for (int p = 0; p < t.partitionCount(); p++) {
            if (t.isMigrating(p)) {
                out.add(new MigrationView(p, members(t.owners(p)), members(t.target(p))));
            }
        }
        return out;
    }

    @Override
    public MigrationProgress migrationProgress() {
        return migrationProgress.get();
    }

    @Override
    public Map<String, MapStats> localMapStats() {
        PartitionTable t = topology.table();
        Map<String, MapStats> out = new TreeMap<>();
        for (MapContainer map : storage.all()) {
            long primary = 0;
            long backup = 0;
            long bytes = 0;
            long heapCost = 0;
            for (int p = 0; p < map.partitionCount(); p++) {
                PartitionStore store = map.peek(p);
                if (store.isEmpty()) {
                    continue;
                }
                int live = store.liveCount();
                if (topology.self().equals(t.primary(p))) {
                    primary += live;
                    heapCost += store.heapCost();
                } else {
                    backup += live;
                }
                bytes += store.liveBytes();
            }
            out.put(map.name(), new MapStats(primary, backup, bytes, heapCost, map.evictions(), map.expirations()));
        }
        return out;
    }

    @Override
    public Map<String, MapOperations> mapOperations() {
        Map<String, MapOperations> out = new TreeMap<>();
        for (MapContainer map : storage.all()) {
            out.put(map.name(), map.operations().snapshot());
        }
        return out;
    }

    @Override
    public Map<String, MapStoreStats> mapStoreStats() {
        return mapStores.stats();
    }

    @Override
    public OperationStats operationStats() {
        return new OperationStats(invoker.retries(), invoker.timeouts(), messagesSent.getAsLong());
    }

    @Override
    public Ownership ownership() {
        PartitionTable t = topology.table();
        MemberId self = topology.self();
        int replicas = Math.max(1, requiredReplicas.getAsInt()); // 1 with no map: the primary's slot
        int primaries = 0;
        int backups = 0;
        for (int p = 0; p < t.partitionCount(); p++) {
            int slot = t.slotOf(p, self);
            if (slot == 0) {
                primaries++;
            } else if (slot > 0 && slot < replicas) {
                backups++;
            }
        }
        return new Ownership(primaries, backups, replicas);
    }

    @Override
    public int underReplicatedPartitions() {
        return underReplicated.getAsInt();
    }

    @Override
    public MapCount mapCount() {
        return new MapCount(storage.size(), storage.maxMaps());
    }

    @Override
    public Registration timeOperations(OperationTimer timer) {
        return storage.operationTimers().add(timer);
    }

    private List<Member> members(List<MemberId> addresses) {
        List<Member> out = new ArrayList<>(addresses.size());
        for (MemberId a : addresses) {
            out.add(memberOf.apply(a));
        }
        return out;
    }
}
