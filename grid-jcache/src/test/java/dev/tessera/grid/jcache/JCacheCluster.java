package dev.tessera.grid.jcache;

import static org.awaitility.Awaitility.await;

import dev.tessera.grid.Grid;
import dev.tessera.grid.Member;
import dev.tessera.grid.Transport;
import dev.tessera.grid.jcache.spi.GridSettings;
import dev.tessera.grid.jcache.spi.TesseraCachingProvider;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import javax.cache.CacheManager;

/**
 * N in-process members, each with its own caching provider and a cache manager bound to its grid
 * (as N JVMs would have). Waits until every member holds the same partition table.
 */
final class JCacheCluster implements AutoCloseable {
  static final URI URI = java.net.URI.create("tessera://test");

  private final List<Grid> grids = new ArrayList<>();
  private final List<TesseraCachingProvider> providers = new ArrayList<>();
  private final List<CacheManager> managers = new ArrayList<>();

  JCacheCluster(int n) {
    String cluster = "jcache-" + UUID.randomUUID();
    try {
      for (int i = 0; i < n; i++) {
        Grid g = JCacheTypes.register(Grid.builder()).clusterName(cluster).memberName("m" + (i + 1)).transport(Transport.inProcess())
            .failureDetectionTimeout(Duration.ofSeconds(2)).operationTimeout(Duration.ofSeconds(20)).start();
        grids.add(g);
        TesseraCachingProvider p = new TesseraCachingProvider();
        providers.add(p);
        Properties props = new Properties();
        props.put(GridSettings.GRID, g);
        managers.add(p.getCacheManager(URI, getClass().getClassLoader(), props));
      }
      await("one table on " + n + " members").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
          .until(this::stable);
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  private boolean stable() {
    long version = grids.get(0).introspection().partitionTable().version();
    Set<Member> primaries = new HashSet<>();
    for (Grid g : grids) {
      if (g.members().size() != grids.size() || g.introspection().partitionTable().version() != version
          || !g.introspection().migrations().isEmpty()) {
        return false;
      }
    }
    grids.get(0).introspection().partitionTable().partitions().forEach(p -> primaries.add(p.primary()));
    return primaries.size() == grids.size();
  }

  Grid grid(int i) {
    return grids.get(i);
  }

  CacheManager manager(int i) {
    return managers.get(i);
  }

  int size() {
    return grids.size();
  }

  /** kill -9 of member {@code i}: no goodbye; the others find out through failure detection (2 s). */
  void crash(int i) {
    Grid g = grids.remove(i);
    CacheManager m = managers.remove(i);
    TesseraCachingProvider p = providers.remove(i);
    ((dev.tessera.grid.core.TesseraGrid) g).simulateCrash();
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
    for (Grid g : grids) {
      var stats = g.introspection().localMapStats().get(name);
      n += stats == null ? 0 : stats.primaryEntries() + stats.backupEntries();
    }
    return n;
  }

  /** Entries of map {@code name} removed by expiry on the live members. */
  long expirations(String name) {
    long n = 0;
    for (Grid g : grids) {
      var stats = g.introspection().localMapStats().get(name);
      n += stats == null ? 0 : stats.expirations();
    }
    return n;
  }

  @Override
  public void close() {
    managers.forEach(CacheManager::close);
    providers.forEach(TesseraCachingProvider::close);
    for (int i = grids.size() - 1; i >= 0; i--) {
      grids.get(i).close();
    }
  }
}
