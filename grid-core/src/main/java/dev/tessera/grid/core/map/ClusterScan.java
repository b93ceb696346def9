package dev.tessera.grid.core.map;

import dev.tessera.grid.GridTimeoutException;
import dev.tessera.grid.core.loading.Futures;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.wire.Messages;
import dev.tessera.grid.core.wire.ScanMessages.PartitionEntries;
import dev.tessera.grid.core.wire.ScanMessages.ScanPage;
import dev.tessera.grid.core.wire.ScanMessages.ScanQuery;
import dev.tessera.grid.core.wire.Status;
import dev.tessera.grid.membership.MemberId;
import dev.tessera.grid.membership.MembershipException;
import dev.tessera.grid.membership.RemoteRequestException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Cluster-wide reads of a whole map, in one request stream per member: the partitions not yet read are
 * grouped by their primary in the applied table, and each primary is asked once for all of its own, a
 * page at a time (pages end at a partition's end; {@link #PAGE_ENTRIES}, {@link #PAGE_BYTES}). The
 * first page of every member is asked for at once; this member's own partitions are read here, without a
 * message. A partition its asked member refuses (it moved, a handover is pending, or that member left) is
 * asked again, of its owner in the then applied table, in a next round: every partition is read exactly
 * once, whole, at a member that served it as primary during the read. Weakly consistent: an entry
 * present, and not removed, for the whole scan is seen exactly once; others may or may not be.
 */
final class ClusterScan {
    /** A page ends after the partition that takes it to this many entries... */
    static final int PAGE_ENTRIES = 10_000;
    /** ... or this many key and value bytes. */
    static final int PAGE_BYTES = 1 << 20;

    private final String map;
    private final MapContext ctx;

    ClusterScan(String map, MapContext ctx) {
        this.map = map;
        this.ctx = ctx;
    }

    /** Live entries of the map, each partition counted once at its primary. */
    long size() {
        Cursor counts = new Cursor(true);
        long total = 0;
        for (PartitionEntries p = counts.next(); p != null; p = counts.next()) {
            total += p.count();
        }
        return total;
    }

    /** The map's partitions, each read once: {@link Cursor#next()} until {@code null}. */
    Cursor entries() {
        return new Cursor(false);
    }

    /** One scan: hands out each partition's answer once, skipping empty ones (unless counting). */
    final class Cursor {
        private final boolean countOnly;
        private final boolean[] done;
        private int remaining;
        /** The members asked in this round, in the order their pages are taken. */
        private final ArrayDeque<MemberPages> members = new ArrayDeque<>();
        private final ArrayDeque<PartitionEntries> ready = new ArrayDeque<>();
        private boolean started;
        private long deadline;
        private int idleRounds;

        private Cursor(boolean countOnly) {
            this.countOnly = countOnly;
            this.done = new boolean[ctx.topology().table().partitionCount()];
            this.remaining = done.length;
            this.deadline = deadlineFromNow();
        }

        /** The next partition's answer (status OK), or {@code null} once every partition was read. */
        PartitionEntries next() {
            while (true) {
                if (!ready.isEmpty()) {
                    return ready.poll();
                }
                ctx.ensureOpen().run();
                if (remaining == 0) {
                    return null;
                }
                MemberPages m = members.peek();
                if (m == null) {
                    startRound();
                    continue;
                }
                ScanPage page = m.take();
                if (page == null || page.next() <= m.from || page.next() >= m.partitions.length) {
                    members.poll(); // done, or gone: what it did not answer waits for the next round
                } else {
                    m.ask(page.next()); // the next page travels while the caller consumes this one
                }
                if (page != null) {
                    accept(page);
                }
            }
        }

        private void accept(ScanPage page) {
            for (PartitionEntries p : page.partitions()) {
                int id = p.partition();
                if (p.status() != Status.OK || id < 0 || id >= done.length || done[id]) {
                    continue;
                }
                done[id] = true;
                remaining--;
                deadline = deadlineFromNow();
                if (countOnly || !p.keys().isEmpty()) {
                    ready.add(p);
                }
            }
        }

        /** Groups the partitions not read yet by their primary in the applied table and asks every owner. */
        private void startRound() {
            if (started) {
                if (ctx.time().nanoTime() - deadline > 0) {
                    throw timeout();
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(50, 1L << Math.min(idleRounds++, 6))));
            }
            started = true;
            PartitionTable t = ctx.topology().table();
            MemberId self = ctx.messenger().self();
            Map<MemberId, List<Integer>> byOwner = new LinkedHashMap<>();
            for (int p = 0; p < done.length; p++) {
                MemberId owner = t.primary(p);
                if (!done[p] && owner != null && (owner.equals(self) || ctx.messenger().isMember(owner))) {
                    byOwner.computeIfAbsent(owner, o -> new ArrayList<>()).add(p);
                }
            }
            MemberPages local = null;
            for (Map.Entry<MemberId, List<Integer>> e : byOwner.entrySet()) {
                MemberPages m = new MemberPages(t.version(), e.getKey(), e.getValue().stream().mapToInt(Integer::intValue).toArray());
                m.ask(0);
                if (m.local) {
                    local = m;
                } else {
                    members.add(m);
                }
            }
            if (local != null) {
                members.addFirst(local); // read ours while the others' first pages travel
            }
        }

        private GridTimeoutException timeout() {
            PartitionTable t = ctx.topology().table();
            for (int p = 0; p < done.length; p++) {
                if (!done[p]) {
                    return new GridTimeoutException("Scanning map '" + map + "' did not complete in time: " + remaining
                            + " partitions unread, among them partition " + p, p, String.valueOf(t.primary(p)));
                }
            }
            throw new IllegalStateException("no partition left to time out on");
        }

        /** One member's partitions of this round, read a page at a time from {@code from}. */
        private final class MemberPages {
            private final long tableVersion;
            private final MemberId owner;
            private final int[] partitions;
            private final boolean local;
            private int from;
            private CompletableFuture<byte[]> inFlight;

            MemberPages(long tableVersion, MemberId owner, int[] partitions) {
                this.tableVersion = tableVersion;
                this.owner = owner;
                this.partitions = partitions;
                this.local = owner.equals(ctx.messenger().self());
            }

            private ScanQuery query(int at) {
                return new ScanQuery(tableVersion, map, partitions, at, PAGE_ENTRIES, PAGE_BYTES, countOnly);
            }

            /** Asks for the page at {@code at}: sent now to a peer, read at {@link #take} here. */
            void ask(int at) {
                from = at;
                if (!local) {
                    inFlight = ctx.messenger().request(owner, query(at).encode(), ctx.timeoutMillis());
                }
            }

            /** The page asked for, or {@code null} if its member could not answer (left, unreachable, timed out). */
            ScanPage take() {
                if (local) {
                    return MapQueries.scanPage(ctx, query(from), false);
                }
                try {
                    return Messages.decode(Futures.await(inFlight, ctx.invoker()::memberRunning), ScanPage.class);
                } catch (MembershipException e) {
                    if (e instanceof RemoteRequestException) {
                        throw e;
                    }
                    return null;
                }
            }
        }
    }

    private long deadlineFromNow() {
        return ctx.time().nanoTime() + TimeUnit.MILLISECONDS.toNanos(ctx.timeoutMillis());
    }
}
