package dev.tessera.grid.jcache;

import dev.tessera.grid.GridMap;
import dev.tessera.grid.jcache.TesseraSerializingInternalConverter.Serialized;
import java.nio.ByteBuffer;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The entries of a store-by-value cache, kept in a {@link GridMap} of serialized keys to encoded
 * {@link TesseraCachedValue}s, so that every member sees them and they survive a member's death.
 *
 * <p>Atomicity across members: within one operation ({@link #begin()} .. {@link #end(boolean)}) a
 * write of a key that the operation read is a compare-and-set against the bytes read
 * ({@code putIfAbsent}, {@code replace(k, old, new)}, {@code remove(k, old)} at the key's primary).
 * If another member changed the key in between, the write throws {@link StoreConflict} and the
 * cache runs the whole operation again. Threads of one member never conflict: the cache locks the
 * key locally first.
 */
final class GridInternalMap implements TesseraInternalMap<Object, TesseraCachedValue> {
  private final GridMap<byte[], byte[]> map;
  private final ThreadLocal<Operation> operation = ThreadLocal.withInitial(Operation::new);

  GridInternalMap(GridMap<byte[], byte[]> map) {
    this.map = map;
  }

  GridMap<byte[], byte[]> gridMap() {
    return map;
  }

  /** What the current operation of a thread read, by key bytes. */
  private static final class Operation {
    int depth;
    final Map<ByteBuffer, Read> reads = new HashMap<>();
  }

  /** The bytes an operation read for a key (null: absent) and the value it decoded from them. */
  private record Read(byte[] stored, StoredValue value) {}

  /** A cached value as read from the grid, remembering what it was so in-place changes can be found. */
  static final class StoredValue extends TesseraCachedValue {
    private final Object originalInternal;
    private final long originalExpiry;

    StoredValue(Object internalValue, long creationTime, long expiryTime) {
      super(internalValue, creationTime, expiryTime);
      this.originalInternal = internalValue;
      this.originalExpiry = expiryTime;
    }

    boolean changedInPlace() {
      return get() != originalInternal || getExpiryTime() != originalExpiry;
    }
  }

  @Override
  public void begin() {
    operation.get().depth++;
  }

  @Override
  public void end(boolean commit) {
    Operation op = operation.get();
    if (--op.depth > 0) {
      return;
    }
    try {
      if (commit) {
        for (Map.Entry<ByteBuffer, Read> e : op.reads.entrySet()) {
          Read read = e.getValue();
          if (read.stored() != null && read.value() != null && read.value().changedInPlace()) {
            // only an access time moves in place (values are put): if another member wrote the key
            // since, its write is newer and this write-back is dropped
            compareAndSet(e.getKey().array(), read.stored(), encode(read.value()));
          }
        }
      }
    } finally {
      op.reads.clear();
      operation.remove();
    }
  }

  @Override
  public void writeBack(Object key, TesseraCachedValue value) {
    if (value instanceof StoredValue stored && stored.changedInPlace()) {
      // the iterator read these bytes: recompute them from the original fields
      byte[] original = encode(stored.getCreationTime(), stored.originalExpiry, stored.originalInternal);
      compareAndSet(keyBytes(key), original, encode(value));
    }
  }

  @Override
  public TesseraCachedValue get(Object key) {
    byte[] k = keyBytes(key);
    byte[] stored = map.get(k);
    StoredValue value = stored == null ? null : decode(stored);
    Operation op = operation.get();
    if (op.depth > 0) {
      op.reads.put(ByteBuffer.wrap(k), new Read(stored, value));
    } else {
      operation.remove();
    }
    return value;
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  @Override
  public void put(Object key, TesseraCachedValue value) {
    byte[] k = keyBytes(key);
    byte[] bytes = encode(value);
    Operation op = operation.get();
    Read read = op.reads.get(ByteBuffer.wrap(k));
    if (read == null) {
      set(k, bytes);
    } else if (!compareAndSet(k, read.stored(), bytes)) {
      throw StoreConflict.INSTANCE;
    }
    if (op.depth > 0) {
      // the cache changes a value before it puts it, never after: nothing to write back
      op.reads.put(ByteBuffer.wrap(k), new Read(bytes, null));
    } else {
      operation.remove();
    }
  }

  @Override
  public TesseraCachedValue getAndPut(Object key, TesseraCachedValue value) {
    TesseraCachedValue old = get(key);
    put(key, value);
    return old;
  }

  @Override
  public TesseraCachedValue remove(Object key) {
    byte[] k = keyBytes(key);
    Operation op = operation.get();
    Read read = op.reads.get(ByteBuffer.wrap(k));
    TesseraCachedValue old;
    if (read == null) {
      byte[] stored = map.remove(k);
      old = stored == null ? null : decode(stored);
    } else if (read.stored() == null) {
      old = null;
    } else if (map.remove(k, read.stored())) {
      old = read.value();
    } else {
      throw StoreConflict.INSTANCE;
    }
    if (op.depth > 0) {
      op.reads.put(ByteBuffer.wrap(k), new Read(null, null));
    } else {
      operation.remove();
    }
    return old;
  }

  @Override
  public void clear() {
    map.clear();
  }

  @Override
  public int size() {
    return map.size();
  }

  @Override
  public Iterator<Map.Entry<Object, TesseraCachedValue>> iterator() {
    Iterator<Map.Entry<byte[], byte[]>> it = map.entrySet().iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Map.Entry<Object, TesseraCachedValue> next() {
        Map.Entry<byte[], byte[]> e = it.next();
        return new AbstractMap.SimpleImmutableEntry<>(Serialized.ofBytes(e.getKey()), decode(e.getValue()));
      }

      @Override
      public void remove() {
        it.remove();
      }
    };
  }

  private static byte[] keyBytes(Object key) {
    if (key instanceof Serialized<?> s) {
      return s.bytes();
    }
    throw new IllegalArgumentException("a store-by-value key must be serialized, was " + key.getClass());
  }

  private static byte[] encode(TesseraCachedValue v) {
    return StoredEntries.encode(v);
  }

  private static byte[] encode(long creationTime, long expiryTime, Object internalValue) {
    return StoredEntries.encode(creationTime, expiryTime, ((Serialized<?>) internalValue).bytes());
  }

  private static StoredValue decode(byte[] stored) {
    return StoredEntries.decode(stored);
  }

  /**
   * Stores {@code next} (null: removes) if the key holds {@code expected} (null: is absent), with the
   * map time-to-live of {@code next}'s expiry, so that the map drops it once it expired even if no one
   * reads it again. Without the provider's types registered on the members, a plain compare-and-set
   * without time-to-live.
   */
  private boolean compareAndSet(byte[] k, byte[] expected, byte[] next) {
    long ttl = next == null ? 0 : StoredEntries.ttlMillis(next, System.currentTimeMillis());
    if (ttl > 0 && ownerTypes) {
      try {
        return map.executeOnKey(k, new ConditionalWrite(expected, next, ttl));
      } catch (dev.tessera.grid.GridTimeoutException e) {
        throw e;
      } catch (dev.tessera.grid.GridSerializationException e) {
        typesMissing(e);
      } catch (dev.tessera.grid.GridException e) {
        if (!String.valueOf(e.getMessage()).contains("cannot be read on this member")) {
          throw e;
        }
        typesMissing(e);
      }
    }
    if (expected == null) {
      return next == null || map.putIfAbsent(k, next) == null;
    }
    return next == null ? map.remove(k, expected) : map.replace(k, expected, next);
  }

  private void set(byte[] k, byte[] next) {
    long ttl = StoredEntries.ttlMillis(next, System.currentTimeMillis());
    if (ttl > 0) {
      map.set(k, next, java.time.Duration.ofMillis(ttl));
    } else {
      map.set(k, next);
    }
  }

  /** Whether the members know {@link JCacheTypes}; false after the first sign that one does not. */
  private volatile boolean ownerTypes = true;

  void typesMissing(RuntimeException e) {
    if (ownerTypes) {
      ownerTypes = false;
      System.getLogger(GridInternalMap.class.getName()).log(System.Logger.Level.WARNING, "map " + map.name()
          + ": the JCache provider's types are not registered on every member (register JCacheTypes.TYPES, see "
          + "JCacheTypes.register): invoke runs on the caller and expired entries stay until read (" + e.getMessage() + ")");
    }
  }

  boolean ownerTypes() {
    return ownerTypes;
  }

  /** Another member changed a key between this operation's read and its write: run the operation again. */
  static final class StoreConflict extends Error {
    private static final long serialVersionUID = 1L;
    static final StoreConflict INSTANCE = new StoreConflict();

    private StoreConflict() {
      super("concurrent update of a JCache entry by another member", null, false, false);
    }
  }
}
