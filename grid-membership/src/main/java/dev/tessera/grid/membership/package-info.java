/**
 * Tessera's cluster membership and messaging on JGroups 5.5.
 *
 * <p>Entry point: {@link dev.tessera.grid.membership.ClusterChannel#start}. Threading contract:
 * <ul>
 * <li>{@link dev.tessera.grid.membership.ViewListener}: one dedicated thread per channel, views in installation
 * order, the first one after {@code start} returned.</li>
 * <li>{@link dev.tessera.grid.membership.RequestHandler} and {@link dev.tessera.grid.membership.MessageHandler}: the
 * channel's worker pool (threads named {@code tessera-<member>-worker-N}), never a JGroups thread. Requests run
 * concurrently; one-way messages run one at a time per sender, in that sender's order. Exception: inline requests
 * ({@code request(.., inline = true)}, for handlers that never block) run on the JGroups thread that delivered them,
 * on the built-in TCP stack the transport's reader ({@link dev.tessera.grid.membership.DirectDataPathPolicy}).</li>
 * <li>Futures returned by {@code request}/{@code requestBounded} complete on worker threads (or on the caller's
 * thread when they fail inside the call); those of inline requests complete on the thread that delivered the
 * reply.</li>
 * </ul>
 * Exceptions: {@link dev.tessera.grid.membership.MembershipException} (base; also "channel closed"),
 * {@link dev.tessera.grid.membership.RequestTimeoutException},
 * {@link dev.tessera.grid.membership.MemberUnreachableException},
 * {@link dev.tessera.grid.membership.RemoteRequestException}.
 */
package dev.tessera.grid.membership;
