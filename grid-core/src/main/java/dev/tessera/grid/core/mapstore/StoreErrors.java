package dev.tessera.grid.core.mapstore;

/** Error texts a primary answers for MapStore failures, recognised by the caller's side. */
public final class StoreErrors {
    /** Start of the error of a read whose load from the MapStore threw: the caller throws GridLoadException. */
    public static final String LOAD_FAILED = "load failed:";

    private StoreErrors() {}
}
