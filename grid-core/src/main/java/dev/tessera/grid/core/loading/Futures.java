package dev.tessera.grid.core.loading;

import dev.tessera.grid.GridException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * How a caller's thread waits for a grid operation. Lives here, below {@code map}, because both the map
 * facade and the load flow block on operation futures and {@code loading} must not import {@code map}.
 */
public final class Futures {
    /** How often a waiting caller checks that its member still runs. */
    private static final long CHECK_MILLIS = 200;

    private Futures() {}

    /** Joins {@code f}, rethrowing its failure unwrapped (a checked cause wrapped in {@link GridException}). */
    public static <T> T await(CompletableFuture<T> f) {
        return await(f, () -> true);
    }

    /**
     * {@link #await(CompletableFuture)}, but gives up once {@code running} turns false: a member that stops (closes or
     * crashes) drops its scheduled retries and timeouts, so an operation in flight at that moment may never complete,
     * and its caller must not wait for it forever. Like a plain join, an interrupt does not end the wait (it is kept
     * for the caller).
     *
     * @throws IllegalStateException if the member stopped before {@code f} completed (the operation's outcome is
     *                               unknown)
     */
    public static <T> T await(CompletableFuture<T> f, BooleanSupplier running) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get(CHECK_MILLIS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException slice) {
                    if (!running.getAsBoolean() && !f.isDone()) {
                        throw new IllegalStateException("This member stopped while the operation was in flight: its"
                                + " outcome is unknown");
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw unwrapped(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static RuntimeException unwrapped(Throwable cause) {
        if (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof RuntimeException re) {
            return re;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new GridException("Operation failed: " + cause, cause);
    }
}
