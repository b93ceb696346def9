package dev.tessera.grid.core.replication;

import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.LocalStorage;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.PartitionStore;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicaEntry;
import dev.tessera.grid.core.wire.ReplicationMessages.Replicate;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicateResponse;
import dev.tessera.grid.core.wire.Status;
import dev.tessera.grid.membership.MemberId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies copies of writes (backups and migration chunks) sent by a partition's primary.
 *
 * <p>A copy is applied only if, by this member's table, the sender is the partition's primary and
 * this member holds (or is receiving) the map's data for that partition. A copy made with a newer
 * table than ours is answered RETRY: applying it before the table could let the table's arrival
 * drop it. Within a key the newest version wins, so duplicates and reordering are harmless.
 *
 * <p>A copy made with a table older than the one in which the sender became primary
 * ({@link TopologyState#primarySince(int)}) is REJECTED even though the sender is the primary now: it
 * was made under an earlier primaryship, a previous term of the sender or the other table lineage
 * of a split (the transport retransmits messages dropped during a split once it heals), and its
 * versions do not order against the current term's: applying it could resurrect an old write.
 */
public final class ReplicaReceiver {
    private static final Logger log = LoggerFactory.getLogger(ReplicaReceiver.class);
    private final dev.tessera.grid.membership.ThrottledWarning refusals =
            new dev.tessera.grid.membership.ThrottledWarning(log, 10, java.util.concurrent.TimeUnit.SECONDS);

    private final TopologyState topology;
    private final LocalStorage storage;
    private final ReplicaListener listener;

    public ReplicaReceiver(TopologyState topology, LocalStorage storage) {
        this(topology, storage, ReplicaListener.NONE);
    }

    public ReplicaReceiver(TopologyState topology, LocalStorage storage, ReplicaListener listener) {
        this.topology = topology;
        this.storage = storage;
        this.listener = listener;
    }

    public ReplicateResponse apply(MemberId sender, Replicate r) {
        long stamp = topology.readLock();
        try {
            PartitionTable t = topology.table();
            if (r.partition() < 0 || r.partition() >= t.partitionCount()) {
                refusals.warn("Rejected a copy from {} for partition {}: out of range 0..{}", sender, r.partition(), t.partitionCount() - 1);
                return new ReplicateResponse(Status.ERROR, t.version());
            }
            if (r.tableVersion() > t.version()) {
                return new ReplicateResponse(Status.RETRY, t.version());
            }
            if (!sender.equals(t.primary(r.partition()))) {
                return new ReplicateResponse(Status.REJECTED, t.version());
            }
            if (r.tableVersion() < topology.primarySince(r.partition())) {
                log.debug("Rejected a copy from {} for partition {} made with table {}: it is primary only since table {}",
                        sender, r.partition(), r.tableVersion(), topology.primarySince(r.partition()));
                return new ReplicateResponse(Status.REJECTED, t.version());
            }
            MapContainer map;
            try {
                map = storage.getOrCreateReplica(r.map(), r.config());
            } catch (IllegalArgumentException | dev.tessera.grid.GridLimitException e) {
                refusals.warn("Rejected a copy from {}: {}", sender, e.getMessage());
                return new ReplicateResponse(Status.ERROR, t.version());
            }
            if (!ReplicaTargets.isReplica(t, r.partition(), topology.self(), map.replicas())) {
                return new ReplicateResponse(Status.REJECTED, t.version());
            }
            PartitionStore store = map.partition(r.partition());
            store.presize(r.announcedEntries()); // a migration's first chunk: one growth instead of one per doubling
            boolean tracked = map.config().tracksEntries();
            for (ReplicaEntry e : r.entries()) {
                store.applyIfNewer(Bytes.wrap(e.key()), e.value(), e.version(), e.hlc(), e.expiresAt(), e.staleUntil(),
                        e.loadMillis(), tracked);
            }
            listener.applied(map, r.partition(), r.entries());
            return new ReplicateResponse(Status.OK, t.version());
        } finally {
            topology.unlockRead(stamp);
        }
    }
}
