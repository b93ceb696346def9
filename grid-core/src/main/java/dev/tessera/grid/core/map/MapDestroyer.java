package dev.tessera.grid.core.map;

import dev.tessera.grid.GridException;
import dev.tessera.grid.GridTimeoutException;
import dev.tessera.grid.core.cluster.Messenger;
import dev.tessera.grid.core.wire.ReplicationMessages;
import dev.tessera.grid.core.wire.ReplicationMessages.DestroyMap;
import dev.tessera.grid.core.wire.Status;
import dev.tessera.grid.membership.MemberUnreachableException;
import dev.tessera.grid.membership.RequestTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import dev.tessera.grid.membership.MemberId;

/**
 * {@code GridMap.destroy()}: drops a map on this member and asks every other member of the view to
 * drop it too; done when each has answered (or left the view).
 */
public final class MapDestroyer {
    private final Messenger messenger;
    private final Consumer<String> destroyLocally;
    private final long timeoutMillis;

    /** @param destroyLocally drops the map's handle, entries and per-map structures on this member */
    public MapDestroyer(Messenger messenger, Consumer<String> destroyLocally, long timeoutMillis) {
        this.messenger = messenger;
        this.destroyLocally = destroyLocally;
        this.timeoutMillis = timeoutMillis;
    }

    /** Completes once every member of the current view dropped {@code map}; fails with {@link GridTimeoutException} otherwise. */
    public CompletableFuture<Void> destroyEverywhere(String map) {
        destroyLocally.accept(map);
        byte[] request = new DestroyMap(map).encode();
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (MemberId member : messenger.view().ids()) {
            if (!member.equals(messenger.self())) {
                acks.add(messenger.request(member, request, timeoutMillis).handle((reply, error) -> check(map, member, error)));
            }
        }
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
    }

    /** A peer's request: drops the map here. */
    public byte[] onRequest(DestroyMap request) {
        destroyLocally.accept(request.map());
        return new ReplicationMessages.ReplicateResponse(Status.OK, 0).encode();
    }

    private Void check(String map, MemberId member, Throwable error) {
        if (error == null) {
            return null;
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof MemberUnreachableException || !messenger.isMember(member)) {
            return null; // gone: it holds nothing any more, and a member that joins later starts without the map
        }
        String message = "destroy of map '" + map + "' was not confirmed by member " + member + ": " + cause.getMessage()
                + "; it may still hold the map's entries until the map is destroyed again";
        throw cause instanceof RequestTimeoutException ? new GridTimeoutException(message, -1, String.valueOf(member))
                : new GridException(message, cause);
    }
}
