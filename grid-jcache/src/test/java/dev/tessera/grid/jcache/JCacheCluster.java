package dev.tessera.grid.jcache;

import dev.tessera.grid.Grid;
import dev.tessera.grid.jcache.spi.GridSettings;
import dev.tessera.grid.jcache.spi.TesseraCachingProvider;
import dev.tessera.grid.testkit.TestCluster;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.cache.CacheManager;

/**
 * N in-process members of the test kit's {@link TestCluster}, each with its own caching provider and a cache manager
 * bound to its grid (as N JVMs would have). Starts once every member holds the same stable partition table.
 */
final class JCacheCluster implements AutoCloseable {
  static final URI URI = java.net.URI.create("tessera://test");

  private final TestCluster grids;
  private final List<TesseraCachingProvider> providers = new ArrayList<>();
  private final List<CacheManager> managers = new ArrayList<>();

  JCacheCluster(int n) {
    grids = TestCluster.start(n, JCacheTypes::register);
    try {
      for (int i = 0; i < n; i++) {
        TesseraCachingProvider p = new TesseraCachingProvider();
        providers.add(p);
        Properties props = new Properties();
        props.put(GridSettings.GRID, grids.member(i));
        managers.add(p.getCacheManager(URI, getClass().getClassLoader(), props));
      }
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  Grid grid(int i) {
    return grids.member(i);
  }

  CacheManager manager(int i) {
    return managers.get(i);
  }

  int size() {
    return grids.size();
  }

  /** kill -9 of member {@code i}: no goodbye; the others find out through failure detection (2 s). */
  void crash(int i) {
    CacheManager m = managers.remove(i);
    TesseraCachingProvider p = providers.remove(i);
    grids.crash(i);
    try {
      m.close();
      p.close();
    } catch (RuntimeException ignored) {
      // its grid is gone: nothing of it needs cleaning up
    }
  }

  /** Entries of map {@code name} held on every member, primaries and backups. */
  long storedEntries(String name) {
    long n = 0;
    for (Grid g : grids.members()) {
      var stats = g.introspection().localMapStats().get(name);
      n += stats == null ? 0 : stats.primaryEntries() + stats.backupEntries();
    }
    return n;
  }

  /** Entries of map {@code name} removed by expiry on the live members. */
  long expirations(String name) {
    long n = 0;
    for (Grid g : grids.members()) {
      var stats = g.introspection().localMapStats().get(name);
      n += stats == null ? 0 : stats.expirations();
    }
    return n;
  }

  /** Closes the cache managers, then the members (checking the grid's invariants, {@link TestCluster#close()}). */
  @Override
  public void close() {
    managers.forEach(CacheManager::close);
    providers.forEach(TesseraCachingProvider::close);
    grids.close();
  }
}
