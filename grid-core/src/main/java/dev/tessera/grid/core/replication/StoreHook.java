package dev.tessera.grid.core.replication;

import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.wire.ClientMessages.ClientOp;
import dev.tessera.grid.core.wire.ClientMessages.OpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Takes over the operations a primary runs on maps backed by a MapStore (read-through,
 * write-through, write-behind). Called after the ownership checks; {@code apply} runs an operation
 * through the normal path (ownership re-checked, applied, replicated) without coming back here.
 */
@FunctionalInterface
public interface StoreHook {
    /** No store: every operation goes straight to the normal path. */
    StoreHook NONE = (op, map, apply) -> apply.apply(op);

    CompletableFuture<OpResponse> execute(ClientOp op, MapContainer map, Function<ClientOp, CompletableFuture<OpResponse>> apply);
}
