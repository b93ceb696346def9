package dev.tessera.grid.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.Transport;
import dev.tessera.grid.jcache.spi.GridSettings;
import dev.tessera.grid.jcache.spi.TesseraCachingProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Properties;
import java.util.UUID;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bytes that someone else placed in a cache's grid map are untrusted: hostile serialized payloads
 * are refused with {@link SerialFilter.RefusedException} before they can exhaust the member.
 */
class HostilePayloadTest {
  private Grid grid;
  private TesseraCachingProvider provider;

  @BeforeEach
  void start() {
    grid = Grid.builder().clusterName("hostile-" + UUID.randomUUID()).transport(Transport.inProcess()).start();
    provider = new TesseraCachingProvider();
  }

  @AfterEach
  void stop() {
    provider.close();
    grid.close();
  }

  private Cache<String, Object> cache(String uri, String pattern) {
    Properties p = new Properties();
    p.put(GridSettings.GRID, grid);
    if (pattern != null) {
      p.put(SerialFilter.PATTERN, pattern);
    }
    CacheManager m = provider.getCacheManager(URI.create(uri), getClass().getClassLoader(), p);
    return m.createCache("c", new MutableConfiguration<String, Object>());
  }

  /** Places {@code valueBytes} as the stored value of {@code key}, as another writer of the map could. */
  @SuppressWarnings("unchecked")
  private static void plant(Cache<String, Object> cache, String key, byte[] valueBytes) throws IOException {
    GridMap<byte[], byte[]> map = cache.unwrap(GridMap.class);
    byte[] stored = ByteBuffer.allocate(16 + valueBytes.length).putLong(System.currentTimeMillis())
        .putLong(Long.MAX_VALUE).put(valueBytes).array();
    map.put(serialize(key), stored);
  }

  private static byte[] serialize(Object o) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    return bytes.toByteArray();
  }

  @Test
  void anArrayHeaderLargerThanThePayloadIsRefusedWithoutAllocatingIt() throws IOException {
    Cache<String, Object> cache = cache("tessera://bounds", null);
    byte[] payload = serialize(new long[] {7, 7, 7});
    // the int before the three longs is the array's length: announce ~2^31 elements (16 GiB)
    ByteBuffer.wrap(payload).putInt(payload.length - 24 - 4, Integer.MAX_VALUE - 8);
    plant(cache, "huge", payload);

    assertThatThrownBy(() -> cache.get("huge")).isInstanceOf(SerialFilter.RefusedException.class)
        .hasMessageContaining("an array of 2147483639 elements in a stream of " + payload.length + " bytes");
    // the member is fine and the cache still works
    cache.put("ok", new long[] {1, 2});
    assertThat((long[]) cache.get("ok")).containsExactly(1, 2);
  }

  @Test
  void deepNestingIsRefused() throws IOException {
    Cache<String, Object> cache = cache("tessera://depth", null);
    Object[] nested = new Object[1];
    Object[] inner = nested;
    for (int i = 0; i < 1_000; i++) {
      Object[] next = new Object[1];
      inner[0] = next;
      inner = next;
    }
    plant(cache, "deep", serialize(nested));

    assertThatThrownBy(() -> cache.get("deep")).isInstanceOf(SerialFilter.RefusedException.class)
        .hasMessageContaining("nested more than 100 deep");
    // nesting within the bound reads fine
    Object[] shallow = {new Object[] {new Object[] {"x"}}};
    cache.put("shallow", shallow);
    assertThat(((Object[]) ((Object[]) ((Object[]) cache.get("shallow"))[0])[0])[0]).isEqualTo("x");
  }

  /** A class an application would never put in this cache. */
  record Gadget(String command) implements Serializable {}

  @Test
  void aClassOutsideTheAllowListIsRefused() throws IOException {
    Cache<String, Object> open = cache("tessera://allow", null);
    Cache<String, Object> guarded = cache("tessera://allow-guarded", "java.lang.*;java.util.*");
    plant(guarded, "gadget", serialize(new Gadget("rm -rf /")));
    guarded.put("fine", new java.util.ArrayList<>(java.util.List.of("a", 1L)));

    assertThatThrownBy(() -> guarded.get("gadget")).isInstanceOf(SerialFilter.RefusedException.class)
        .hasMessageContaining("class " + Gadget.class.getName() + " is not allowed by tessera.jcache.serialFilter");
    assertThat(guarded.get("fine")).isEqualTo(java.util.List.of("a", 1L));
    // without a pattern only the bounds apply
    open.put("gadget", new Gadget("ls"));
    assertThat(open.get("gadget")).isEqualTo(new Gadget("ls"));
  }

  @Test
  void anInvalidPatternNamesTheProperty() {
    assertThatThrownBy(() -> cache("tessera://bad", "java.lang.*;maxdepth=x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(SerialFilter.PATTERN);
  }
}
