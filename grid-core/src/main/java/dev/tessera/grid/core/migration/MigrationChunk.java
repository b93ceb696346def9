package dev.tessera.grid.core.migration;

import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.Record;
import dev.tessera.grid.core.wire.ReplicationMessages.ReplicaEntry;
import dev.tessera.grid.core.wire.ReplicationMessages.Replicate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** A bounded batch of a partition's records (tombstones included), sent as one replication message. */
final class MigrationChunk {
    static final int MAX_ENTRIES = 2000;
    static final int MAX_BYTES = 512 * 1024;

    private final List<ReplicaEntry> entries;

    private MigrationChunk(List<ReplicaEntry> entries) {
        this.entries = entries;
    }

    /** Takes up to {@link #MAX_ENTRIES} entries or {@link #MAX_BYTES} bytes from {@code it}. */
    static MigrationChunk take(Iterator<Map.Entry<Bytes, Record>> it) {
        List<ReplicaEntry> out = new ArrayList<>();
        int bytes = 0;
        while (it.hasNext() && out.size() < MAX_ENTRIES && bytes < MAX_BYTES) {
            Map.Entry<Bytes, Record> e = it.next();
            Record r = e.getValue();
            out.add(ReplicaEntry.of(e.getKey().array(), r));
            bytes += r.keyLength() + r.valueLength() + 16;
        }
        return new MigrationChunk(out);
    }

    /** A chunk without entries: a probe that the receiver accepts once it applied the chunk's table. */
    static MigrationChunk empty() {
        return new MigrationChunk(new ArrayList<>(0)); // the list class of every chunk: keeps the encoder monomorphic
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    int size() {
        return entries.size();
    }

    byte[] encode(long tableVersion, MapContainer map, int partition) {
        return toReplicate(tableVersion, map, partition).encode();
    }

    /** @param announcedEntries records the partition's map holds (the first chunk tells the target), or 0 */
    byte[] encode(long tableVersion, MapContainer map, int partition, int announcedEntries) {
        return new Replicate(tableVersion, map.name(), map.config(), partition, entries, null, announcedEntries).encode();
    }

    Replicate toReplicate(long tableVersion, MapContainer map, int partition) {
        return new Replicate(tableVersion, map.name(), map.config(), partition, entries);
    }
}
