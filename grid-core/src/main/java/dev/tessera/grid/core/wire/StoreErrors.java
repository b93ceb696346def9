package dev.tessera.grid.core.wire;

/**
 * Error texts a primary answers for MapStore failures, recognised by the caller's side. Part of the
 * answer's wire contract ({@link Messages.OpResponse#error()}), so it lives with the wire, where both the
 * owner side ({@code mapstore}) and the caller side ({@code routing}) reach it.
 */
public final class StoreErrors {
    /** Start of the error of a read whose load from the MapStore threw: the caller throws GridLoadException. */
    public static final String LOAD_FAILED = "load failed:";

    private StoreErrors() {}
}
