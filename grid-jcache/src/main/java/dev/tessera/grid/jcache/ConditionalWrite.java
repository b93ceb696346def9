package dev.tessera.grid.jcache;

import dev.tessera.grid.KeyProcessor;
import dev.tessera.grid.ProcessedEntry;
import java.util.Arrays;

/**
 * A compare-and-set of one stored cache entry at its primary that also sets the entry's
 * time-to-live (the plain {@code putIfAbsent}/{@code replace} of a map cannot), so the map removes an
 * expired entry even if no one touches it again.
 *
 * @param expected  the stored bytes the write is conditional on ({@code null}: the key must be absent)
 * @param next      the bytes to store ({@code null}: remove the entry)
 * @param ttlMillis the map's time-to-live for {@code next} (0: none)
 */
public record ConditionalWrite(byte[] expected, byte[] next, long ttlMillis) implements KeyProcessor<byte[], byte[], Boolean> {

  @Override
  public Boolean process(ProcessedEntry<byte[], byte[]> entry) {
    if (!Arrays.equals(entry.value(), expected)) {
      return Boolean.FALSE;
    }
    StoredEntries.write(entry, next, ttlMillis);
    return Boolean.TRUE;
  }
}
