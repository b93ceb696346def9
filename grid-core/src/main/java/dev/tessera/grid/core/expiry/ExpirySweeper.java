package dev.tessera.grid.core.expiry;

import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.replication.ChangeCause;
import dev.tessera.grid.core.owner.PartitionWriter;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.LocalStorage;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.PartitionStore;
import dev.tessera.grid.core.store.Record;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import dev.tessera.grid.membership.MemberId;

/**
 * Removes expired entries that nobody reads, so memory does not hold dead entries: each
 * {@link #tick()} examines at most {@code maxExaminedPerTick} entries, resuming where the previous
 * tick stopped, over the partitions this member is primary of, of the maps whose entries can
 * expire. Expired entries are removed through the primary ({@link PartitionWriter#removeAsPrimary}),
 * which replicates the removal, so backups' copies go too.
 *
 * <p>Not thread-safe: one thread runs the ticks. A round ends when the cursor passes the last
 * partition; the next tick starts a new round with the maps then present.
 */
public final class ExpirySweeper {
    private final LocalStorage storage;
    private final TopologyState topology;
    private final PartitionWriter primary;
    private final int maxExaminedPerTick;

    private List<MapContainer> round = List.of();
    private int mapIndex;
    private int partition;
    private Iterator<Record> cursor;

    private final LongAdder examined = new LongAdder();
    private final LongAdder removals = new LongAdder();
    private final AtomicLong ticks = new AtomicLong();
    private final AtomicLong rounds = new AtomicLong();
    private volatile int mostExaminedInATick;

    public ExpirySweeper(LocalStorage storage, TopologyState topology, PartitionWriter primary, int maxExaminedPerTick) {
        if (maxExaminedPerTick < 1) {
            throw new IllegalArgumentException("maxExaminedPerTick must be >= 1, was " + maxExaminedPerTick);
        }
        this.storage = storage;
        this.topology = topology;
        this.primary = primary;
        this.maxExaminedPerTick = maxExaminedPerTick;
    }

    /** Examines up to the per-tick budget of entries and removes the expired ones. */
    public void tick() {
        PartitionTable t = topology.table();
        MemberId self = topology.self();
        long now = storage.time().wallMillis();
        int seen = 0;
        while (seen < maxExaminedPerTick) {
            if (cursor == null || !cursor.hasNext()) {
                if (!advance(t, self)) {
                    break; // end of the round: the next tick starts a new one
                }
                continue;
            }
            Record r = cursor.next();
            seen++;
            MapContainer map = round.get(mapIndex);
            if (LiveEntries.isRemovable(map, r, now)) {
                removals.increment();
                primary.removeAsPrimary(map, partition, Bytes.wrap(r.key()), r.version(),
                        cur -> LiveEntries.isRemovable(map, cur, map.nowMillis()), ChangeCause.EXPIRED);
            }
        }
        examined.add(seen);
        ticks.incrementAndGet();
        if (seen > mostExaminedInATick) {
            mostExaminedInATick = seen;
        }
    }

    /** Moves the cursor to the next non-empty partition this member is primary of; false at the end of a round. */
    private boolean advance(PartitionTable t, MemberId self) {
        if (cursor == null && round.isEmpty()) {
            startRound();
            if (round.isEmpty()) {
                return false;
            }
        }
        cursor = null;
        while (mapIndex < round.size()) {
            MapContainer map = round.get(mapIndex);
            while (++partition < map.partitionCount()) {
                PartitionStore store = map.peek(partition);
                if (!store.isEmpty() && self.equals(t.primary(partition))) {
                    cursor = store.records();
                    return true;
                }
            }
            mapIndex++;
            partition = -1;
        }
        round = List.of();
        rounds.incrementAndGet();
        return false;
    }

    private void startRound() {
        List<MapContainer> maps = new ArrayList<>();
        for (MapContainer m : storage.all()) {
            if (LiveEntries.mayExpire(m)) {
                maps.add(m);
            }
        }
        round = maps;
        mapIndex = 0;
        partition = -1;
    }

    /** Counters of the sweep so far. */
    public Stats stats() {
        return new Stats(ticks.get(), rounds.get(), examined.sum(), removals.sum(), mostExaminedInATick, maxExaminedPerTick);
    }

    /**
     * @param ticks               ticks run
     * @param rounds              complete passes over the swept partitions
     * @param examined            entries examined (tombstones included)
     * @param removals            expired entries found and removed (or being removed) as primary
     * @param mostExaminedInATick the largest number of entries one tick examined
     * @param budget              the per-tick bound on examined entries
     */
    public record Stats(long ticks, long rounds, long examined, long removals, int mostExaminedInATick, int budget) {}
}
