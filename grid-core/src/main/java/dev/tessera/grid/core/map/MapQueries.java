package dev.tessera.grid.core.map;

import dev.tessera.grid.core.expiry.LiveEntries;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.PartitionStore;
import dev.tessera.grid.core.wire.QueryMessages.EntriesQuery;
import dev.tessera.grid.core.wire.QueryMessages.EntriesResponse;
import dev.tessera.grid.core.wire.Status;
import java.util.ArrayList;
import java.util.List;

/** This member's answers to the whole-map queries of {@link ClusterScan}, for itself and for peers. */
public final class MapQueries {
    private MapQueries() {}

    /** Live, unexpired entries of {@code map} in partitions this member is primary of. */
    public static long localSize(MapContext ctx, String map) {
        MapContainer c = ctx.storage().get(map);
        if (c == null) {
            return 0;
        }
        PartitionTable t = ctx.topology().table();
        boolean mayExpire = LiveEntries.mayExpire(c);
        long now = c.nowMillis();
        long n = 0;
        for (int p = 0; p < t.partitionCount(); p++) {
            if (ctx.messenger().self().equals(t.primary(p))) {
                n += LiveEntries.count(c, p, mayExpire, now);
            }
        }
        return n;
    }

    /** Answers an {@link EntriesQuery}; {@code remote} queries with a newer table than ours get RETRY. */
    public static EntriesResponse localEntries(MapContext ctx, EntriesQuery q, boolean remote) {
        PartitionTable t = ctx.topology().table();
        if (q.partition() < 0 || q.partition() >= t.partitionCount()) {
            return new EntriesResponse(Status.ERROR, List.of(), List.of());
        }
        if (remote && q.tableVersion() > t.version()) {
            return new EntriesResponse(Status.RETRY, List.of(), List.of());
        }
        if (!ctx.messenger().self().equals(t.primary(q.partition()))) {
            return new EntriesResponse(Status.WRONG_OWNER, List.of(), List.of());
        }
        List<byte[]> keys = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        MapContainer c = ctx.storage().get(q.map());
        if (c != null) {
            PartitionStore store = c.peek(q.partition());
            long now = c.nowMillis();
            store.forEach((k, r) -> {
                if (LiveEntries.isVisible(c, r, now)) {
                    keys.add(k.array());
                    values.add(r.value());
                }
            });
        }
        return new EntriesResponse(Status.OK, keys, values);
    }

}
