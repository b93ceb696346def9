package dev.tessera.grid.jcache;

import dev.tessera.grid.GridBuilder;
import java.util.List;

/**
 * The types the provider sends to a key's primary ({@link OwnerInvoke}, {@link ConditionalWrite}).
 * A member the provider starts registers them itself; register them on every member of a
 * {@link dev.tessera.grid.Grid} you pass in ({@code tessera.jcache.grid}) with
 * {@link #register(GridBuilder)}. Without them the caches still work, but {@code invoke} runs its
 * processor on the caller (compare-and-set, retried on conflict) and expired entries stay in the map
 * until they are read.
 */
public final class JCacheTypes {
  /** The types, in no particular order. */
  public static final List<Class<?>> TYPES = List.of(OwnerInvoke.class, ConditionalWrite.class);

  private JCacheTypes() {}

  /** Registers {@link #TYPES} on {@code builder}. */
  public static GridBuilder register(GridBuilder builder) {
    TYPES.forEach(builder::registerType);
    return builder;
  }
}
