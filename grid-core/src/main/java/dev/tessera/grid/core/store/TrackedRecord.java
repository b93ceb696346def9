package dev.tessera.grid.core.store;

import dev.tessera.grid.core.time.HybridClock;

/**
 * A {@link Record} of a map with expiry or eviction: when it expires, and when and how often it was
 * last used. Access fields are racy by design (last writer wins): they steer expiry of idle entries
 * and eviction choices, where an occasional lost update does no harm.
 */
final class TrackedRecord extends Record {
    /** LFU counter ceiling; counts grow logarithmically (Morris counter) so 255 stands for ~millions of hits. */
    private static final int MAX_FREQUENCY = 255;
    /** Accesses within this factor of the counter are counted with probability 1 / (counter * factor + 1). */
    private static final int LOG_FACTOR = 10;
    /** A minute without access halves nothing but subtracts one, so old popularity fades. */
    private static final long DECAY_MILLIS = 60_000;

    private final long expiresAt;
    private final long staleUntil;
    private final int loadMillis;
    private volatile long lastAccess;
    private volatile int frequency;

    TrackedRecord(byte[] key, byte[] value, long version, long hlc, long expiresAt, long staleUntil, int loadMillis) {
        super(key, value, version, hlc);
        this.expiresAt = expiresAt;
        this.staleUntil = staleUntil;
        this.loadMillis = loadMillis;
        this.lastAccess = HybridClock.millisOf(hlc);
        this.frequency = 1;
    }

    @Override
    public long expiresAt() {
        return expiresAt;
    }

    @Override
    public long staleUntil() {
        return staleUntil;
    }

    @Override
    public int loadMillis() {
        return loadMillis;
    }

    @Override
    public long lastAccessMillis() {
        return lastAccess;
    }

    @Override
    public int frequency(long nowMillis) {
        long idleMinutes = (nowMillis - lastAccess) / DECAY_MILLIS;
        return (int) Math.max(0, frequency - idleMinutes);
    }

    @Override
    public void touch(long nowMillis) {
        int f = frequency(nowMillis);
        if (f < MAX_FREQUENCY && java.util.concurrent.ThreadLocalRandom.current().nextInt(f * LOG_FACTOR + 1) == 0) {
            f++;
        }
        frequency = f;
        lastAccess = nowMillis;
    }
}
