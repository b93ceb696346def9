package dev.tessera.grid.core.store;

import dev.tessera.grid.core.time.TimeSource;
import dev.tessera.grid.GridLimitException;
import dev.tessera.grid.MapConfig;
import dev.tessera.grid.core.store.metrics.OperationTimers;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every map stored on this member, by name. Maps are created on first use, locally or by a peer's
 * message, at most {@code maxMaps} of them ({@link GridLimitException} beyond), and removed by
 * {@link #destroy}.
 */
public final class LocalStorage {
    /** Starts the error text of a refusal by the map limit: a caller that gets it from a peer raises {@link GridLimitException}. */

    private final int partitionCount;
    private final int maxMaps;
    private final TimeSource time;
    private final ConcurrentHashMap<String, MapContainer> maps = new ConcurrentHashMap<>();
    private final OperationTimers timers;

    public LocalStorage(int partitionCount) {
        this(partitionCount, Integer.MAX_VALUE, TimeSource.SYSTEM);
    }

    /** @param time what the maps' expiry reads as "now" */
    public LocalStorage(int partitionCount, int maxMaps, TimeSource time) {
        this.partitionCount = partitionCount;
        this.maxMaps = maxMaps;
        this.time = time;
        this.timers = new OperationTimers(time);
    }

    /** The time this member's stored entries expire by. */
    public TimeSource time() {
        return time;
    }

    /**
     * The map's container, created with {@code config} if absent.
     *
     * @throws IllegalArgumentException if it exists with another configuration, or {@code name} breaks {@link MapNames}
     * @throws GridLimitException       if it is absent and this member already holds {@code maxMaps} maps
     */
    public MapContainer getOrCreate(String name, MapConfig config) {
        return getOrCreate(name, config, maxMaps);
    }

    /**
     * {@link #getOrCreate} for a copy sent by the partition's primary, which created the map within its own
     * limit: a replica takes maps up to twice the limit, so that members with equal limits do not refuse each
     * other's copies of writes they accepted (a member may hold maps the others do not, e.g. ones it only
     * read), and memory stays bounded all the same.
     */
    public MapContainer getOrCreateReplica(String name, MapConfig config) {
        return getOrCreate(name, config, maxMaps > Integer.MAX_VALUE / 2 ? Integer.MAX_VALUE : 2 * maxMaps);
    }

    private MapContainer getOrCreate(String name, MapConfig config, int limit) {
        MapContainer c = maps.get(name);
        if (c == null) {
            MapNames.validate(name);
            c = create(name, config, limit);
        }
        // Identity first: local calls pass the map's own config, and peers' messages the instance decoding last produced.
        if (c.config() != config && !c.acceptsPeerConfig(config)) {
            throw new IllegalArgumentException("Map '" + name + "' already exists with " + c.config()
                    + "; every member must use one configuration per map name, asked for " + config);
        }
        return c;
    }

    /** Creates under the lock of the map table, so that concurrent creations cannot overshoot the limit. */
    private synchronized MapContainer create(String name, MapConfig config, int limit) {
        MapContainer c = maps.get(name);
        if (c != null) {
            return c;
        }
        if (maps.size() >= limit) {
            throw new GridLimitException("cannot create map '" + name + "': this member holds " + maps.size()
                    + " maps, the limit (GridBuilder.maxMaps) is " + maxMaps
                    + "; destroy maps that are no longer needed (GridMap.destroy()) or raise the limit on every member");
        }
        c = new MapContainer(name, config, partitionCount, time, timers);
        maps.put(name, c);
        return c;
    }

    /** Removes the map and drops its entries; returns the removed container or {@code null}. */
    public synchronized MapContainer destroy(String name) {
        MapContainer c = maps.remove(name);
        if (c != null) {
            c.destroy();
        }
        return c;
    }

    /** The container or {@code null}. */
    public MapContainer get(String name) {
        return maps.get(name);
    }

    public Collection<MapContainer> all() {
        return maps.values();
    }

    /** How many maps this member holds. */
    public int size() {
        return maps.size();
    }

    /** The timers every map's operations report to while bound (metrics). */
    public OperationTimers operationTimers() {
        return timers;
    }

    public int maxMaps() {
        return maxMaps;
    }

    public int partitionCount() {
        return partitionCount;
    }
}
