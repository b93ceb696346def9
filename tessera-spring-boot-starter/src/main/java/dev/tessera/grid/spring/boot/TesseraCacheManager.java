package dev.tessera.grid.spring.boot;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

/**
 * A {@link CacheManager} whose caches are grid maps: a cache named {@code quotes} is the map {@code quotes}, with
 * the configuration of {@code tessera.maps.quotes.*} (backups, time-to-live, eviction, near cache). With fixed names,
 * only the caches of {@code tessera.cache.names} exist; otherwise a cache is created on first use.
 */
public class TesseraCacheManager implements CacheManager {
    private final GridMaps maps;
    private final boolean fixedNames;
    private final ConcurrentMap<String, TesseraCache> caches = new ConcurrentHashMap<>();

    public TesseraCacheManager(GridMaps maps, List<String> names, boolean fixedNames) {
        this.maps = maps;
        this.fixedNames = fixedNames;
        names.forEach(this::create);
    }

    @Override
    public Cache getCache(String name) {
        TesseraCache cache = caches.get(name);
        if (cache != null || fixedNames) {
            return cache;
        }
        return caches.computeIfAbsent(name, n -> new TesseraCache(maps.map(n)));
    }

    @Override
    public Collection<String> getCacheNames() {
        return Set.copyOf(caches.keySet());
    }

    private void create(String name) {
        caches.computeIfAbsent(name, n -> new TesseraCache(maps.map(n)));
    }
}
