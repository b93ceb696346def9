package dev.tessera.grid;

/**
 * What a map does when the cluster splits into parts that cannot reach each other.
 *
 * <p>Failure detection cannot tell a crashed member from an unreachable one, so the choice is
 * between availability and consistency, per map.
 */
public enum SplitBrainMode {
    /**
     * Every side keeps serving reads and writes. When the sides heal, each key keeps the value with
     * the latest update (by a hybrid logical clock, so clock skew between hosts cannot reorder
     * causally related writes). Writes acknowledged on the losing side of a key are lost.
     */
    AVAILABLE,
    /**
     * A side that holds no majority of the last stable membership refuses writes with
     * {@link GridUnavailableException} (reads still answer, possibly stale). When the sides heal,
     * the minority's members take the majority's data. No acknowledged write is lost to a split, but
     * with two members the survivor of a crash is a minority too: use three or more. A write whose
     * primary became unreachable after the write was sent fails with
     * {@link GridUnavailableException#mayHaveBeenApplied()} instead of being retried elsewhere.
     */
    CONSISTENT
}
