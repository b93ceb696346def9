package dev.tessera.grid.core.map;

import dev.tessera.grid.core.time.TimeSource;
import dev.tessera.grid.Member;
import dev.tessera.grid.core.cluster.Messenger;
import dev.tessera.grid.core.cluster.TopologyState;
import dev.tessera.grid.core.events.EntryEventService;
import dev.tessera.grid.core.nearcache.NearCacheRegistry;
import dev.tessera.grid.core.partition.KeyPartitioner;
import dev.tessera.grid.core.routing.OperationInvoker;
import dev.tessera.grid.core.serialization.KryoCodec;
import dev.tessera.grid.core.store.LocalStorage;
import java.util.function.Function;
import dev.tessera.grid.membership.MemberId;

/**
 * The member's services a map needs, shared by every map of a grid.
 *
 * @param ensureOpen     throws {@link IllegalStateException} once the grid is closed
 * @param memberOf       the API's view of a member address
 * @param timeoutMillis  operation timeout
 * @param entryEvents    the member's entry listeners
 * @param maxValueBytes  largest serialized key or value a write may carry ({@code GridBuilder.maxValueBytes})
 * @param destroyer      drops maps on every member
 */
public record MapContext(KryoCodec codec, KeyPartitioner partitioner, TopologyState topology, LocalStorage storage,
                         OperationInvoker invoker, Messenger messenger, NearCacheRegistry nearCaches, Runnable ensureOpen,
                         Function<MemberId, Member> memberOf, long timeoutMillis,
                         EntryEventService entryEvents, int maxValueBytes, MapDestroyer destroyer) {

    /** The member's time: what deadlines, expiry and load durations are measured with. */
    public TimeSource time() {
        return storage.time();
    }
}
