package dev.tessera.grid;

import java.util.List;

/**
 * A member of a Tessera cluster, embedded in this JVM. Entry point for everything a application does
 * with the grid.
 *
 * <p>Start one with {@link #builder()}; every JVM of the service that starts a grid with the same
 * cluster name and a transport that reaches the others joins the same cluster. {@link #close()}
 * leaves gracefully: the partitions this member owns are handed over to the remaining members
 * before it returns, so a rolling restart loses nothing.
 *
 * <p>Thread-safety: all methods may be called from any thread. After {@code close()} every
 * operation on the grid or its maps throws {@link IllegalStateException}.
 */
public interface Grid extends AutoCloseable {

    /** A new builder with safe defaults: TCP bound to 127.0.0.1, 271 partitions, 10 s timeout. */
    static GridBuilder builder() {
        return new GridBuilder();
    }

    /**
     * The distributed map with this name and the default {@link MapConfig} (one synchronous backup).
     * Maps are created on first use; every member that uses a name must use the same configuration.
     * A map that was only named, or only read, costs each member a few hundred bytes; its partitions'
     * storage is created by the first write.
     *
     * @throws IllegalArgumentException if the map exists here with a different configuration, or the
     *                                  name is not 1 to 200 characters from {@code A-Z a-z 0-9 . _ - : /}
     * @throws GridLimitException       if the map is new and this member holds {@link GridBuilder#maxMaps(int)} maps
     */
    <K, V> GridMap<K, V> map(String name);

    /**
     * The distributed map with this name and configuration.
     *
     * @throws IllegalArgumentException if the map exists here with a different configuration, or the
     *                                  name is not 1 to 200 characters from {@code A-Z a-z 0-9 . _ - : /}
     * @throws GridLimitException       if the map is new and this member holds {@link GridBuilder#maxMaps(int)} maps
     */
    <K, V> GridMap<K, V> map(String name, MapConfig config);

    /**
     * This JVM's member.
     *
     * @throws IllegalStateException after {@link #close()} returned (it still answers while close() hands over)
     */
    Member localMember();

    /**
     * The current members, oldest first (the first is the coordinator).
     *
     * @throws IllegalStateException after {@link #close()} returned (it still answers while close() hands over)
     */
    List<Member> members();

    /**
     * Registers a listener for joins, departures and merges. Events are delivered in order, on a
     * grid thread; a listener must not block for long.
     *
     * @return a handle whose {@code close()} removes the listener
     * @throws NullPointerException  if {@code listener} is null
     * @throws IllegalStateException after {@link #close()} returned
     */
    Registration addMembershipListener(MembershipListener listener);

    /** A read-only view of the partition table, migrations and local storage, for tools and tests. */
    GridIntrospection introspection();

    /** Whether this member is running (started and not closed). */
    boolean isRunning();

    /**
     * Leaves the cluster gracefully: hands over every partition this member owns, waits until the
     * new owners hold the data (bounded by the configured leave timeout), then disconnects.
     * Idempotent.
     */
    @Override
    void close();
}
