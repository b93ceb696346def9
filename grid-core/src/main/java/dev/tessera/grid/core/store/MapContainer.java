package dev.tessera.grid.core.store;

import dev.tessera.grid.core.time.TimeSource;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.core.store.metrics.MapOperationCounters;
import dev.tessera.grid.core.store.metrics.OperationTimers;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;

/**
 * One map's storage on this member: a {@link PartitionStore} per partition, and its configuration.
 *
 * <p>Lazy: a map that was only named (a read of a missing key, a peer's read) holds no partition
 * stores and no array for them (a few hundred bytes in all, not ~70 KB). {@link #partition} creates a
 * partition's store on first use by a writer; readers use {@link #peek}, which never allocates.
 */
public final class MapContainer {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(PartitionStore[].class);
    private static final VarHandle ARRAY;

    static {
        try {
            ARRAY = MethodHandles.lookup().findVarHandle(MapContainer.class, "partitions", PartitionStore[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String name;
    private final MapConfig config;
    private final int partitionCount;
    /** {@code null} until the first partition store is created; then slots fill on first write. */
    private volatile PartitionStore[] partitions;
    private volatile boolean destroyed;
    private final boolean tracked;
    private volatile MapConfig verifiedPeerConfig;
    private final long maxIdleMillis;
    private final long ttlMillis;
    private final LongAdder evictions = new LongAdder();
    private final LongAdder expirations = new LongAdder();
    private final MapOperationCounters operations;

    private final TimeSource time;

    public MapContainer(String name, MapConfig config, int partitionCount) {
        this(name, config, partitionCount, TimeSource.SYSTEM, new OperationTimers(TimeSource.SYSTEM));
    }

    /**
     * @param time   what this map's expiry reads as "now"
     * @param timers the member's operation timers, which time this map's operations while one is bound
     */
    public MapContainer(String name, MapConfig config, int partitionCount, TimeSource time, OperationTimers timers) {
        this.time = time;
        this.operations = new MapOperationCounters(name, timers);
        this.name = name;
        this.config = config;
        this.tracked = config.tracksEntries();
        this.maxIdleMillis = config.maxIdle() == null ? 0 : config.maxIdle().toMillis();
        this.ttlMillis = config.timeToLive() == null ? 0 : config.timeToLive().toMillis();
        this.partitionCount = partitionCount;
    }

    public String name() {
        return name;
    }

    public MapConfig config() {
        return config;
    }

    /** Partition {@code p}'s store, created if absent: for writers (and anyone who must hold on to the store). */
    public PartitionStore partition(int p) {
        PartitionStore[] a = partitions;
        if (a == null) {
            ARRAY.compareAndSet(this, null, new PartitionStore[partitionCount]);
            a = partitions;
        }
        PartitionStore s = (PartitionStore) SLOT.getAcquire(a, p);
        if (s == null) {
            PartitionStore created = new PartitionStore();
            s = (PartitionStore) SLOT.compareAndExchangeRelease(a, p, null, created);
            if (s == null) {
                s = created;
            }
        }
        return s;
    }

    /** Partition {@code p}'s store, or the shared, read-only {@link PartitionStore#EMPTY} if nothing was written to it. */
    public PartitionStore peek(int p) {
        PartitionStore[] a = partitions;
        PartitionStore s = a == null ? null : (PartitionStore) SLOT.getAcquire(a, p);
        return s == null ? PartitionStore.EMPTY : s;
    }

    /** Whether any partition store was created: a map never written to (on this member) has none. */
    public boolean hasData() {
        return partitions != null;
    }

    public int partitionCount() {
        return partitionCount;
    }

    /** Whether {@link LocalStorage#destroy} removed this container: whoever still holds it must look the map up again. */
    public boolean isDestroyed() {
        return destroyed;
    }

    /** Marks the container destroyed and drops its entries (the caller removed it from {@link LocalStorage}). */
    void destroy() {
        destroyed = true;
        PartitionStore[] a = partitions;
        if (a != null) {
            for (PartitionStore s : a) {
                if (s != null) {
                    s.clear();
                }
            }
        }
        partitions = null;
    }

    /** Replica slots 0..replicas-1 hold this map's data: the primary plus every backup. */
    public int replicas() {
        return 1 + config.totalBackups();
    }

    /**
     * Whether {@code peerConfig}, from another member's message, equals this map's configuration. The last
     * instance found equal is remembered: the wire decoder hands out one instance per distinct header.
     */
    public boolean acceptsPeerConfig(MapConfig peerConfig) {
        if (peerConfig == verifiedPeerConfig) {
            return true;
        }
        if (!config.equals(peerConfig)) {
            return false;
        }
        verifiedPeerConfig = peerConfig;
        return true;
    }

    /** Whether records of this map carry expiry and access data ({@link Record#of}). */
    public boolean tracked() {
        return tracked;
    }

    /**
     * When a write at {@code nowMillis} expires: after {@code ttlMillis} if positive, else after the
     * map's time-to-live; 0 for never.
     */
    public long expiresAt(long nowMillis, long ttlMillis) {
        long ttl = ttlMillis > 0 ? ttlMillis : this.ttlMillis;
        return ttl > 0 ? nowMillis + ttl : 0;
    }

    /** Whether a live record has outlived its time-to-live or the map's max-idle time at {@code nowMillis}. */
    public boolean isExpired(Record r, long nowMillis) {
        long at = r.expiresAt();
        return (at != 0 && nowMillis >= at) || (maxIdleMillis > 0 && nowMillis - r.lastAccessMillis() >= maxIdleMillis);
    }

    /**
     * When a live record read at {@code nowMillis} expires unless read or written again: its time-to-live
     * or its max-idle deadline, whichever comes first; 0 for never. A near cache keeps it no longer.
     */
    public long expiresAtIfIdle(Record r, long nowMillis) {
        long at = r.expiresAt();
        if (maxIdleMillis > 0) {
            long idleAt = nowMillis + maxIdleMillis;
            at = at == 0 ? idleAt : Math.min(at, idleAt);
        }
        return at;
    }

    /**
     * The live, unexpired record of {@code key} in partition {@code p}, or {@code null}; a read at the
     * primary ({@code touch}) counts as an access for max-idle and eviction.
     */
    public Record readLive(int p, Bytes key, long nowMillis, boolean touch) {
        Record r = peek(p).getLive(key);
        if (r == null || isExpired(r, nowMillis)) { // a record with its own ttl expires in any map
            return null;
        }
        if (touch && tracked) {
            r.touch(nowMillis);
        }
        return r;
    }

    /** {@link #readLive(int, Bytes, long, boolean)} at the current time, read from the clock only if the map needs it. */
    public Record readLive(int p, Bytes key, boolean touch) {
        if (!tracked) {
            Record r = peek(p).getLive(key);
            if (r == null || r.expiresAt() == 0) {
                return r; // the common case: no expiry anywhere, no clock read
            }
        }
        return readLive(p, key, time.wallMillis(), touch);
    }

    /** Now, as this map's expiry sees it (wall-clock milliseconds). */
    public long nowMillis() {
        return time.wallMillis();
    }

    /** Counts an entry this member evicted as primary. */
    public void countEviction() {
        evictions.increment();
    }

    /** Counts an entry this member expired as primary. */
    public void countExpiration() {
        expirations.increment();
    }

    /** This map's completed application operations on this member (gets, puts, removes). */
    public MapOperationCounters operations() {
        return operations;
    }

    public long evictions() {
        return evictions.sum();
    }

    public long expirations() {
        return expirations.sum();
    }
}
