package dev.tessera.grid.core.migration;

import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.replication.Replicator;
import dev.tessera.grid.core.store.LocalStorage;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.wire.TopologyMessages.TransferDone;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import dev.tessera.grid.membership.MemberId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the migrations this member is the source of: for every partition it is primary of and whose
 * table entry names a target owner list, copies the partition's data to the target members that
 * lack it, then tells the coordinator, which commits the target as the new owners in the next table.
 *
 * <p>A migration whose targets lack none of this member's data (only slots that hold no data moved,
 * as most owner-list tails on a join) is reported done at once, without a transfer slot. At most
 * {@link #MAX_CONCURRENT} partitions are copied at once, one chunk ({@link MigrationChunk}, at most
 * 2,000 entries or 512 KB) in flight each, so memory stays bounded (a few MB per source). Chunks
 * are stamped with the table the transfer started with, and the first transfer to a member that may
 * not hold that table yet (a newcomer) waits for an empty probe to be accepted instead of having full
 * chunks answered RETRY. Writes made during the copy reach the targets through replication (they are
 * in the write set while the partition migrates); chunks and live copies are merged by version.
 * State is confined to one thread ({@code executor}).
 */
public final class TransferManager {
    static final int MAX_CONCURRENT = 8;
    private static final Logger log = LoggerFactory.getLogger(TransferManager.class);
    private static final long CHUNK_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final TopologyState topology;
    private final LocalStorage storage;
    private final Replicator replicator;
    private final Consumer<TransferDone> doneSink;
    private final ScheduledExecutorService executor;
    private final Map<Integer, PartitionTransfer> running = new HashMap<>();
    /** Per partition, the target (and its epoch) this member finished copying to and reports done until committed. */
    private final Map<Integer, Copy> completed = new HashMap<>();
    private final ArrayDeque<PartitionTransfer> queue = new ArrayDeque<>();
    /** Per member, the newest table version it confirmed having applied (it accepted a copy made with it). */
    private final Map<MemberId, Long> applied = new HashMap<>();
    private final AtomicLong partitionsCopied = new AtomicLong();
    private final AtomicLong entriesCopied = new AtomicLong();
    private final AtomicLong committedWithoutCopy = new AtomicLong();
    private int active;

    /**
     * @param doneSink delivers completion notices to the coordinator
     * @param executor single-threaded; confines this manager's state
     */
    public TransferManager(TopologyState topology, LocalStorage storage, Replicator replicator,
                           Consumer<TransferDone> doneSink, ScheduledExecutorService executor) {
        this.topology = topology;
        this.storage = storage;
        this.replicator = replicator;
        this.doneSink = doneSink;
        this.executor = executor;
    }

    /** Table listener: must not block. */
    public void onTable(PartitionTable previous, PartitionTable next) {
        executor.execute(() -> reconcile(next));
    }

    /** Partitions this member is currently copying out. */
    public int activeTransfers() {
        return active;
    }

    /** Migrations this member completed as source that copied data (one per partition and target). */
    public long partitionsCopied() {
        return partitionsCopied.get();
    }

    /** Entries (tombstones included) this member sent in migration chunks. */
    public long entriesCopied() {
        return entriesCopied.get();
    }

    /** Migrations this member reported done at once because no target member lacked any of its data. */
    public long committedWithoutCopy() {
        return committedWithoutCopy.get();
    }

    private void reconcile(PartitionTable t) {
        if (t.version() < topology.table().version()) {
            return; // a newer table is queued behind us
        }
        MemberId self = topology.self();
        for (int p = 0; p < t.partitionCount(); p++) {
            PartitionTransfer current = running.get(p);
            if (!t.isMigrating(p) || !self.equals(t.primary(p))) {
                if (current != null) {
                    current.cancelled = true;
                    running.remove(p);
                }
                completed.remove(p);
                continue;
            }
            List<MemberId> target = t.target(p);
            Copy wanted = new Copy(target, t.targetEpoch(p));
            if (wanted.equals(completed.get(p))) {
                doneSink.accept(wanted.done(t.version(), p)); // the coordinator may have missed it
                continue;
            }
            // A new epoch of the same target is copied again: a table this member skipped may have left a member
            // out of the target, and that member dropped what it had received.
            if (current != null && current.copy.equals(wanted)) {
                continue;
            }
            if (current != null) {
                current.cancelled = true;
            }
            completed.remove(p);
            PartitionTransfer transfer = new PartitionTransfer(p, target, t);
            if (!transfer.copiesData()) {
                // Only slots that hold no data of any local map change (or the data is empty): nothing to
                // copy, so the target can be committed at once, without waiting for a transfer slot. Writes
                // from now on reach the target's data slots by replication, as during any migration.
                completed.put(p, wanted);
                committedWithoutCopy.incrementAndGet();
                doneSink.accept(wanted.done(t.version(), p));
                continue;
            }
            running.put(p, transfer);
            queue.add(transfer);
        }
        pump();
    }

    private void pump() {
        while (active < MAX_CONCURRENT && !queue.isEmpty()) {
            PartitionTransfer transfer = queue.poll();
            if (transfer.cancelled) {
                continue;
            }
            active++;
            transfer.run().whenCompleteAsync((ok, error) -> finished(transfer, error), executor);
        }
    }

    private void finished(PartitionTransfer transfer, Throwable error) {
        active--;
        if (running.get(transfer.partition) == transfer && !transfer.cancelled) {
            running.remove(transfer.partition);
            if (error == null) {
                completed.put(transfer.partition, transfer.copy);
                partitionsCopied.incrementAndGet();
                entriesCopied.addAndGet(transfer.sent);
                log.debug("Partition {} copied to {} ({} entries)", transfer.partition, transfer.target, transfer.sent);
                doneSink.accept(transfer.copy.done(topology.table().version(), transfer.partition));
            } else {
                log.info("Copy of partition {} to {} failed, will retry: {}", transfer.partition, transfer.target, error.toString());
                executor.schedule(() -> reconcile(topology.table()), 200, TimeUnit.MILLISECONDS);
            }
        }
        pump();
    }

    /** A target owner list and the epoch of the table that set it. */
    private record Copy(List<MemberId> target, long epoch) {
        TransferDone done(long tableVersion, int partition) {
            return new TransferDone(tableVersion, partition, target, epoch);
        }
    }

    /** Copies one partition's data to the target members that lack it, map by map, chunk by chunk. */
    private final class PartitionTransfer {
        final int partition;
        final List<MemberId> target;
        final Copy copy;
        final PartitionTable startTable;
        volatile boolean cancelled;
        long sent;

        PartitionTransfer(int partition, List<MemberId> target, PartitionTable startTable) {
            this.partition = partition;
            this.target = target;
            this.copy = new Copy(target, startTable.targetEpoch(partition));
            this.startTable = startTable;
        }

        CompletableFuture<Void> run() {
            CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
            for (MemberId dest : target) {
                if (dest.equals(topology.self())) {
                    continue;
                }
                for (MapContainer map : storage.all()) {
                    if (needs(map, dest) && !map.peek(partition).isEmpty()) {
                        chain = chain.thenComposeAsync(x -> awaitTable(this, map, dest), executor)
                                .thenComposeAsync(x -> new ChunkSender(this, map, dest).next(), executor);
                    }
                }
            }
            return chain;
        }

        /** Whether some target member lacks data this member holds for the partition. */
        boolean copiesData() {
            for (MemberId dest : target) {
                if (dest.equals(topology.self())) {
                    continue;
                }
                for (MapContainer map : storage.all()) {
                    if (needs(map, dest) && !map.peek(partition).isEmpty()) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** Whether {@code dest} lacks this map's data: it moves into a data slot from outside one. */
        boolean needs(MapContainer map, MemberId dest) {
            int replicas = map.replicas();
            int newSlot = target.indexOf(dest);
            int oldSlot = startTable.slotOf(partition, dest);
            return newSlot >= 0 && newSlot < replicas && !(oldSlot >= 0 && oldSlot < replicas);
        }
    }

    /**
     * Completes once {@code dest} applied the table the transfer started with. A member that just
     * joined may not hold any table yet when the first transfers start; instead of sending it full
     * chunks that it can only answer RETRY (and that are sent again and again until it can), an empty
     * copy is sent until it is accepted. Once a member confirmed a table, transfers of that table or
     * an older one skip the probe.
     */
    private CompletableFuture<Void> awaitTable(PartitionTransfer transfer, MapContainer map, MemberId dest) {
        long version = transfer.startTable.version();
        if (transfer.cancelled || applied.getOrDefault(dest, -1L) >= version) {
            return CompletableFuture.completedFuture(null);
        }
        byte[] probe = MigrationChunk.empty().encode(version, map, transfer.partition);
        return replicator.sendReliably(dest, probe, storage.time().nanoTime() + CHUNK_TIMEOUT_NANOS)
                .thenApplyAsync(x -> {
                    applied.merge(dest, version, Math::max);
                    return null;
                }, executor);
    }

    /** Streams one map's entries of one partition to one member. */
    private final class ChunkSender {
        private final PartitionTransfer transfer;
        private final MapContainer map;
        private final MemberId dest;
        private final java.util.Iterator<Map.Entry<dev.tessera.grid.core.store.Bytes, dev.tessera.grid.core.store.Record>> entries;

        ChunkSender(PartitionTransfer transfer, MapContainer map, MemberId dest) {
            this.transfer = transfer;
            this.map = map;
            this.dest = dest;
            this.entries = map.peek(transfer.partition).entries().iterator();
        }

        CompletableFuture<Void> next() {
            if (transfer.cancelled) {
                return CompletableFuture.failedFuture(new java.util.concurrent.CancellationException("migration superseded"));
            }
            MigrationChunk chunk = MigrationChunk.take(entries);
            if (chunk.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            transfer.sent += chunk.size();
            // Stamped with the table the transfer started with, not the newest one: a target that has not
            // applied the newest table yet (commits of other partitions arrive all the time) would answer RETRY.
            // The target is the same in both (a changed target cancels this transfer), and the receiver
            // still checks that it is a target and the sender the primary by its own, current table.
            byte[] message = chunk.encode(transfer.startTable.version(), map, transfer.partition);
            return replicator.sendReliably(dest, message, storage.time().nanoTime() + CHUNK_TIMEOUT_NANOS)
                    .thenComposeAsync(x -> next(), executor);
        }
    }
}
