package dev.tessera.grid.core.mapstore;

import dev.tessera.grid.core.cluster.Messenger;
import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.mapstore.WriteBehindQueue.Pending;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.wire.WriteBehindFlushed;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import dev.tessera.grid.membership.MemberId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores due write-behind changes in batches ({@code storeAll}/{@code deleteAll} of up to
 * {@code writeBatchSize}); a batch that fails goes back into the queue (behind any newer change of its
 * keys) and the map is retried with exponential backoff. After a batch is stored, the partition's
 * other holders are told which (key, version)s the store holds, so they can drop their dirty marks.
 * Runs on the flusher thread only.
 */
final class WriteBehindFlusher {
    private static final Logger log = LoggerFactory.getLogger(WriteBehindFlusher.class);
    static final long MAX_BACKOFF_MILLIS = 5_000;
    static final long FIRST_BACKOFF_MILLIS = 100;

    private final TopologyState topology;
    private final Messenger messenger;

    WriteBehindFlusher(TopologyState topology, Messenger messenger) {
        this.topology = topology;
        this.messenger = messenger;
    }

    /** Stores every due batch of the map, stopping at the first failure. */
    void flush(StoreBinding b, long nowMillis) {
        if (nowMillis < b.retryAt) {
            return;
        }
        while (true) {
            List<Pending> batch = b.queue.takeDue(nowMillis, b.config.writeBatchSize());
            if (batch.isEmpty()) {
                return;
            }
            if (!storeBatch(b, batch, nowMillis)) {
                return;
            }
        }
    }

    private boolean storeBatch(StoreBinding b, List<Pending> batch, long nowMillis) {
        Map<Bytes, byte[]> stores = new LinkedHashMap<>();
        Set<Bytes> deletes = new LinkedHashSet<>();
        for (Pending p : batch) {
            if (p.value() == null) {
                deletes.add(p.key());
            } else {
                stores.put(p.key(), p.value());
            }
        }
        try {
            if (!stores.isEmpty()) {
                b.store.storeAll(stores);
            }
            if (!deletes.isEmpty()) {
                b.store.deleteAll(deletes);
            }
        } catch (RuntimeException e) {
            batch.forEach(b.queue::offerIfAbsent);
            b.failures++;
            long backoff = Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(b.failures - 1, 16));
            b.retryAt = nowMillis + backoff;
            log.warn("Write-behind of map '{}' failed ({} entries, attempt {}), retrying in {} ms: {}", b.mapName, batch.size(),
                    b.failures, backoff, e.getMessage());
            return false;
        }
        b.failures = 0;
        b.retryAt = 0;
        announce(b, batch);
        return true;
    }

    /** Tells the backups of loaded values that the store holds them (they marked the copies dirty). */
    void announceLoaded(StoreBinding b) {
        List<Pending> loaded = new ArrayList<>();
        for (Pending p; (p = b.loaded.poll()) != null; ) {
            loaded.add(p);
        }
        if (!loaded.isEmpty()) {
            announce(b, loaded);
        }
    }

    /** Tells each partition's other holders which versions the store now holds. */
    private void announce(StoreBinding b, List<Pending> batch) {
        Map<Integer, List<WriteBehindFlushed.Key>> byPartition = new HashMap<>();
        for (Pending p : batch) {
            byPartition.computeIfAbsent(p.partition(), x -> new ArrayList<>()).add(new WriteBehindFlushed.Key(p.key().array(), p.version()));
        }
        PartitionTable t = topology.table();
        MemberId self = topology.self();
        byPartition.forEach((p, keys) -> {
            Set<MemberId> holders = new LinkedHashSet<>(t.owners(p));
            holders.addAll(t.target(p));
            holders.remove(self);
            if (!holders.isEmpty()) {
                byte[] message = new WriteBehindFlushed(b.mapName, p, keys).encode();
                holders.forEach(a -> messenger.send(a, message));
            }
        });
    }
}
