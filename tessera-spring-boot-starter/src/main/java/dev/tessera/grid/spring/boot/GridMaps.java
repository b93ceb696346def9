package dev.tessera.grid.spring.boot;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import java.util.Map;
import java.util.Set;

/**
 * The grid's maps with the configuration of {@code tessera.maps.<name>.*} (every member must open a map with the
 * same configuration). Use it instead of {@code grid.map(name)}, which uses the defaults.
 */
public final class GridMaps {
    private final Grid grid;
    private final Map<String, MapConfig> configs;

    public GridMaps(Grid grid, Map<String, MapConfig> configs) {
        this.grid = grid;
        this.configs = Map.copyOf(configs);
    }

    /**
     * The map {@code name} with its configured (or the default) configuration.
     *
     * @throws IllegalArgumentException if the name is invalid or the map was opened with another configuration
     */
    public <K, V> GridMap<K, V> map(String name) {
        return grid.map(name, configOf(name));
    }

    /** The configuration of {@code tessera.maps.<name>}, or {@link MapConfig#defaults()}. */
    public MapConfig configOf(String name) {
        return configs.getOrDefault(name, MapConfig.defaults());
    }

    /** Names configured under {@code tessera.maps}. */
    public Set<String> configuredNames() {
        return configs.keySet();
    }
}
