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
 * {@link #MAX_CONCURRENT} partitions are copied at once, at most {@link #MAX_PER_TARGET} of them to the
 * same member, one chunk ({@link MigrationChunk}, at most 2,000 entries or 512 KB) in flight each; the bytes
 * in flight are bounded by the member's migration budget and optionally paced ({@link MigrationBudget}).
 * Before the first chunk to a member, an empty copy made with the transfer's table goes out; a target that has
 * not applied that table yet holds it until it has ({@link EarlyCopies}) and acknowledges it then, so the probe
 * costs one round trip instead of RETRY answers and back-off. (Sending full chunks at once instead stalled the
 * first commits of a 1M-entry join by ~5 s: join to done 7.1-7.3 s against 3.0 s with the probe, in the same
 * session's rebalance benchmark.) Chunks are stamped with the table
 * the transfer started with; the first one announces the partition's record count, so the target sizes its
 * store once. Writes made during the copy reach the targets through replication (they are
 * in the write set while the partition migrates); chunks and live copies are merged by version.
 * State is confined to one thread ({@code executor}).
 */
public final class TransferManager {
    static final int MAX_CONCURRENT = 16;
    /** Partitions copied at once to one member: several, so a target's apply overlaps the next chunks' transit. */
    static final int MAX_PER_TARGET = 8;
    /** Bytes per entry that a chunk's encoding adds to the key and value (version, clocks, lengths). */
    private static final int ENTRY_OVERHEAD = 44;
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
    /** Per target member, the transfers copying to it now. */
    private final Map<MemberId, Integer> perTarget = new HashMap<>();
    private final MigrationBudget budget;
    /** Estimated encoded bytes of the transfers queued or running that their targets have not acknowledged yet. */
    private final AtomicLong remainingBytes = new AtomicLong();
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
        this(topology, storage, replicator, doneSink, executor, dev.tessera.grid.GridConfig.Limits.DEFAULT_MIGRATION_BUDGET_BYTES, 0);
    }

    /**
     * @param budgetBytes        most encoded chunk bytes sent and not yet acknowledged
     * @param rateBytesPerSecond most chunk bytes sent per second; 0 for no limit
     */
    public TransferManager(TopologyState topology, LocalStorage storage, Replicator replicator,
                           Consumer<TransferDone> doneSink, ScheduledExecutorService executor, long budgetBytes,
                           long rateBytesPerSecond) {
        this.budget = new MigrationBudget(budgetBytes, rateBytesPerSecond, storage.time(), executor);
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

    /** Encoded chunk bytes sent and not yet acknowledged (bounded by {@link #budgetBytes()}). */
    public long inFlightBytes() {
        return budget.inFlightBytes();
    }

    /** The most {@link #inFlightBytes()} ever was on this member. */
    public long peakInFlightBytes() {
        return budget.peakInFlightBytes();
    }

    /** Chunks that waited for the budget (each once): 0 means the budget never limited the copy. */
    public long budgetWaits() {
        return budget.budgetWaits();
    }

    /** Encoded chunk bytes the targets acknowledged since this member started. */
    public long acknowledgedBytes() {
        return budget.acknowledgedBytes();
    }

    /** Estimated encoded bytes of the partitions this member still has to copy (queued or being copied). */
    public long remainingBytes() {
        return Math.max(0, remainingBytes.get());
    }

    public long budgetBytes() {
        return budget.budgetBytes();
    }

    public long rateBytesPerSecond() {
        return budget.rateBytesPerSecond();
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
                    current.cancel();
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
                current.cancel();
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
            transfer.estimate();
            queue.add(transfer);
        }
        pump();
    }

    /** Starts queued transfers, in order, while fewer than the limits run (per member and per target). */
    private void pump() {
        for (java.util.Iterator<PartitionTransfer> it = queue.iterator(); it.hasNext() && active < MAX_CONCURRENT; ) {
            PartitionTransfer transfer = it.next();
            if (transfer.cancelled) {
                it.remove();
                continue;
            }
            List<MemberId> dests = transfer.destinations();
            if (dests.stream().anyMatch(d -> perTarget.getOrDefault(d, 0) >= MAX_PER_TARGET)) {
                continue;
            }
            it.remove();
            active++;
            dests.forEach(d -> perTarget.merge(d, 1, Integer::sum));
            transfer.run().whenCompleteAsync((ok, error) -> finished(transfer, dests, error), executor);
        }
    }

    private void finished(PartitionTransfer transfer, List<MemberId> dests, Throwable error) {
        active--;
        dests.forEach(d -> perTarget.computeIfPresent(d, (k, n) -> n <= 1 ? null : n - 1));
        transfer.settle();
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
        /** Estimated bytes not yet acknowledged that this transfer still counts in {@link #remainingBytes}. */
        final AtomicLong unacknowledged = new AtomicLong(); // confined to the executor; atomic for the readers' sake

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

        /** The members this transfer copies to (the targets other than this member). */
        List<MemberId> destinations() {
            List<MemberId> out = new java.util.ArrayList<>(target.size());
            for (MemberId dest : target) {
                if (!dest.equals(topology.self())) {
                    out.add(dest);
                }
            }
            return out;
        }

        /** Adds what this transfer will send, estimated from the stores' sizes, to the bytes remaining. */
        void estimate() {
            long bytes = 0;
            for (MemberId dest : destinations()) {
                for (MapContainer map : storage.all()) {
                    if (needs(map, dest)) {
                        dev.tessera.grid.core.store.PartitionStore store = map.peek(partition);
                        bytes += store.liveBytes() + (long) store.recordCount() * ENTRY_OVERHEAD;
                    }
                }
            }
            unacknowledged.set(bytes);
            remainingBytes.addAndGet(bytes);
        }

        /** The targets acknowledged a chunk of {@code bytes}. */
        void acknowledged(long bytes) {
            long counted = Math.min(bytes, unacknowledged.get());
            unacknowledged.addAndGet(-counted);
            remainingBytes.addAndGet(-counted);
        }

        /** Finished, failed or superseded: whatever it did not send no longer remains for it. */
        void settle() {
            remainingBytes.addAndGet(-unacknowledged.getAndSet(0));
        }

        void cancel() {
            cancelled = true;
            if (!queue.contains(this)) {
                return; // running: settled when it finishes
            }
            queue.remove(this);
            settle();
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
     * Completes once {@code dest} applied the table the transfer started with: an empty copy is sent first (the
     * target holds it until it has that table, {@link EarlyCopies}); once a member confirmed a table, transfers of
     * that table or an older one skip it.
     */
    private CompletableFuture<Void> awaitTable(PartitionTransfer transfer, MapContainer map, MemberId dest) {
        long version = transfer.startTable.version();
        if (transfer.cancelled || applied.getOrDefault(dest, -1L) >= version) {
            return CompletableFuture.completedFuture(null);
        }
        byte[] probe = MigrationChunk.empty().encode(version, map, transfer.partition, 0);
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
        /** Announced in the first chunk: the target sizes its store for it at once. */
        private int announce;

        ChunkSender(PartitionTransfer transfer, MapContainer map, MemberId dest) {
            this.transfer = transfer;
            this.map = map;
            this.dest = dest;
            dev.tessera.grid.core.store.PartitionStore store = map.peek(transfer.partition);
            this.entries = store.entries().iterator();
            this.announce = store.recordCount();
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
            byte[] message = chunk.encode(transfer.startTable.version(), map, transfer.partition, announce);
            announce = 0;
            int size = message.length;
            return budget.acquire(size).thenCompose(granted -> {
                if (transfer.cancelled) {
                    budget.release(size, false);
                    return CompletableFuture.<Boolean>failedFuture(new java.util.concurrent.CancellationException("migration superseded"));
                }
                return replicator.sendReliably(dest, message, storage.time().nanoTime() + CHUNK_TIMEOUT_NANOS)
                        .whenCompleteAsync((ok, error) -> {
                            budget.release(size, error == null);
                            if (error == null) {
                                transfer.acknowledged(size);
                            }
                        }, executor);
            }).thenComposeAsync(x -> next(), executor);
        }
    }
}
