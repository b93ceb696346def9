package dev.tessera.grid.core.map;

import dev.tessera.grid.core.expiry.LiveEntries;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.PartitionStore;
import dev.tessera.grid.core.wire.QueryMessages.EntriesQuery;
import dev.tessera.grid.core.wire.QueryMessages.EntriesResponse;
import dev.tessera.grid.core.wire.Status;
import dev.tessera.grid.core.owner.PrimaryOperations;
import dev.tessera.grid.core.wire.MalformedMessageException;
import dev.tessera.grid.core.wire.ScanMessages.ClearPartitions;
import dev.tessera.grid.core.wire.ScanMessages.PartitionEntries;
import dev.tessera.grid.core.wire.ScanMessages.ScanPage;
import dev.tessera.grid.core.wire.ScanMessages.ScanQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** This member's answers to the whole-map queries of {@link ClusterScan}, for itself and for peers. */
public final class MapQueries {
    /** The largest page a peer may ask for, whatever its query says: bounds what one answer holds in memory. */
    static final int MAX_PAGE_ENTRIES = 100_000;
    static final int MAX_PAGE_BYTES = 16 << 20;

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

    /**
     * Answers a {@link ScanQuery}: each asked partition whole, in order, until the page is full. A partition
     * is answered OK only if this member serves it as primary (no handover pending, no successor's fence) from
     * before the read until after it, so it is never read from a member that gave it away meanwhile; otherwise
     * it is refused and the caller asks its new owner. {@code remote} queries made with a newer table than ours
     * have every partition refused with RETRY.
     */
    public static ScanPage scanPage(MapContext ctx, ScanQuery q, boolean remote) {
        MapContainer c = ctx.storage().get(q.map());
        boolean mayExpire = q.countOnly() && c != null && LiveEntries.mayExpire(c);
        List<PartitionEntries> answers = new ArrayList<>();
        int maxEntries = Math.min(q.maxEntries(), MAX_PAGE_ENTRIES);
        int maxBytes = Math.min(q.maxBytes(), MAX_PAGE_BYTES);
        long entries = 0;
        long bytes = 0;
        int i = q.from();
        for (; i < q.partitions().length && (answers.isEmpty() || (entries < maxEntries && bytes < maxBytes)); i++) {
            PartitionEntries a = readPartition(ctx, c, q, q.partitions()[i], remote, mayExpire);
            answers.add(a);
            entries += a.keys().size();
            for (int e = 0; e < a.keys().size(); e++) {
                bytes += a.keys().get(e).length + a.values().get(e).length;
            }
        }
        return new ScanPage(i, answers);
    }

    private static PartitionEntries readPartition(MapContext ctx, MapContainer c, ScanQuery q, int p, boolean remote,
                                                  boolean mayExpire) {
        long stamp = ctx.topology().optimisticRead();
        PartitionTable t = ctx.topology().table();
        if (p < 0 || p >= t.partitionCount()) {
            return PartitionEntries.refused(p, Status.ERROR);
        }
        if (remote && q.tableVersion() > t.version()) {
            return PartitionEntries.refused(p, Status.RETRY);
        }
        if (!ctx.topology().servesAsPrimary(t, p)) {
            return PartitionEntries.refused(p, ctx.messenger().self().equals(t.primary(p)) ? Status.RETRY : Status.WRONG_OWNER);
        }
        PartitionEntries answer;
        if (c == null) {
            answer = new PartitionEntries(p, Status.OK, 0, List.of(), List.of());
        } else if (q.countOnly()) {
            answer = new PartitionEntries(p, Status.OK, LiveEntries.count(c, p, mayExpire, c.nowMillis()), List.of(), List.of());
        } else {
            List<byte[]> keys = new ArrayList<>();
            List<byte[]> values = new ArrayList<>();
            long now = c.nowMillis();
            c.peek(p).forEachRecord(r -> { // no Bytes per record: a scan needs no key hash
                if (LiveEntries.isVisible(c, r, now)) {
                    keys.add(r.key());
                    values.add(r.value());
                }
            });
            answer = new PartitionEntries(p, Status.OK, keys.size(), keys, values);
        }
        // a table or fence applied meanwhile may have handed the partition over during the read: its new owner answers
        return ctx.topology().validate(stamp) ? answer : PartitionEntries.refused(p, Status.RETRY);
    }

    /** Answers a {@link ClearPartitions}: the list of the asked partitions this member cleared as their primary. */
    public static CompletableFuture<byte[]> clearPartitions(MapContext ctx, PrimaryOperations primary, ClearPartitions request) {
        int count = ctx.topology().table().partitionCount();
        for (int p : request.partitions()) {
            if (p < 0 || p >= count) {
                throw new MalformedMessageException("partition " + p + " out of range");
            }
        }
        return ClusterClear.answer(primary, request);
    }
}
