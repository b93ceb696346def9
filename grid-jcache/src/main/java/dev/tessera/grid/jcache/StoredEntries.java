package dev.tessera.grid.jcache;

import dev.tessera.grid.ProcessedEntry;
import dev.tessera.grid.jcache.TesseraSerializingInternalConverter.Serialized;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;

/**
 * How a store-by-value cache entry is kept in its grid map: creation time, expiry time (JCache's
 * absolute millis, {@code Long.MAX_VALUE} for eternal), then the value's serialized bytes; and the
 * map time-to-live that goes with it.
 */
final class StoredEntries {
  /**
   * How long after its JCache expiry the map removes an entry nobody touched. Until then a read
   * finds the expired entry itself and reports it to expiry listeners, as the reference
   * implementation does; after it, the entry no longer takes memory.
   */
  static final long GRACE_MILLIS = 1_000;

  private StoredEntries() {}

  static byte[] encode(long creationTime, long expiryTime, byte[] value) {
    return ByteBuffer.allocate(16 + value.length).putLong(creationTime).putLong(expiryTime).put(value).array();
  }

  static byte[] encode(TesseraCachedValue v) {
    return encode(v.getCreationTime(), v.getExpiryTime(), ((Serialized<?>) v.get()).bytes());
  }

  static GridInternalMap.StoredValue decode(byte[] stored) {
    ByteBuffer b = ByteBuffer.wrap(stored);
    long creation = b.getLong();
    long expiry = b.getLong();
    return new GridInternalMap.StoredValue(Serialized.ofBytes(Arrays.copyOfRange(stored, 16, stored.length)), creation, expiry);
  }

  static long expiryTime(byte[] stored) {
    return ByteBuffer.wrap(stored).getLong(8);
  }

  /** The map time-to-live for stored bytes written at {@code now}: 0 (none) for an eternal entry. */
  static long ttlMillis(byte[] stored, long now) {
    long expiry = expiryTime(stored);
    if (expiry == Long.MAX_VALUE || expiry < 0) {
      return 0;
    }
    long left = Math.max(1, expiry - now);
    return left > Long.MAX_VALUE - GRACE_MILLIS ? 0 : left + GRACE_MILLIS;
  }

  /** Stores {@code next} (null: removes) in a processor's entry, with its time-to-live if it has one. */
  static void write(ProcessedEntry<byte[], byte[]> entry, byte[] next, long ttlMillis) {
    if (next == null) {
      entry.remove();
    } else if (ttlMillis > 0) {
      entry.setValue(next, Duration.ofMillis(ttlMillis));
    } else {
      entry.setValue(next);
    }
  }
}
