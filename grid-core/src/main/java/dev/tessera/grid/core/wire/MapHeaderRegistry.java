package dev.tessera.grid.core.wire;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The map headers a member has received in full, by digest, so that later messages may carry the 9-byte short header
 * instead ({@link MapHeaders}). Only verified full headers are learned (their fields hash to their digest), so an
 * entry is a fact about the digest, never a sender's claim. Bounded: past {@link #DEFAULT_CAPACITY} entries an
 * arbitrary one is forgotten, which costs its senders one resend with the full header (a member that floods it with
 * made-up maps costs the others resends, never memory).
 */
public final class MapHeaderRegistry {
    /** Eight times the default map limit ({@code GridBuilder.maxMaps}), with room for a replica's twice as many maps. */
    public static final int DEFAULT_CAPACITY = 8_192;

    private final ConcurrentHashMap<Long, MapHeaders.Header> byDigest = new ConcurrentHashMap<>();
    private final int capacity;

    public MapHeaderRegistry() {
        this(DEFAULT_CAPACITY);
    }

    public MapHeaderRegistry(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive, was " + capacity);
        }
        this.capacity = capacity;
    }

    /** The header of {@code digest}, or {@code null} if this member has not learned it (or forgot it). */
    MapHeaders.Header lookup(long digest) {
        return byDigest.get(digest);
    }

    /** Learns a verified full header; returns the instance learned first for its digest (stable config identity). */
    MapHeaders.Header learn(MapHeaders.Header h) {
        MapHeaders.Header known = byDigest.get(h.digest());
        if (known != null) {
            return known;
        }
        while (byDigest.size() >= capacity) {
            Iterator<Long> it = byDigest.keySet().iterator();
            if (!it.hasNext()) {
                break;
            }
            it.next();
            it.remove(); // digests are uniform: the first in hash order is an arbitrary one
        }
        known = byDigest.putIfAbsent(h.digest(), h);
        return known != null ? known : h;
    }

    /** Forgets every header, as a restart would: senders then resend their next message with the full header. */
    public void clear() {
        byDigest.clear();
    }

    /** Headers held now. */
    public int size() {
        return byDigest.size();
    }

    /** Whether this member holds the header named by {@code digest}. */
    public boolean knows(long digest) {
        return byDigest.containsKey(digest);
    }
}
