package dev.tessera.grid.core.loading;

import dev.tessera.grid.GridException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * How a caller's thread waits for a grid operation. Lives here, below {@code map}, because both the map
 * facade and the load flow block on operation futures and {@code loading} must not import {@code map}.
 */
public final class Futures {
    private Futures() {}

    /** Joins {@code f}, rethrowing its failure unwrapped (a checked cause wrapped in {@link GridException}). */
    public static <T> T await(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new GridException("Operation failed: " + cause, cause);
        }
    }
}
