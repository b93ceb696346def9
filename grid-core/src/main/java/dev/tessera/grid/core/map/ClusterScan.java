package dev.tessera.grid.core.map;

import dev.tessera.grid.GridTimeoutException;
import dev.tessera.grid.core.loading.Futures;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.wire.Messages;
import dev.tessera.grid.core.wire.QueryMessages.EntriesQuery;
import dev.tessera.grid.core.wire.QueryMessages.EntriesResponse;
import dev.tessera.grid.core.wire.QueryMessages.SizeQuery;
import dev.tessera.grid.core.wire.QueryMessages.SizeResponse;
import dev.tessera.grid.core.wire.Status;
import dev.tessera.grid.membership.MemberUnreachableException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import dev.tessera.grid.membership.MemberId;

/**
 * Cluster-wide reads of a whole map: its size (each member counts the partitions it is primary of)
 * and its entries, one partition at a time from that partition's primary. Weakly consistent.
 */
final class ClusterScan {
    private final String map;
    private final MapContext ctx;

    ClusterScan(String map, MapContext ctx) {
        this.map = map;
        this.ctx = ctx;
    }

    long size() {
        List<CompletableFuture<Long>> counts = new ArrayList<>();
        byte[] query = new SizeQuery(map).encode();
        for (MemberId member : ctx.messenger().view().ids()) {
            if (member.equals(ctx.messenger().self())) {
                counts.add(CompletableFuture.completedFuture(MapQueries.localSize(ctx, map)));
            } else {
                counts.add(ctx.messenger().request(member, query, ctx.timeoutMillis())
                        .thenApply(r -> Messages.decode(r, SizeResponse.class).size())
                        .exceptionally(e -> unwrap(e) instanceof MemberUnreachableException ? 0L : rethrow(e)));
            }
        }
        long total = 0;
        for (CompletableFuture<Long> c : counts) {
            total += Futures.await(c);
        }
        return total;
    }

    /** Serialized (keys, values) of one partition, read at its primary; retried while ownership moves. */
    EntriesResponse partitionEntries(int p) {
        long deadline = ctx.time().nanoTime() + TimeUnit.MILLISECONDS.toNanos(ctx.timeoutMillis());
        int attempt = 0;
        while (true) {
            ctx.ensureOpen().run();
            PartitionTable t = ctx.topology().table();
            MemberId owner = t.primary(p);
            EntriesResponse r = null;
            if (ctx.messenger().self().equals(owner)) {
                r = MapQueries.localEntries(ctx, new EntriesQuery(t.version(), map, p), false);
            } else if (owner != null) {
                try {
                    byte[] reply = Futures.await(ctx.messenger().request(owner,
                            new EntriesQuery(t.version(), map, p).encode(), ctx.timeoutMillis()));
                    r = Messages.decode(reply, EntriesResponse.class);
                } catch (MemberUnreachableException e) {
                    r = null;
                }
            }
            if (r != null && r.status() == Status.OK) {
                return r;
            }
            if (ctx.time().nanoTime() - deadline > 0) {
                throw new GridTimeoutException("Reading partition " + p + " of map '" + map + "' did not complete in time", p,
                        String.valueOf(owner));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(50, 1L << Math.min(attempt++, 6))));
        }
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    private static <T> T rethrow(Throwable e) {
        Throwable cause = unwrap(e);
        throw cause instanceof RuntimeException re ? re : new CompletionException(cause);
    }

}
