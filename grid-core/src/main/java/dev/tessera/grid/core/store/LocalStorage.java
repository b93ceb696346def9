package dev.tessera.grid.core.store;

import dev.tessera.grid.MapConfig;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/** Every map stored on this member, by name. Maps are created on first use, locally or by a peer's message. */
public final class LocalStorage {
    private final int partitionCount;
    private final ConcurrentHashMap<String, MapContainer> maps = new ConcurrentHashMap<>();

    public LocalStorage(int partitionCount) {
        this.partitionCount = partitionCount;
    }

    /**
     * The map's container, created with {@code config} if absent.
     *
     * @throws IllegalArgumentException if it exists with another configuration
     */
    public MapContainer getOrCreate(String name, MapConfig config) {
        MapContainer c = maps.get(name);
        if (c == null) {
            c = maps.computeIfAbsent(name, n -> new MapContainer(n, config, partitionCount));
        }
        // Identity first: local calls pass the map's own config, and peers' messages the instance decoding last produced.
        if (c.config() != config && !c.acceptsPeerConfig(config)) {
            throw new IllegalArgumentException("Map '" + name + "' already exists with " + c.config()
                    + "; every member must use one configuration per map name, asked for " + config);
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

    public int partitionCount() {
        return partitionCount;
    }
}
