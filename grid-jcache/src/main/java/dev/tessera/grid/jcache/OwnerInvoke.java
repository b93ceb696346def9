package dev.tessera.grid.jcache;

import dev.tessera.grid.KeyProcessor;
import dev.tessera.grid.ProcessedEntry;
import dev.tessera.grid.jcache.GridInternalMap.StoredValue;
import dev.tessera.grid.jcache.TesseraSerializingInternalConverter.Serialized;
import dev.tessera.grid.jcache.processor.EntryProcessorEntry;
import dev.tessera.grid.jcache.processor.MutableEntryOperation;
import javax.cache.expiry.Duration;
import javax.cache.processor.EntryProcessor;

/**
 * {@code Cache.invoke} at the key's primary ({@link dev.tessera.grid.GridMap#executeOnKey}): runs the
 * JCache {@link EntryProcessor} once, atomically with every other write of the key, and stores what
 * it did with the cache's expiry, as the reference implementation's {@code invoke} does on one JVM.
 * The caller raises the events and counts the statistics from the {@link InvokeOutcome}.
 *
 * <p>Expiry is passed as the cache's three durations (the policy object stays on the caller): the
 * caller uses this only for the stateless standard policies, whose answers do not depend on when or
 * how often they are asked.
 *
 * @param task     the Java-serialized {@code Object[] {processor, arguments}}
 * @param creation creation duration in ms ({@link #ETERNAL}, or {@link #UNCHANGED} for none)
 * @param access   access duration in ms, likewise
 * @param update   update duration in ms, likewise
 */
public record OwnerInvoke(byte[] task, long creation, long access, long update)
    implements KeyProcessor<byte[], byte[], byte[]> {
  /** The policy answers null: leave the expiry time as it is. */
  static final long UNCHANGED = -1;
  static final long ETERNAL = Long.MAX_VALUE;

  static long millis(Duration d) {
    return d == null ? UNCHANGED : d.isEternal() ? ETERNAL : d.getTimeUnit().toMillis(d.getDurationAmount());
  }

  private static long expiryAt(long duration, long now) {
    return duration == ETERNAL ? Long.MAX_VALUE : now + duration;
  }

  @Override
  public byte[] process(ProcessedEntry<byte[], byte[]> entry) {
    return run(entry).encode();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private InvokeOutcome run(ProcessedEntry<byte[], byte[]> entry) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = OwnerInvoke.class.getClassLoader();
    }
    // a member reads what others sent with its own (system property) filter, never the sender's
    SerialFilter filter = SerialFilter.from(null);
    TesseraSerializingInternalConverter<Object> converter = new TesseraSerializingInternalConverter<>(loader, filter);
    EntryProcessor processor;
    Object[] arguments;
    Object key;
    try {
      Object[] t = (Object[]) converter.fromInternal(Serialized.ofBytes(task));
      processor = (EntryProcessor) t[0];
      arguments = (Object[]) t[1];
      key = converter.fromInternal(Serialized.ofBytes(entry.key()));
    } catch (RuntimeException e) {
      return InvokeOutcome.notRun("the entry processor cannot be read at the key's primary: " + e);
    }

    long now = System.currentTimeMillis();
    byte[] stored = entry.value();
    StoredValue cached = stored == null ? null : StoredEntries.decode(stored);
    boolean expired = cached != null && cached.isExpiredAt(now);
    byte[] expiredValue = expired ? bytes(cached) : null;
    EntryProcessorEntry e = new EntryProcessorEntry(converter, key, cached, now, null, null);
    Object result;
    try {
      result = processor.process(e, arguments);
    } catch (Throwable t) {
      if (expired) {
        entry.remove();
      }
      return new InvokeOutcome(true, MutableEntryOperation.NONE, !expired && cached != null, null, failure(t),
          expiredValue, null, null, false, null);
    }
    byte[] resultBytes;
    try {
      resultBytes = result == null ? null : new Serialized<>(result).bytes();
    } catch (RuntimeException notSerializable) {
      // nothing is stored: the caller runs the processor itself
      return InvokeOutcome.notRun("the entry processor's result cannot be serialized: " + notSerializable.getMessage());
    }
    if (expired) {
      entry.remove();
    }
    MutableEntryOperation op = e.getOperation();
    byte[] oldValue = null;
    byte[] newValue = null;
    boolean createdExpired = false;
    switch (op) {
      case ACCESS -> {
        if (access != UNCHANGED) {
          put(entry, cached.getCreationTime(), expiryAt(access, now), bytes(cached), now);
        }
      }
      case CREATE, LOAD -> {
        newValue = new Serialized<>(e.getValue()).bytes();
        long expiry = expiryAt(creation == UNCHANGED ? ETERNAL : creation, now);
        if (expiry != Long.MAX_VALUE && expiry <= now) {
          createdExpired = true;
        } else {
          put(entry, now, expiry, newValue, now);
        }
      }
      case UPDATE -> {
        oldValue = bytes(cached);
        newValue = new Serialized<>(e.getValue()).bytes();
        long expiry = update == UNCHANGED ? cached.getExpiryTime() : expiryAt(update, now);
        put(entry, cached.getCreationTime(), expiry, newValue, now);
      }
      case REMOVE -> {
        oldValue = cached == null ? null : bytes(cached);
        entry.remove();
      }
      default -> { }
    }
    return new InvokeOutcome(true, op, !expired && cached != null, resultBytes, null, expiredValue, oldValue, newValue,
        createdExpired, null);
  }

  private static void put(ProcessedEntry<byte[], byte[]> entry, long creation, long expiry, byte[] value, long now) {
    byte[] next = StoredEntries.encode(creation, expiry, value);
    StoredEntries.write(entry, next, StoredEntries.ttlMillis(next, now));
  }

  private static byte[] bytes(TesseraCachedValue v) {
    return ((Serialized<?>) v.get()).bytes();
  }

  /** What the processor threw, serialized; if it cannot be, an exception that says what it was. */
  private static byte[] failure(Throwable t) {
    try {
      return new Serialized<Object>(t).bytes();
    } catch (RuntimeException e) {
      return new Serialized<Object>(new javax.cache.processor.EntryProcessorException(
          "the entry processor threw " + t + " (not serializable: " + e.getMessage() + ")")).bytes();
    }
  }
}
