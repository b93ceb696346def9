package dev.tessera.grid;

/**
 * Which entry an {@link EvictionConfig eviction} removes, chosen among a small random-ish sample of
 * the partition's entries (sampled eviction, as Redis and Hazelcast do: O(sample) per eviction, no
 * per-access list to maintain).
 */
public enum EvictionPolicy {
    /** The sampled entry read or written least recently. */
    LRU,
    /** The sampled entry with the fewest (decaying) reads and writes; ties go to the least recent. */
    LFU
}
