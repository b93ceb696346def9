package dev.tessera.grid.core.partition;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import dev.tessera.grid.membership.MemberId;

/**
 * Computes who owns which partition: a pure, deterministic function of (current owners, members in
 * view order, zones) to new owners. The view coordinator calls it on every view change; any member
 * calling it with the same inputs gets the same result (invariant T4).
 *
 * <h2>What it produces</h2>
 *
 * For each of the P partitions an owner list of R = min(maxReplicas, N) distinct members; index 0
 * is the primary, then the backups in promotion order. The position of a member in a list is its
 * <em>slot</em> (0 = primary, 1 = first backup, ...). A member's <em>replica set</em> is the set
 * of partitions it holds in any slot; changing sets copies data, changing slots within a partition
 * (a <em>role swap</em>) does not.
 *
 * <h2>What it optimises, in this order</h2>
 *
 * <ol>
 *   <li><b>Validity</b> (T1, hard): R distinct members per partition, one primary.
 *   <li><b>Balance</b> (T2, hard): every member holds {@code floor(P·R/N)} replicas or one more,
 *       and for every slot s it holds slot s in {@code floor(P/N)} or {@code ceil(P/N)}
 *       partitions. The two fit together: once the totals are balanced, an <em>equitable</em>
 *       role assignment (each member's per-slot counts differ by at most one) exists for any
 *       replica sets (de Werra's theorem on bipartite edge colourings), and equitable counts of a
 *       balanced total lie in {@code [floor(P/N), ceil(P/N)]}.
 *   <li><b>Few copies</b> (T3): a member keeps every replica it holds unless balance forces it to
 *       give one up. The larger quotas go to the members holding the most replicas, so the new
 *       (partition, member) replicas are as few as any balanced table allows given the survivors:
 *       on a join exactly the newcomer's quota, {@code P·R/(N+1)} rounded; on a leave exactly the
 *       replicas the leaver held, when R stays. The one exception is the zone exchange below.
 *   <li><b>Primaries stay or are promoted</b> (T3): when a primary leaves, the first surviving
 *       replica takes over (survivors keep their order), and the rebalancing may hand that
 *       partition's primary role only to another former replica of it (the <em>promotion
 *       rule</em>). A role swap that moves the primary of an undisturbed partition costs a
 *       thousand times an ordinary swap, so it happens only when balance needs it. A newcomer
 *       first receives backup slots and then takes its primaries by role swap from the members
 *       above their primary target: one primary changes owner per primary it needs.
 *   <li><b>Zones</b> (T1, best effort): new replicas prefer zones the partition lacks; the primary
 *       and first backup go to different zones where the partition's replicas span two. <b>Balance
 *       wins over zones</b>: when one zone holds more than half the members, no balanced table can
 *       separate every primary from its first backup. Within balance, <b>zones win over primary
 *       movement</b>: a role swap that would put primary and first backup into one zone costs 300
 *       ordinary swaps (less than moving an undisturbed primary), and with R <= 3 a newcomer takes
 *       primaries from members of its own zone only through a third member. <b>Copies win over
 *       zones</b>, with one exception: a partition whose replicas would all sit in one zone (one
 *       zone outage loses it) exchanges its first backup with another partition's at the price of
 *       up to two copies. A member without a zone is a zone of its own (it shares a failure domain
 *       with nobody we know of), so without zones these rules never bind.
 *   <li><b>Spread</b> (tie-breakers): the members sharing partitions with a member, and those
 *       backing up its primaries, stay evenly spread, so that a later leave finds promotable
 *       replicas on every member and need not move undisturbed primaries.
 * </ol>
 *
 * <h2>How</h2>
 *
 * <ol>
 *   <li><b>Seed.</b> Each partition keeps its current owners that are still members, in order,
 *       truncated to R.
 *   <li><b>Replica sets.</b> Quotas as above (ties by view order). Empty slots are filled with a
 *       member under quota (preferring a zone new to the partition, then the member least
 *       co-located with the partition's replicas); when every member under quota already holds the
 *       partition, one of them swaps with a member placed earlier in this call. Then each member
 *       under quota, most missing first, takes replicas from the member most over quota, choosing
 *       among the giver's partitions by: not the primary slot, more zones, no new same-zone
 *       primary/first backup, least co-location (the receiver's added minus the giver's removed),
 *       the receiver's rarest slot. Each move lowers the total excess by one, so the phase ends;
 *       it always can move, since a giver over quota holds a partition that a receiver under quota
 *       lacks. Last, partitions whose replicas could span more zones swap backups placed in this
 *       call with other partitions (same slot: no count changes, no extra copies).
 *   <li><b>Primary roles.</b> Primary targets: {@code floor(P/N)}, plus one for {@code P mod N}
 *       members, those forced by their quota first, then those holding the most primaries now.
 *       While a member v has more primaries than its target, a shortest path (Dijkstra over
 *       "x is primary of p, y holds a slot of p" steps, with the costs above and the promotion
 *       rule) leads to a member below target; swapping the primary role along it moves one primary
 *       from v to that member and leaves the inner members' primary counts alone. If the fixed
 *       replica sets cannot reach a target under the promotion rule, the next phase settles it.
 *   <li><b>Other roles.</b> While a member v holds slot a at least twice more often than slot b,
 *       a cheapest alternating path v -a- p1 -b- m1 -a- p2 -b- ... ends at a member w holding b
 *       more often than a; swapping a and b in every partition on it keeps the inner members'
 *       counts, narrows v's spread and does not widen w's, so the sum of squared per-slot counts
 *       falls by at least two per path: the phase terminates. Such a path always exists (the
 *       members reachable from v hold at least as many b-slots as a-slots, and v has an excess of
 *       a); when the primary targets were met, one exists avoiding slot 0, and those are tried
 *       first, then paths through slot 0 under the promotion rule, then any path.
 *   <li><b>Zone repair.</b> A partition whose primary and first backup share a zone while another
 *       replica lies elsewhere swaps that replica into slot 1 (or, if its primary is not an
 *       undisturbed one, into slot 0) and restores equitable counts with paths that create no
 *       same-zone pair, keep the promotion rule and move no undisturbed primary, or undoes the
 *       swap; then the first-backup exchange described above. Each partition is visited once.
 * </ol>
 *
 * <p>Determinism: members are numbered by their position in the view, zones by the first member
 * naming them; every choice is a minimum over an explicit key ending in a member, slot or partition
 * index. Hash maps are used for look-ups only, never iterated. No randomness, clocks or identity
 * hashes.
 *
 * <p>Cost: {@code O(P·R)} per moved replica and per path search ({@code O(P·R log N)}), plus
 * {@code O(N²)} memory for the spread counters (not kept above 1024 members). P = 271, N = 12,
 * R = 7 takes one to two milliseconds once warm.
 *
 * <p>Use: the coordinator passes the owners of the last published table <em>before</em> removing
 * the departed members (so that the promotion rule knows which primaries were lost; passing {@link
 * PartitionTable#withoutMembers} owners works too and treats the promoted backups as undisturbed),
 * then publishes the result as targets: {@code table.withoutMembers(gone).withTargets(result)
 * .withVersion(v + 1)}.
 *
 * <p>Thread-safety: immutable and stateless between calls; safe to share.
 */
public final class OwnershipAssigner {

  private final int maxReplicas;

  /**
   * @param maxReplicas the most replicas a partition may have, primary included (the grid uses 7 =
   *     1 primary + up to 6 backups)
   * @throws IllegalArgumentException if {@code maxReplicas < 1}
   */
  public OwnershipAssigner(int maxReplicas) {
    if (maxReplicas < 1) {
      throw new IllegalArgumentException(
          "maxReplicas must be at least 1 (the primary) but was " + maxReplicas);
    }
    this.maxReplicas = maxReplicas;
  }

  /** The most replicas a partition may have, primary included. */
  public int maxReplicas() {
    return maxReplicas;
  }

  /** The replica count R of every partition in a cluster of {@code memberCount} members. */
  public int replicaCount(int memberCount) {
    return Math.min(maxReplicas, memberCount);
  }

  /**
   * Computes the owners of every partition for a new view.
   *
   * @param current the owners per partition in the previous table (index 0 = primary); its length
   *     is the partition count P. Rows may be null or empty (fresh cluster); addresses that are not
   *     in {@code members}, nulls and repeats are ignored.
   * @param members the members of the new view, in view order (oldest first); not empty, no
   *     repeats
   * @param zones each member's zone; a member absent from the map or mapped to null has no zone.
   *     Entries for non-members are ignored.
   * @return a new array, one row per partition, each of {@code replicaCount(members.size())}
   *     distinct members
   * @throws IllegalArgumentException if {@code members} is empty or holds an address twice
   * @throws NullPointerException if an argument or a member is null
   */
  public MemberId[][] assign(
      MemberId[][] current, List<MemberId> members, Map<MemberId, String> zones) {
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(members, "members");
    Objects.requireNonNull(zones, "zones");
    if (members.isEmpty()) {
      throw new IllegalArgumentException(
          "cannot assign " + current.length + " partitions to an empty member list:"
              + " a view has at least one member");
    }
    AssignmentRun run = new AssignmentRun(current, members, zones, replicaCount(members.size()));
    run.seed();
    run.fillAndMove();
    run.spreadZones();
    run.balanceRoles();
    run.repairZones();
    return run.result();
  }

  @Override
  public String toString() {
    return "OwnershipAssigner[maxReplicas=" + maxReplicas + "]";
  }
}
