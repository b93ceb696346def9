package dev.tessera.grid;

/**
 * Decides, per key, which version survives when the sides of a split cluster merge again (maps in
 * {@link SplitBrainMode#AVAILABLE} mode). Called on the key's primary in the winning side, once per
 * key that the losing side holds, with deserialized values; must be deterministic and fast.
 *
 * <p>Policies are registered by name on every member with
 * {@link GridBuilder#mergePolicy(String, MergePolicy)} and chosen per map with
 * {@link MapConfig.Builder#mergePolicy(String)}: the name travels between members, the code does
 * not. Without one, the latest update wins ({@link #LATEST_UPDATE}).
 */
@FunctionalInterface
public interface MergePolicy {

    /**
     * One version of a key.
     *
     * @param value            the value, or {@code null} if the key was removed (or never written) on that side
     * @param lastUpdateMillis when it was last written (hybrid logical clock, wall-clock milliseconds)
     */
    record Candidate(Object value, long lastUpdateMillis) {}

    /**
     * @param key      the key
     * @param existing the winning side's version
     * @param merging  the losing side's version
     * @return {@code existing} or {@code merging}
     */
    Candidate choose(Object key, Candidate existing, Candidate merging);

    /** The later update wins (the default). */
    MergePolicy LATEST_UPDATE = (key, existing, merging) ->
            merging.lastUpdateMillis() > existing.lastUpdateMillis() ? merging : existing;

    /** The winning side keeps its version; the losing side only adds keys the winners never had. */
    MergePolicy PUT_IF_ABSENT = (key, existing, merging) ->
            existing.value() == null && existing.lastUpdateMillis() == 0 ? merging : existing;
}
