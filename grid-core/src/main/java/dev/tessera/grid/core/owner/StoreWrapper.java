package dev.tessera.grid.core.owner;

import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.wire.ClientMessages.ClientOp;
import dev.tessera.grid.core.wire.ClientMessages.OpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Runs an operation on a map with a MapStore around the owner's path (read-through before a read,
 * write-through or write-behind admission around a write), once the {@link OwnerGate} admitted it.
 * {@code path} runs an operation on the map without a store around it: admitted again as a local operation,
 * applied, replicated. The member's MapStore support provides it; the owner side knows nothing else of stores.
 */
@FunctionalInterface
public interface StoreWrapper {
    /** No store on this member: never asked, the path runs alone. */
    StoreWrapper NONE = (op, map, path) -> path.apply(op);

    CompletableFuture<OpResponse> around(ClientOp op, MapContainer map, Function<ClientOp, CompletableFuture<OpResponse>> path);
}
