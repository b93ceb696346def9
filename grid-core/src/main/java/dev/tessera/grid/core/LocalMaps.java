package dev.tessera.grid.core;

import dev.tessera.grid.MapConfig;
import dev.tessera.grid.core.expiry.Evictor;
import dev.tessera.grid.core.map.GridMapImpl;
import dev.tessera.grid.core.map.MapContext;
import dev.tessera.grid.core.mapstore.MapStoreService;
import dev.tessera.grid.core.nearcache.InvalidationPublisher;
import dev.tessera.grid.core.nearcache.NearCacheRegistry;
import dev.tessera.grid.core.store.LocalStorage;
import dev.tessera.grid.core.store.MapNames;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** The map handles opened on this member, one per name, and what dropping a map here drops. */
final class LocalMaps {
    private final ConcurrentHashMap<String, GridMapImpl<?, ?>> handles = new ConcurrentHashMap<>();
    private final LocalStorage storage;
    private final NearCacheRegistry nearCaches;
    private final InvalidationPublisher invalidations;
    private final Evictor evictor;
    private final MapStoreService mapStores;

    LocalMaps(LocalStorage storage, NearCacheRegistry nearCaches, InvalidationPublisher invalidations, Evictor evictor,
              MapStoreService mapStores) {
        this.storage = storage;
        this.nearCaches = nearCaches;
        this.invalidations = invalidations;
        this.evictor = evictor;
        this.mapStores = mapStores;
    }

    /**
     * The handle of {@code name}, opened with {@code config} on first use.
     *
     * @throws IllegalArgumentException for an invalid name, an unregistered map store, or a map open with another config
     */
    GridMapImpl<?, ?> open(String name, MapConfig config, MapContext context) {
        MapNames.validate(name);
        Objects.requireNonNull(config, "config");
        mapStores.checkRegistered(config);
        GridMapImpl<?, ?> map = handles.computeIfAbsent(name, n -> new GridMapImpl<>(n, config, context));
        if (!map.config().equals(config)) {
            throw new IllegalArgumentException("Map '" + name + "' already exists with " + map.config() + "; asked for " + config);
        }
        return map;
    }

    /** The handles open now. */
    Collection<GridMapImpl<?, ?>> open() {
        return handles.values();
    }

    /**
     * Drops {@code name} on this member: its handle (which refuses further use), entries, near cache, eviction,
     * store binding and invalidation state. Called by {@link GridMapImpl#destroy()} and by peers' requests.
     */
    void destroyLocally(String name) {
        GridMapImpl<?, ?> handle = handles.remove(name);
        if (handle != null) {
            handle.markDestroyed();
        }
        storage.destroy(name);
        nearCaches.remove(name);
        invalidations.forget(name);
        evictor.forget(name);
        mapStores.forget(name);
    }
}
