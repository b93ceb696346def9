package dev.tessera.grid.core.migration;

import dev.tessera.grid.SplitBrainMode;
import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.replication.Replicator;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.LocalStorage;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.Record;
import dev.tessera.grid.core.wire.ReplicationMessages.Replicate;
import dev.tessera.grid.core.wire.TopologyMessages.MergeEntries;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import dev.tessera.grid.membership.MemberId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The losing side's half of a split-brain merge. This member stops acting as a primary, then pushes
 * every entry it holds (tombstones included, from every partition it holds a copy of) to that
 * partition's primary in the winning table. For {@link SplitBrainMode#AVAILABLE} maps the primary
 * keeps the later update of each key. For {@link SplitBrainMode#CONSISTENT} maps the minority
 * refused writes during the split, so everything it holds predates the split; the primary keeps
 * its own record whenever it has one and takes the pushed entry only for keys it knows nothing of,
 * which restores partitions whose every replica was on the losing side while the winners had to
 * restart them empty.
 */
public final class SplitMerger {
    private static final Logger log = LoggerFactory.getLogger(SplitMerger.class);
    private static final long CHUNK_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final TopologyState topology;
    private final LocalStorage storage;
    private final Replicator replicator;
    private final ScheduledExecutorService executor;

    public SplitMerger(TopologyState topology, LocalStorage storage, Replicator replicator, ScheduledExecutorService executor) {
        this.topology = topology;
        this.storage = storage;
        this.replicator = replicator;
        this.executor = executor;
    }

    /** Freezes this member and pushes its AVAILABLE data to {@code target}'s primaries; completes with the entries pushed. */
    public CompletableFuture<Long> mergeOut(PartitionTable target) {
        topology.freezeThrough(target.version());
        AtomicLong pushed = new AtomicLong();
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (MapContainer map : storage.all()) {
            for (int p = 0; p < map.partitionCount(); p++) {
                MemberId primary = target.primary(p);
                if (primary == null || map.peek(p).isEmpty() || primary.equals(topology.self())) {
                    continue;
                }
                int partition = p;
                chain = chain.thenComposeAsync(x -> push(target.version(), map, partition, primary,
                        map.peek(partition).entries().iterator(), pushed), executor);
            }
        }
        return chain.thenApply(x -> {
            // Our lineage's records carry versions the winners' lineage does not order against; once the
            // winners hold our data we rejoin empty, like a new member.
            for (MapContainer map : storage.all()) {
                for (int p = 0; p < map.partitionCount(); p++) {
                    map.peek(p).clear();
                }
            }
            log.info("Pushed {} entries to the winning side of a split; rejoining empty", pushed.get());
            return pushed.get();
        });
    }

    private CompletableFuture<Void> push(long tableVersion, MapContainer map, int p, MemberId primary,
                                         Iterator<Map.Entry<Bytes, Record>> entries, AtomicLong pushed) {
        MigrationChunk chunk = MigrationChunk.take(entries);
        if (chunk.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        pushed.addAndGet(chunk.size());
        Replicate body = chunk.toReplicate(tableVersion, map, p);
        return replicator.sendReliably(primary, new MergeEntries(body).encode(), storage.time().nanoTime() + CHUNK_TIMEOUT_NANOS)
                .thenComposeAsync(x -> push(tableVersion, map, p, primary, entries, pushed), executor);
    }
}
