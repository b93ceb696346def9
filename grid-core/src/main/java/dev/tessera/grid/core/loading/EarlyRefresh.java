package dev.tessera.grid.core.loading;

import dev.tessera.grid.core.store.Record;

/**
 * Probabilistic early refresh ("XFetch", Vattani, Chierichetti and Lowenstein, "Optimal Probabilistic
 * Cache Stampede Prevention", VLDB 2015): a reader refreshes a value that has not expired yet if
 * {@code now - loadMillis * beta * ln(u) >= expiresAt} for a uniform {@code u} in (0, 1]. The closer
 * expiry and the slower the last load, the likelier; so refreshes spread out instead of piling up at
 * the expiry instant.
 */
final class EarlyRefresh {
    private EarlyRefresh() {}

    /**
     * @param u uniform in (0, 1]
     * @return whether the reader should refresh {@code r} at {@code nowMillis}
     */
    static boolean due(Record r, long nowMillis, double beta, double u) {
        if (!(beta > 0) || r.expiresAt() == 0 || r.loadMillis() == 0) {
            return false;
        }
        return nowMillis - r.loadMillis() * beta * Math.log(u) >= r.expiresAt();
    }
}
