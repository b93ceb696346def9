package dev.tessera.grid.core.expiry;

import dev.tessera.grid.EvictionConfig;
import dev.tessera.grid.EvictionPolicy;
import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.partition.PartitionTable;
import dev.tessera.grid.core.replication.ChangeCause;
import dev.tessera.grid.core.replication.ChangeObserver;
import dev.tessera.grid.core.owner.PartitionWriter;
import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.PartitionStore;
import dev.tessera.grid.core.store.Record;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each map with an {@link EvictionConfig} within its per-member bound, driven by the primary's
 * writes. After a write, outside the key's atomic update, the writing thread checks the bound and
 * evicts while this member's primary entries (or their heap cost) exceed it, up to
 * {@link #EVICTIONS_PER_WRITE}: the writer pays for the room it takes, so writes cannot outrun
 * eviction, and a messaging thread is held for a few sampled removals at most. What is left over
 * (a large value under a bytes bound, writes by merge or load) goes to a check on the eviction executor.
 *
 * <p>Which partition: the written one if it holds more than its fair share (bound / partitions this
 * member is primary of), else the fullest one, so partitions stay near their share and the member
 * total within the bound. Which entry: {@code sampleSize} entries read from a persistent cursor over
 * the partition (rotating, restarting at the end), and the least recently used (LRU) or least
 * frequently used (LFU, ties to the least recent) of them. An expired entry met in the sample goes
 * first, as an expiration. Removal is {@link PartitionWriter#removeAsPrimary}, which counts the
 * eviction, tells the observers ({@link ChangeCause#EVICTED}) and removes the backups' copies.
 *
 * <p>Cost: the stores' counters are incremental, so a check is O(partitions this member is primary
 * of) plus O(sampleSize) per eviction. One map's checks are serialized (its cursors are not
 * thread-safe, and two checks must not both evict for the same excess).
 */
public final class Evictor implements ChangeObserver {
    private static final Logger log = LoggerFactory.getLogger(Evictor.class);
    /** Evictions a writing thread makes at most after its write; each write adds one entry, so 2 keep up. */
    static final int EVICTIONS_PER_WRITE = 4;
    /** Entries (tombstones included) read at most per sampled entry, so a partition full of tombstones cannot stall a check. */
    private static final int MAX_STEPS_PER_SAMPLED_ENTRY = 64;
    /** Failed evictions (entry changed under us, no longer primary) after which a check gives up until the next write. */
    private static final int MAX_FAILED_ATTEMPTS = 100;

    private final TopologyState topology;
    private final PartitionWriter primary;
    private final Executor executor;
    private final Map<String, MapEviction> maps = new ConcurrentHashMap<>();

    /** One map's eviction state; fields other than the flags are guarded by the instance's monitor. */
    private static final class MapEviction {
        final MapContainer map;
        final AtomicBoolean scheduled = new AtomicBoolean();
        final Iterator<Record>[] cursors;
        volatile int lastWritten;
        long primariesOfTable = -1;
        int[] primaries = new int[0];

        @SuppressWarnings({"unchecked", "rawtypes"}) // an array of a generic type is made raw, then typed
        MapEviction(MapContainer map) {
            this.map = map;
            this.cursors = new Iterator[map.partitionCount()];
        }

        /** Partitions this member is primary of in {@code t}, recomputed only when the table changes. */
        int[] primaries(PartitionTable t, dev.tessera.grid.membership.MemberId self) {
            if (primariesOfTable != t.version()) {
                primaries = java.util.stream.IntStream.range(0, t.partitionCount()).filter(p -> self.equals(t.primary(p))).toArray();
                primariesOfTable = t.version();
            }
            return primaries;
        }
    }

    public Evictor(TopologyState topology, PartitionWriter primary, Executor executor) {
        this.topology = topology;
        this.primary = primary;
        this.executor = executor;
    }

    /** The owner's after-write hook: evicts on the writing thread while over the bound, a few entries at most. */
    public void afterWrite(MapContainer map, int partition) {
        if (map.config().eviction() == null) {
            return;
        }
        MapEviction m = state(map);
        m.lastWritten = partition;
        if (evictWhileOverBound(m, EVICTIONS_PER_WRITE)) {
            schedule(m);
        }
    }

    /** Called inside the key's update: only records the partition and, for an added entry, schedules a check. */
    @Override
    public void onChange(MapContainer map, int partition, Bytes key, Record before, Record after, ChangeCause cause) {
        EvictionConfig config = map.config().eviction();
        if (config == null || after.isTombstone() || cause == ChangeCause.WRITE) {
            return; // writes are checked by afterWrite, on the writing thread
        }
        MapEviction m = state(map);
        m.lastWritten = partition;
        schedule(m);
    }

    private MapEviction state(MapContainer map) {
        MapEviction m = maps.get(map.name());
        if (m != null && m.map == map) {
            return m;
        }
        // a destroyed and recreated map is a new container: its state starts afresh
        return maps.compute(map.name(), (n, cur) -> cur != null && cur.map == map ? cur : new MapEviction(map));
    }

    /** Drops the eviction state of a destroyed map. */
    public void forget(String map) {
        maps.remove(map);
    }

    private void schedule(MapEviction m) {
        if (m.scheduled.compareAndSet(false, true)) {
            executor.execute(() -> check(m));
        }
    }

    private void check(MapEviction m) {
        m.scheduled.set(false); // writes from now on schedule another check
        try {
            evictWhileOverBound(m, Integer.MAX_VALUE);
        } catch (RuntimeException e) {
            log.error("Eviction check of map '{}' failed", m.map.name(), e);
        }
    }

    /** Evicts up to {@code max} entries while over the bound; returns whether still over it. */
    private boolean evictWhileOverBound(MapEviction m, int max) {
        EvictionConfig config = m.map.config().eviction();
        boolean bytes = config.maxBytesPerMember() > 0;
        long bound = bytes ? config.maxBytesPerMember() : config.maxEntriesPerMember();
        synchronized (m) {
            int failures = 0;
            int evicted = 0;
            while (true) {
                PartitionTable t = topology.table();
                int[] primaries = m.primaries(t, topology.self());
                long usage = 0;
                int fullest = -1;
                long fullestUsage = -1;
                for (int p : primaries) {
                    long u = usage(m.map.peek(p), bytes);
                    usage += u;
                    if (u > fullestUsage) {
                        fullest = p;
                        fullestUsage = u;
                    }
                }
                if (usage <= bound || fullest < 0) {
                    return false;
                }
                if (evicted >= max || failures >= MAX_FAILED_ATTEMPTS) {
                    return failures < MAX_FAILED_ATTEMPTS; // give up after failures until the next write
                }
                int written = m.lastWritten;
                long share = bound / primaries.length;
                int p = self(t, written) && usage(m.map.peek(written), bytes) > share ? written : fullest;
                long before = usage(m.map.peek(p), bytes);
                evictOne(m, p, config);
                if (usage(m.map.peek(p), bytes) < before) {
                    evicted++;
                } else {
                    failures++;
                }
            }
        }
    }

    private boolean self(PartitionTable t, int p) {
        return topology.self().equals(t.primary(p));
    }

    private static long usage(PartitionStore store, boolean bytes) {
        return bytes ? store.heapCost() : store.liveCount();
    }

    /** Samples the partition from its cursor and removes the chosen entry. */
    private void evictOne(MapEviction m, int p, EvictionConfig config) {
        PartitionStore store = m.map.peek(p);
        long now = m.map.nowMillis();
        Iterator<Record> it = m.cursors[p];
        Record victim = null;
        boolean restarted = false;
        int sampled = 0;
        int steps = 0;
        while (sampled < config.sampleSize() && steps < config.sampleSize() * MAX_STEPS_PER_SAMPLED_ENTRY) {
            if (it == null || !it.hasNext()) {
                if (restarted) {
                    break; // fewer entries than the sample
                }
                it = store.records();
                restarted = true;
                continue;
            }
            Record r = it.next();
            steps++;
            if (r.isTombstone()) {
                continue;
            }
            if (LiveEntries.isRemovable(m.map, r, now)) {
                m.cursors[p] = it;
                primary.removeAsPrimary(m.map, p, Bytes.wrap(r.key()), r.version(),
                        cur -> LiveEntries.isRemovable(m.map, cur, m.map.nowMillis()), ChangeCause.EXPIRED);
                return;
            }
            sampled++;
            if (victim == null || evictsFirst(config.policy(), r, victim, now)) {
                victim = r;
            }
        }
        m.cursors[p] = it;
        if (victim != null) {
            primary.removeAsPrimary(m.map, p, Bytes.wrap(victim.key()), victim.version(), cur -> true, ChangeCause.EVICTED);
        }
    }

    /** Whether {@code a} is a better victim than {@code b} under {@code policy}. */
    static boolean evictsFirst(EvictionPolicy policy, Record a, Record b, long nowMillis) {
        if (policy == EvictionPolicy.LFU) {
            int fa = a.frequency(nowMillis);
            int fb = b.frequency(nowMillis);
            if (fa != fb) {
                return fa < fb;
            }
        }
        return a.lastAccessMillis() < b.lastAccessMillis();
    }
}
