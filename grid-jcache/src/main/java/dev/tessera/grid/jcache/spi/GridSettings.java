package dev.tessera.grid.jcache.spi;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridBuilder;
import dev.tessera.grid.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * How the provider starts a member when a cache manager's properties do not pass a {@link Grid}.
 * Each setting is read from the manager's properties, then from the system properties:
 * <ul>
 *   <li>{@value #CLUSTER} — cluster name (default {@code tessera-jcache})</li>
 *   <li>{@value #TRANSPORT} — {@code tcp} (default: 127.0.0.1, TCPPING from port {@value #DEFAULT_PORT})
 *       or {@code in-process} (members of this JVM only)</li>
 *   <li>{@value #PORT} — first TCP port (default {@value #DEFAULT_PORT})</li>
 *   <li>{@value #MEMBERS} — members to start in this JVM (default 1); the others hold data only,
 *       which puts the caches on a real cluster in tests</li>
 * </ul>
 *
 * @param clusterName cluster to join
 * @param inProcess   whether the transport is in-process
 * @param port        first TCP port
 * @param members     members started in this JVM (at least 1)
 */
public record GridSettings(String clusterName, boolean inProcess, int port, int members) {
  /** Property holding an existing {@link Grid} to use instead of starting a member. */
  public static final String GRID = "tessera.jcache.grid";
  public static final String CLUSTER = "tessera.jcache.clusterName";
  public static final String TRANSPORT = "tessera.jcache.transport";
  public static final String PORT = "tessera.jcache.port";
  public static final String MEMBERS = "tessera.jcache.members";
  public static final int DEFAULT_PORT = 7800;

  public GridSettings {
    if (members < 1) {
      throw new IllegalArgumentException(MEMBERS + " must be at least 1, was " + members);
    }
  }

  /**
   * The settings in {@code properties}, else in the system properties, else the defaults.
   *
   * @throws IllegalArgumentException naming the property, if a value is not valid
   */
  public static GridSettings from(Properties properties) {
    String transport = read(properties, TRANSPORT, "tcp");
    if (!transport.equals("tcp") && !transport.equals("in-process")) {
      throw new IllegalArgumentException(TRANSPORT + " must be tcp or in-process, was " + transport);
    }
    return new GridSettings(read(properties, CLUSTER, "tessera-jcache"), transport.equals("in-process"),
        number(properties, PORT, DEFAULT_PORT), number(properties, MEMBERS, 1));
  }

  /** Starts the members, the cache's own first, and waits until they see each other. */
  List<Grid> start() {
    List<Grid> started = new ArrayList<>();
    try {
      for (int i = 0; i < members; i++) {
        started.add(builder().start());
      }
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (started.get(0).members().size() < members) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the " + members + " members of " + clusterName + " did not form one cluster in 30 s");
        }
        java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
      }
      return started;
    } catch (RuntimeException e) {
      started.forEach(Grid::close);
      throw e;
    }
  }

  private GridBuilder builder() {
    return dev.tessera.grid.jcache.JCacheTypes.register(Grid.builder()).clusterName(clusterName)
        .transport(inProcess ? Transport.inProcess()
            // discovery starts at the first port, where the first member of the cluster listens
            : new Transport.Tcp("127.0.0.1", port, 10, List.of("127.0.0.1[" + port + "]"), null));
  }

  private static String read(Properties properties, String key, String fallback) {
    Object v = properties.get(key);
    if (v == null) {
      v = System.getProperty(key);
    }
    return v == null ? fallback : v.toString().trim();
  }

  private static int number(Properties properties, String key, int fallback) {
    String v = read(properties, key, Integer.toString(fallback));
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number, was " + v, e);
    }
  }
}
