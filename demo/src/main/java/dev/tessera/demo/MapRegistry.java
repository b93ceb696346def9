package dev.tessera.demo;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The names of the maps the HTTP API may touch, cluster-wide, so that a request never creates a map it only reads.
 *
 * <p>A map comes into being on a member when that member calls {@code grid.map(name)}, and the grid has no
 * cluster-wide list of names (a member may hold no entry of a map written through another member). So the demo
 * keeps its own: the grid map {@value #REGISTRY_MAP}, name to the member that first wrote it. A write registers the
 * name first (at most {@link #maxMaps} names); a read or delete of a name that is not registered answers 404
 * without calling {@code grid.map}. Names are never removed (the demo cannot drop a map), so a name once seen
 * is cached locally.
 */
final class MapRegistry {
    static final String REGISTRY_MAP = "__demo_maps";
    /** Map names: 1-100 letters, digits, '.', '_' or '-'. */
    static final Pattern MAP_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

    private final Grid grid;
    private final String self;
    private final int maxMaps;
    private final GridMap<String, String> registry;
    private final Set<String> known = ConcurrentHashMap.newKeySet();

    /** @param builtIn the demo's own maps, which exist on every member from its start */
    MapRegistry(Grid grid, String self, int maxMaps, Set<String> builtIn) {
        this.grid = grid;
        this.self = self;
        this.maxMaps = maxMaps;
        this.registry = grid.map(REGISTRY_MAP);
        known.add(REGISTRY_MAP);
        known.addAll(builtIn);
    }

    /** Throws a 400 unless {@code name} is a valid map name. */
    static void validate(String name) {
        if (!MAP_NAME.matcher(name).matches()) {
            throw new HttpApi.HttpError(400, "bad map name '" + abbreviate(name)
                    + "': use 1-100 letters, digits, '.', '_' or '-'");
        }
    }

    /** The map if some member wrote to it through the API (or it is the demo's own), else {@code null}. */
    GridMap<String, String> existing(String name) {
        validate(name);
        if (known.contains(name)) {
            return grid.map(name);
        }
        if (name.startsWith("__") || !registry.containsKey(name)) {
            return null;
        }
        known.add(name);
        return grid.map(name);
    }

    /** The map to write to, registering its name first; 409 if {@link #maxMaps} names are taken. */
    GridMap<String, String> forWrite(String name) {
        GridMap<String, String> map = existing(name);
        if (map != null) {
            return map;
        }
        // size() is cluster-wide and weakly consistent: concurrent first writes may pass the limit by a few
        if (registry.size() >= maxMaps) {
            throw new HttpApi.HttpError(409, "too many maps: this demo serves at most " + maxMaps + " (start members"
                    + " with --max-maps N for more); write to an existing map instead");
        }
        registry.putIfAbsent(name, self);
        known.add(name);
        return grid.map(name);
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 120) + "...(" + s.length() + " characters)";
    }
}
