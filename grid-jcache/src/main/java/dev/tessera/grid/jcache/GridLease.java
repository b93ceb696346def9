package dev.tessera.grid.jcache;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The grid a cache manager keeps its store-by-value caches in: one the application passed in, or one
 * the provider starts on first use and stops when it is closed. Names each cache's map.
 */
public final class GridLease {
  private static final Pattern MAP_NAME = Pattern.compile("[A-Za-z0-9._\\-:/]{1,200}");

  private final Supplier<Grid> starter;
  private volatile Grid grid;

  /** A lease on a grid started by {@code starter} when a cache first needs it. */
  public GridLease(Supplier<Grid> starter) {
    this.starter = starter;
  }

  /** The grid, started now if this is its first use. */
  public Grid grid() {
    Grid g = grid;
    if (g == null) {
      synchronized (this) {
        g = grid;
        if (g == null) {
          g = starter.get();
          grid = g;
        }
      }
    }
    return g;
  }

  /** The grid if it is running, else {@code null} (nothing to clean up in it). */
  public Grid gridIfStarted() {
    return grid;
  }

  /** The map holding cache {@code cacheName} of the manager named {@code uri}, on every member. */
  GridMap<byte[], byte[]> map(URI uri, String cacheName) {
    return grid().map(mapName(uri, cacheName), MapConfig.defaults());
  }

  /**
   * {@code jcache:<uri>/<cache>} when that is a legal map name, else {@code jcache:} and a hash of
   * both, so that every member derives the same name from the same manager URI and cache name.
   */
  static String mapName(URI uri, String cacheName) {
    String plain = "jcache:" + uri + "/" + cacheName;
    if (MAP_NAME.matcher(plain).matches()) {
      return plain;
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest((uri + "\n" + cacheName).getBytes(StandardCharsets.UTF_8));
      return "jcache:" + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
