package dev.tessera.grid.core.partition;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import org.jgroups.Address;

/**
 * Computes who owns which partition: a pure, deterministic function of (current owners, members in
 * view order, zones) to new owners. The view coordinator calls it on every view change; any member
 * calling it with the same inputs gets the same result (invariant T4).
 *
 * <h2>What it produces</h2>
 *
 * For each of the P partitions an owner list of R = min(maxReplicas, N) distinct members; index 0
 * is the primary, then the backups in promotion order. Call the position of a member in a list its
 * <em>slot</em> (0 = primary, 1 = first backup, ...).
 *
 * <h2>What it optimises, in order</h2>
 *
 * <ol>
 *   <li><b>Validity</b> (T1, hard): R distinct members per partition, one primary.
 *   <li><b>Balance</b> (T2, hard): every member's total replica count is {@code floor(P·R/N)} or
 *       one more, and for every slot s every member holds slot s in {@code floor(P/N)} or {@code
 *       ceil(P/N)} partitions. Both always hold together: with balanced totals, an <em>equitable
 *       colouring</em> of the bipartite graph partitions x members (colour = slot; each member's
 *       per-slot counts differ by at most one) exists for every bipartite graph (de Werra), and it
 *       yields per-slot counts within {@code [floor(P/N), ceil(P/N)]}.
 *   <li><b>Few copies</b> (T3): a member keeps every replica it holds unless balance forces it to
 *       give one up. Targets are given to the members that already hold the most replicas, so the
 *       number of new (partition, member) replicas is the least any balanced result can have,
 *       given which replicas survive: on a join it is exactly the newcomer's quota, {@code
 *       P·R/(N+1)} rounded.
 *   <li><b>Primaries stay put or are promoted</b> (T3): when a primary leaves, its first surviving
 *       replica takes over (the survivors keep their order); the rebalancing may only hand such a
 *       partition's primary role to another member that already held a replica of it. Role changes
 *       that would move the primary of an undisturbed partition cost a thousand times more than
 *       other role swaps, so they happen only when balance needs them.
 *   <li><b>Zones</b> (T1, best effort): the primary and first backup sit in different zones when
 *       the partition's replicas span two zones, and new replicas prefer zones the partition does
 *       not have yet. <b>Balance wins over zones</b>: when zones are unequal in size (one zone has
 *       more than half the members), no balanced table can separate every primary from its first
 *       backup, and this class keeps balance; the number of same-zone pairs it leaves is then the
 *       minimum the balanced per-zone counts allow in the cases our tests measure. A member without
 *       a zone counts as a zone of its own (it shares a failure domain with nobody we know of), so
 *       with no zones at all the zone rules are vacuous.
 * </ol>
 *
 * <h2>How</h2>
 *
 * <ol>
 *   <li><b>Seed.</b> Each partition keeps its current owners that are still members, in their
 *       order (promotion without copy), truncated to R.
 *   <li><b>Replica sets.</b> Quotas: {@code floor(P·R/N)} each, plus one for the {@code P·R mod
 *       N} members that hold the most replicas already (ties: view order). Empty slots are filled
 *       with members under quota (preferring a zone new to the partition, a slot the member holds
 *       rarely, a primary it rarely backs up); then, while some member is over quota, one of its
 *       replicas moves to a member under quota, choosing the partition and slot by the same
 *       preferences. Each move lowers the total excess by one, so this phase ends.
 *   <li><b>Roles.</b> The sets are now fixed; only the order within a partition changes (a role
 *       swap copies no data). While some member v holds slot a at least twice more often than
 *       slot b, find the cheapest alternating path v -a- p1 -b- m1 -a- p2 -b- ... ending at a
 *       member w that holds b more often than a (Dijkstra; a swap that moves an undisturbed
 *       primary costs 1000, any other 1), and swap slots a and b in every partition on it. Inner
 *       members' counts do not change, v's spread shrinks and w's does not grow, so the sum of
 *       squared per-slot counts falls by at least two per path: the phase terminates. Such a path
 *       always exists: among the members reachable from v, the b-slots number at least the
 *       a-slots, and v has an excess of a. Paths are first searched under all constraints
 *       (promotion rule, no new same-zone primary/first-backup pair), then with the promotion rule
 *       only, then without constraints: balance is never given up.
 *   <li><b>Zone repair.</b> For each partition whose primary and first backup share a zone while
 *       another replica lies elsewhere, swap that replica into the first-backup slot and restore
 *       equitability with constrained paths; if that fails the repair is undone.
 * </ol>
 *
 * <p>Determinism: members are numbered by their position in the view, zones by the first member
 * naming them; every choice is a minimum over an explicit key ending in a member, slot or partition
 * index. Hash maps are used for look-ups only, never iterated. No randomness, clocks or identity
 * hashes.
 *
 * <p>Cost: the seed and the quota moves are {@code O(P·R)} per moved replica; one path search is
 * {@code O(P·R + N log N)}, and a view change needs few paths. P = 271, N = 12, R = 7 takes about
 * a millisecond once warm.
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
  public Address[][] assign(
      Address[][] current, List<Address> members, Map<Address, String> zones) {
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(members, "members");
    Objects.requireNonNull(zones, "zones");
    if (members.isEmpty()) {
      throw new IllegalArgumentException(
          "cannot assign " + current.length + " partitions to an empty member list:"
              + " a view has at least one member");
    }
    Run run = new Run(current, members, zones, replicaCount(members.size()));
    run.seed();
    run.fillAndMove();
    run.dbg("A");
    run.balanceRoles();
    run.dbg("B");
    run.repairZones();
    run.dbg("C");
    return run.result();
  }

  @Override
  public String toString() {
    return "OwnershipAssigner[maxReplicas=" + maxReplicas + "]";
  }

  /** The mutable working state of one {@link #assign} call. Members are view indexes. */
  static final class Run {

    /** Cost of a role swap that takes the primary role away from a partition's previous primary. */
    private static final long DISTURB_PRIMARY = 1000;

    /** Length of a {@link #moveKey}; the last element identifies (receiver, partition, slot). */
    private static final int KEY_LENGTH = 8;

    /** Cost of a role swap that puts the primary and first backup into one zone. */
    private static final long SAME_ZONE = 300;

    /** Constraint tiers for path search, strictest first. */
    private static final int TIER_ALL = 2;

    private static final int TIER_PROMOTION = 1;
    private static final int TIER_NONE = 0;

    /** Above this many members co-location (N² ints) is not tracked. */
    private static final int MAX_COLOCATION_TRACKED = 1024;

    private final Address[][] current;
    private final Address[] addr;
    private final Map<Address, Integer> indexOf;
    private final int n;
    private final int r;
    private final int pc;
    private final int[] zone;

    /** Surviving previous owners per partition, previous order. */
    private final int[][] old;

    /** Previous primary if still a member, else -1. */
    private final int[] prevPrimary;

    /** True if the partition had a primary and it left: the promotion rule applies. */
    private final boolean[] primaryLost;

    /** Owner slots per partition, -1 = empty. */
    private final int[][] cur;

    private final int[] total;
    private final int[] slotCount;
    private final int[] quota;

    /** co[i * n + j]: partitions holding replicas on both i and j; null if untracked. */
    private final int[] co;

    /** pair[i * n + j]: partitions with primary i and first backup j; null if untracked. */
    private final int[] pair;

    /** Partitions of each member, fixed once the replica sets are settled. */
    private int[][] partsOf;

    /** Role swaps (p, a, b) to undo if a zone repair fails, logged while {@code recording}. */
    private int[] undoLog = new int[48];

    private int undoSize;
    private boolean recording;

    Run(Address[][] current, List<Address> members, Map<Address, String> zones, int r) {
      this.current = current;
      this.n = members.size();
      this.r = r;
      this.pc = current.length;
      this.addr = new Address[n];
      this.indexOf = new HashMap<>(n * 2);
      for (int m = 0; m < n; m++) {
        Address a = Objects.requireNonNull(members.get(m), "members holds null");
        if (indexOf.put(a, m) != null) {
          throw new IllegalArgumentException("members holds " + a + " twice: " + members);
        }
        addr[m] = a;
      }
      this.zone = new int[n];
      Map<String, Integer> zoneIds = new HashMap<>();
      int nextZone = 0;
      for (int m = 0; m < n; m++) {
        String z = zones.get(addr[m]);
        if (z == null) {
          zone[m] = nextZone++;
        } else {
          Integer id = zoneIds.get(z);
          if (id == null) {
            id = nextZone++;
            zoneIds.put(z, id);
          }
          zone[m] = id;
        }
      }
      this.old = new int[pc][];
      this.prevPrimary = new int[pc];
      this.primaryLost = new boolean[pc];
      this.cur = new int[pc][r];
      this.total = new int[n];
      this.slotCount = new int[n * r];
      this.quota = new int[n];
      this.co = n <= MAX_COLOCATION_TRACKED && r >= 2 ? new int[n * n] : null;
      this.pair = co == null ? null : new int[n * n];
    }

    // ------------------------------------------------------------------------------------------
    // Phase 1: seed with the surviving current owners, in order.

    void seed() {
      int[] buf = new int[Math.max(r, 1)];
      Set<Integer> seen = new HashSet<>();
      for (int p = 0; p < pc; p++) {
        Address[] row = current[p];
        int size = 0;
        boolean first = true;
        prevPrimary[p] = -1;
        seen.clear();
        if (row != null) {
          for (Address a : row) {
            if (a == null) {
              continue;
            }
            Integer m = indexOf.get(a);
            if (first) {
              first = false;
              primaryLost[p] = m == null;
              prevPrimary[p] = m == null ? -1 : m;
            }
            if (m != null && seen.add(m)) {
              if (size == buf.length) {
                buf = Arrays.copyOf(buf, size * 2);
              }
              buf[size++] = m;
            }
          }
        }
        old[p] = Arrays.copyOf(buf, size);
        Arrays.fill(cur[p], -1);
        for (int s = 0; s < Math.min(size, r); s++) {
          place(p, s, old[p][s]);
        }
      }
    }

    // ------------------------------------------------------------------------------------------
    // Phase 2: replica sets. Quotas, fill empty slots, move excess replicas.

    void fillAndMove() {
      long slots = (long) pc * r;
      int base = (int) (slots / n);
      int extra = (int) (slots % n);
      Integer[] order = new Integer[n];
      for (int m = 0; m < n; m++) {
        order[m] = m;
      }
      Arrays.sort(
          order, (x, y) -> total[x] != total[y] ? Integer.compare(total[y], total[x]) : x - y);
      for (int i = 0; i < n; i++) {
        quota[order[i]] = base + (i < extra ? 1 : 0);
      }
      for (int p = 0; p < pc; p++) {
        for (int s = 0; s < r; s++) {
          if (cur[p][s] < 0) {
            place(p, s, chooseFill(p, s));
          }
        }
      }
      moveExcess(true);
      moveExcess(false);
      for (int m = 0; m < n; m++) {
        if (total[m] != quota[m]) {
          throw new IllegalStateException(
              "bug: member " + m + " holds " + total[m] + " replicas, quota " + quota[m]);
        }
      }
    }

    private int chooseFill(int p, int s) {
      int best = -1;
      for (int m = 0; m < n; m++) {
        if (contains(p, m)) {
          continue;
        }
        if (best < 0 || compareFill(p, s, m, best) < 0) {
          best = m;
        }
      }
      return best;
    }

    /**
     * Fill preference: under quota, a zone new to the partition, least co-located with the
     * partition's replicas, a rare primary/first-backup pairing, a rare slot, most missing, view
     * order.
     */
    private int compareFill(int p, int s, int x, int y) {
      int c = Boolean.compare(quota[y] > total[y], quota[x] > total[x]);
      if (c == 0) {
        c = Boolean.compare(!zonePresent(p, zone[y]), !zonePresent(p, zone[x]));
      }
      if (c == 0 && r == 2) {
        c = Integer.compare(pairing(p, s, x), pairing(p, s, y));
      }
      if (c == 0) {
        c = Integer.compare(colocation(p, s, x), colocation(p, s, y));
      }
      if (c == 0) {
        c = Integer.compare(pairing(p, s, x), pairing(p, s, y));
      }
      if (c == 0) {
        c = Integer.compare(slotCount[x * r + s], slotCount[y * r + s]);
      }
      if (c == 0) {
        c = Integer.compare(quota[y] - total[y], quota[x] - total[x]);
      }
      return c != 0 ? c : Integer.compare(x, y);
    }

    /**
     * Moves replicas from members over quota to members under quota, receivers with the most
     * missing first. With {@code strict}, a fresh member may not become the primary of a partition
     * whose primary left (promotion rule); the non-strict pass after it always completes: a member
     * over quota holds some partition that a member under quota lacks.
     */
    private void moveExcess(boolean strict) {
      boolean progress = true;
      while (progress && anyExcess()) {
        progress = false;
        Integer[] receivers = new Integer[n];
        int count = 0;
        for (int m = 0; m < n; m++) {
          if (total[m] < quota[m]) {
            receivers[count++] = m;
          }
        }
        Arrays.sort(
            receivers,
            0,
            count,
            (x, y) -> quota[x] - total[x] != quota[y] - total[y]
                ? Integer.compare(quota[y] - total[y], quota[x] - total[x])
                : Integer.compare(x, y));
        for (int i = 0; i < count && anyExcess(); i++) {
          progress |= moveTo(receivers[i], strict) > 0;
        }
      }
      if (!strict && anyExcess()) {
        throw new IllegalStateException("bug: no replica can move although a member is over quota");
      }
    }

    private boolean anyExcess() {
      for (int m = 0; m < n; m++) {
        if (total[m] > quota[m]) {
          return true;
        }
      }
      return false;
    }

    /**
     * Moves replicas to w until it reaches its quota or no giver is left; returns how many. Each
     * move takes from the giver most over quota (ties: view order) its best partition for w by
     * {@link #moveKey}: {@code O(P·R)} per move.
     */
    private int moveTo(int w, boolean strict) {
      int moved = 0;
      long[] key = new long[KEY_LENGTH];
      long[] best = new long[KEY_LENGTH];
      boolean[] exhausted = new boolean[n];
      while (total[w] < quota[w]) {
        int u = -1;
        for (int m = 0; m < n; m++) {
          if (!exhausted[m]
              && total[m] > quota[m]
              && (u < 0 || total[m] - quota[m] > total[u] - quota[u])) {
            u = m;
          }
        }
        if (u < 0) {
          break;
        }
        int bestP = -1;
        int bestS = -1;
        for (int p = 0; p < pc; p++) {
          int s = slotIn(p, u);
          if (s < 0 || contains(p, w) || (strict && s == 0 && !eligiblePrimary(p, w))) {
            continue;
          }
          moveKey(p, s, u, w, key);
          if (bestP < 0 || compare(key, best) < 0) {
            System.arraycopy(key, 0, best, 0, KEY_LENGTH);
            bestP = p;
            bestS = s;
          }
        }
        if (bestP < 0) {
          exhausted[u] = true;
          continue;
        }
        place(bestP, bestS, w);
        moved++;
      }
      return moved;
    }

    /**
     * Preference of moving slot s of p from u to w, smaller first: not the primary slot (a
     * newcomer becomes primary later by a role swap from the member that must give one up), more
     * zones in the partition, no new same-zone primary/first backup, the giver most over quota,
     * the least co-location of w with the partition's other replicas (so that a later leave
     * spreads its promotions and copies; with two replicas: the rarest primary/first-backup pair
     * made, the commonest broken), the newcomer's rarest slot, the giver's most frequent.
     */
    private void moveKey(int p, int s, int u, int w, long[] key) {
      int zu = zone[u];
      int zw = zone[w];
      boolean othersHaveU = false;
      boolean othersHaveW = false;
      for (int t = 0; t < r; t++) {
        if (t != s) {
          othersHaveU |= zone[cur[p][t]] == zu;
          othersHaveW |= zone[cur[p][t]] == zw;
        }
      }
      int zoneGain = (othersHaveW ? 0 : 1) - (othersHaveU ? 0 : 1);
      boolean newSamePair =
          r >= 2
              && s <= 1
              && !sameZone01(p)
              && zw == zone[cur[p][1 - s]];
      key[0] = s == 0 ? 1 : 0;
      key[1] = -zoneGain;
      key[2] = newSamePair ? 1 : 0;
      key[3] = -(total[u] - quota[u]);
      key[4] =
          r == 2
              ? pairing(p, s, w) - pairing(p, s, u)
              : colocation(p, s, w) - colocation(p, s, u);
      key[5] = slotCount[w * r + s];
      key[6] = -slotCount[u * r + s];
      key[KEY_LENGTH - 1] = ((long) w * pc + p) * r + s;
    }

    // ------------------------------------------------------------------------------------------
    // Phase 3: roles. Equitable slot counts per member by alternating-path swaps.

    void balanceRoles() {
      partsOf = new int[n][];
      int[] fill = new int[n];
      for (int m = 0; m < n; m++) {
        partsOf[m] = new int[total[m]];
      }
      for (int p = 0; p < pc; p++) {
        for (int s = 0; s < r; s++) {
          int m = cur[p][s];
          partsOf[m][fill[m]++] = p;
        }
      }
      balancePrimaries();
      for (int v = 0; v < n; v++) {
        while (!equitable(v)) {
          if (!fixOne(v, false)) {
            throw new IllegalStateException("bug: no alternating path for member " + v);
          }
        }
      }
    }

    /**
     * Gives every member its target number of primaries before the other slots are balanced, so
     * that those never need to touch slot 0. Targets: {@code floor(P/N)}, plus one for as many
     * members as {@code P mod N}, chosen among those whose replica quota allows either count,
     * preferring members that hold the most primaries now (fewest moves).
     */
    private void balancePrimaries() {
      if (r < 2) {
        return; // slot 0 is the whole replica set: balanced by the quotas
      }
      int q = pc / n;
      int extras = pc - n * q;
      int[] primaryTarget = new int[n];
      Integer[] free = new Integer[n];
      int freeCount = 0;
      for (int m = 0; m < n; m++) {
        int lo = quota[m] / r;
        int hi = (quota[m] + r - 1) / r;
        primaryTarget[m] = lo;
        if (lo == hi) {
          extras -= lo - q; // forced to q or q + 1
        } else {
          free[freeCount++] = m;
        }
      }
      if (extras < 0 || extras > freeCount) {
        throw new IllegalStateException("bug: " + extras + " extra primaries for " + freeCount);
      }
      Arrays.sort(
          free,
          0,
          freeCount,
          (x, y) -> slotCount[x * r] != slotCount[y * r]
              ? Integer.compare(slotCount[y * r], slotCount[x * r])
              : Integer.compare(x, y));
      for (int i = 0; i < extras; i++) {
        primaryTarget[free[i]]++;
      }
      if (System.getProperty("dbg") != null) { // DEBUG-REMOVE
        StringBuilder sb = new StringBuilder("B1 c0/target:");
        for (int m = 0; m < n; m++) {
          int lost = 0;
          for (int p = 0; p < pc; p++) { if (primaryLost[p] && contains(p, m) && wasOwner(p, m)) lost++; }
          sb.append(' ').append(slotCount[m * r]).append('/').append(primaryTarget[m]).append("(L").append(lost).append(')');
        }
        System.err.println(sb);
      }
      for (int v = 0; v < n; v++) {
        while (slotCount[v * r] > primaryTarget[v]) {
          int w = findPrimaryPath(v, primaryTarget, TIER_PROMOTION);
          if (w < 0) {
            break; // targets out of reach under the promotion rule; the equitable pass settles it
          }
          int y = w;
          while (y != v) {
            int p = via[y];
            int x = cur[p][0];
            swapRoles(p, 0, viaSlot[y]);
            y = x;
          }
        }
      }
    }

    /**
     * Dijkstra from v over "x is primary of p, y holds slot b of p" steps, to the cheapest member
     * below its primary target. Swapping slot 0 with slot b along the path moves one primary from
     * v to that member; inner members keep their primary count.
     */
    private int findPrimaryPath(int v, int[] primaryTarget, int tier) {
      initSearch(v);
      PriorityQueue<long[]> queue = newQueue();
      queue.add(new long[] {0, v});
      while (!queue.isEmpty()) {
        long[] head = queue.poll();
        int x = (int) head[1];
        if (settled[x] || head[0] != dist[x]) {
          continue;
        }
        settled[x] = true;
        if (x != v && slotCount[x * r] < primaryTarget[x]) {
          return x;
        }
        for (int p : partsOf[x]) {
          if (cur[p][0] != x) {
            continue;
          }
          for (int b = 1; b < r; b++) {
            int y = cur[p][b];
            if (settled[y] || !swapAllowed(p, 0, b, tier)) {
              continue;
            }
            long d = dist[x] + stepCost(p, 0, b);
            if (d < dist[y]) {
              dist[y] = d;
              via[y] = p;
              viaSlot[y] = b;
              queue.add(new long[] {d, y});
            }
          }
        }
      }
      return -1;
    }

    private boolean equitable(int v) {
      int min = Integer.MAX_VALUE;
      int max = Integer.MIN_VALUE;
      for (int s = 0; s < r; s++) {
        int c = slotCount[v * r + s];
        min = Math.min(min, c);
        max = Math.max(max, c);
      }
      return max - min <= 1;
    }

    /**
     * Applies one improving path for member v. With {@code strictZones} (zone repair) only paths
     * that avoid slot 0 and create no same-zone primary/first-backup pair qualify. Otherwise, in
     * order: paths avoiding slot 0; paths through slot 0 under the promotion rule; any path
     * (balance wins). A new same-zone pair is then a cost, not a ban.
     */
    private boolean fixOne(int v, boolean strictZones) {
      int attempts = strictZones ? 1 : 3;
      for (int attempt = 0; attempt < attempts; attempt++) {
        boolean useZero = attempt >= 1;
        int tier = strictZones ? TIER_ALL : attempt < 2 ? TIER_PROMOTION : TIER_NONE;
        for (int gap = maxGap(v); gap >= 2; gap--) {
          for (int a = r - 1; a >= 0; a--) {
            for (int b = r - 1; b >= 0; b--) {
              if (slotCount[v * r + a] - slotCount[v * r + b] != gap
                  || (a == 0 || b == 0) != useZero) {
                continue;
              }
              int w = findPath(v, a, b, tier);
              if (w >= 0) {
                applyPath(v, w, a, b);
                return true;
              }
            }
          }
        }
      }
      return false;
    }

    private int maxGap(int v) {
      int min = Integer.MAX_VALUE;
      int max = Integer.MIN_VALUE;
      for (int s = 0; s < r; s++) {
        min = Math.min(min, slotCount[v * r + s]);
        max = Math.max(max, slotCount[v * r + s]);
      }
      return max - min;
    }

    private long[] dist;
    private int[] via;
    private int[] viaSlot;
    private boolean[] settled;

    private void initSearch(int v) {
      if (dist == null) {
        dist = new long[n];
        via = new int[n];
        viaSlot = new int[n];
        settled = new boolean[n];
      }
      Arrays.fill(dist, Long.MAX_VALUE);
      Arrays.fill(settled, false);
      dist[v] = 0;
      via[v] = -1;
    }

    private static PriorityQueue<long[]> newQueue() {
      return new PriorityQueue<>(
          (x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
    }

    /**
     * Dijkstra from v over alternating paths (member -a-> partition -b-> member). Returns the
     * cheapest reachable member w != v holding b more often than a, or -1; {@link #via} then holds
     * the path.
     */
    private int findPath(int v, int a, int b, int tier) {
      initSearch(v);
      PriorityQueue<long[]> queue = newQueue();
      queue.add(new long[] {0, v});
      while (!queue.isEmpty()) {
        long[] head = queue.poll();
        int x = (int) head[1];
        if (settled[x] || head[0] != dist[x]) {
          continue;
        }
        settled[x] = true;
        if (x != v && slotCount[x * r + b] >= slotCount[x * r + a] + 1) {
          return x;
        }
        for (int p : partsOf[x]) {
          if (cur[p][a] != x) {
            continue;
          }
          int y = cur[p][b];
          if (settled[y] || !swapAllowed(p, a, b, tier)) {
            continue;
          }
          long d = dist[x] + stepCost(p, a, b);
          if (d < dist[y]) {
            dist[y] = d;
            via[y] = p;
            queue.add(new long[] {d, y});
          }
        }
      }
      return -1;
    }

    private void applyPath(int v, int w, int a, int b) {
      int y = w;
      while (y != v) {
        int p = via[y];
        int x = cur[p][a];
        swapRoles(p, a, b);
        y = x;
      }
    }

    /** The cost of swapping slots a and b of p as one step of a path. */
    private long stepCost(int p, int a, int b) {
      boolean disturbs = (a == 0 || b == 0) && cur[p][0] == prevPrimary[p];
      return 1 + (disturbs ? DISTURB_PRIMARY : 0) + (createsSameZonePair(p, a, b) ? SAME_ZONE : 0);
    }

    private boolean createsSameZonePair(int p, int a, int b) {
      if (r < 2 || (a > 1 && b > 1) || sameZone01(p)) {
        return false;
      }
      return zone[roleAfterSwap(p, 0, a, b)] == zone[roleAfterSwap(p, 1, a, b)];
    }

    private boolean swapAllowed(int p, int a, int b, int tier) {
      if (tier >= TIER_PROMOTION && (a == 0 || b == 0)) {
        int newPrimary = a == 0 ? cur[p][b] : cur[p][a];
        if (!eligiblePrimary(p, newPrimary)) {
          return false;
        }
      }
      return tier < TIER_ALL || !createsSameZonePair(p, a, b);
    }

    private int roleAfterSwap(int p, int s, int a, int b) {
      return s == a ? cur[p][b] : s == b ? cur[p][a] : cur[p][s];
    }

    // ------------------------------------------------------------------------------------------
    // Phase 4: zone repair. Separate primary and first backup where the set spans two zones.

    void repairZones() {
      if (r < 2) {
        return;
      }
      if (r >= 3) {
        for (int p = 0; p < pc; p++) {
          if (sameZone01(p)) {
            repairByRoles(p);
          }
        }
      }
      partsOf = null; // the exchanges below change replica sets
      for (int p = 0; p < pc; p++) {
        if (sameZone01(p)) {
          repairByExchange(p);
        }
      }
    }

    /**
     * Swaps a replica of another zone into p's first-backup slot and restores equitable slot counts
     * with constrained paths that leave every primary alone; undoes the swap if that fails.
     */
    private void repairByRoles(int p) {
      int z0 = zone[cur[p][0]];
      for (int k = 2; k < r; k++) {
        if (zone[cur[p][k]] == z0) {
          continue;
        }
        undoSize = 0;
        recording = true;
        int m1 = cur[p][1];
        int mk = cur[p][k];
        swapRoles(p, 1, k);
        boolean ok = true;
        while (ok && !(equitable(m1) && equitable(mk))) {
          ok = fixOne(equitable(m1) ? mk : m1, true);
        }
        recording = false;
        if (ok) {
          return;
        }
        for (int i = undoSize - 3; i >= 0; i -= 3) {
          swapRoles(undoLog[i], undoLog[i + 1], undoLog[i + 2]);
        }
      }
    }

    /**
     * Exchanges p's first backup with the first backup of another partition q whose primary and
     * first backup are both outside p's primary zone: every member keeps its slot counts, p gets a
     * first backup in another zone and q keeps (or gains) one. Costs up to two copies, so the
     * partner that needs the fewest is chosen. When no partner exists, the zones' sizes make the
     * pair unavoidable under balance.
     */
    private void repairByExchange(int p) {
      int z = zone[cur[p][0]];
      int x = cur[p][1];
      int best = -1;
      int bestCost = Integer.MAX_VALUE;
      for (int q = 0; q < pc && bestCost > 0; q++) {
        int y = cur[q][1];
        if (q == p || zone[y] == z || zone[cur[q][0]] == z || contains(p, y) || contains(q, x)) {
          continue;
        }
        int cost = (wasOwner(p, y) ? 0 : 1) + (wasOwner(q, x) ? 0 : 1);
        if (cost < bestCost) {
          best = q;
          bestCost = cost;
        }
      }
      if (best >= 0) {
        place(p, 1, cur[best][1]);
        place(best, 1, x);
      }
    }

    // ------------------------------------------------------------------------------------------
    // Helpers

    static final long[] PHASE_NANOS = new long[4]; // DEBUG-REMOVE
    long lastNanos = System.nanoTime();
    void dbg(String phase) { // DEBUG-REMOVE
      long now = System.nanoTime(); PHASE_NANOS[phase.charAt(0) - 'A'] += now - lastNanos; lastNanos = now;
      if (System.getProperty("dbg") == null) return;
      int moved = 0;
      int x0 = 0;
      for (int p = 0; p < pc; p++) { if (cur[p][0] != prevPrimary[p]) moved++; }
      System.err.println(phase + " primMoved=" + moved + " newcomerPrimaries=" + slotCount[(n - 1) * r]);
    }

    Address[][] result() {
      Address[][] out = new Address[pc][r];
      for (int p = 0; p < pc; p++) {
        for (int s = 0; s < r; s++) {
          out[p][s] = addr[cur[p][s]];
        }
      }
      return out;
    }

    private int slotIn(int p, int m) {
      for (int s = 0; s < r; s++) {
        if (cur[p][s] == m) {
          return s;
        }
      }
      return -1;
    }

    private boolean contains(int p, int m) {
      for (int s = 0; s < r; s++) {
        if (cur[p][s] == m) {
          return true;
        }
      }
      return false;
    }

    private boolean wasOwner(int p, int m) {
      for (int o : old[p]) {
        if (o == m) {
          return true;
        }
      }
      return false;
    }

    /** Promotion rule: if p's primary left, only a surviving former replica may become primary. */
    private boolean eligiblePrimary(int p, int m) {
      if (!primaryLost[p] || old[p].length == 0) {
        return true;
      }
      for (int o : old[p]) {
        if (o == m) {
          return true;
        }
      }
      return false;
    }

    private boolean sameZone01(int p) {
      return r >= 2 && cur[p][0] >= 0 && cur[p][1] >= 0 && zone[cur[p][0]] == zone[cur[p][1]];
    }

    private boolean zonePresent(int p, int z) {
      for (int s = 0; s < r; s++) {
        if (cur[p][s] >= 0 && zone[cur[p][s]] == z) {
          return true;
        }
      }
      return false;
    }

    private int distinctZones(int p) {
      int count = 0;
      for (int s = 0; s < r; s++) {
        int m = cur[p][s];
        if (m < 0) {
          continue;
        }
        boolean seenBefore = false;
        for (int t = 0; t < s && !seenBefore; t++) {
          seenBefore = cur[p][t] >= 0 && zone[cur[p][t]] == zone[m];
        }
        if (!seenBefore) {
          count++;
        }
      }
      return count;
    }

    /** How many partitions m already shares with p's replicas other than the one in slot s. */
    private int colocation(int p, int s, int m) {
      if (co == null) {
        return 0;
      }
      int sum = 0;
      for (int t = 0; t < r; t++) {
        int o = cur[p][t];
        if (t != s && o >= 0) {
          sum += co[m * n + o];
        }
      }
      return sum;
    }

    /** How many partitions already have the primary/first-backup pair that m in slot s makes. */
    private int pairing(int p, int s, int m) {
      if (pair == null || s > 1 || cur[p][1 - s] < 0) {
        return 0;
      }
      return s == 1 ? pair[cur[p][0] * n + m] : pair[m * n + cur[p][1]];
    }

    private void countPair(int p, int delta) {
      if (pair != null && cur[p][0] >= 0 && cur[p][1] >= 0) {
        pair[cur[p][0] * n + cur[p][1]] += delta;
      }
    }

    private void colocate(int p, int s, int m, int delta) {
      if (co == null) {
        return;
      }
      for (int t = 0; t < r; t++) {
        int o = cur[p][t];
        if (t != s && o >= 0) {
          co[m * n + o] += delta;
          co[o * n + m] += delta;
        }
      }
    }

    /** Puts m into slot s of p, replacing its occupant (replica set change). */
    private void place(int p, int s, int m) {
      if (s <= 1) {
        countPair(p, -1);
      }
      int u = cur[p][s];
      if (u >= 0) {
        total[u]--;
        slotCount[u * r + s]--;
        colocate(p, s, u, -1);
      }
      cur[p][s] = m;
      total[m]++;
      slotCount[m * r + s]++;
      colocate(p, s, m, 1);
      if (s <= 1) {
        countPair(p, 1);
      }
    }

    /** Swaps the members in slots a and b of p (role change, same replica set). */
    private void swapRoles(int p, int a, int b) {
      boolean pairChanges = a <= 1 || b <= 1;
      if (pairChanges) {
        countPair(p, -1);
      }
      int x = cur[p][a];
      int y = cur[p][b];
      cur[p][a] = y;
      cur[p][b] = x;
      slotCount[x * r + a]--;
      slotCount[x * r + b]++;
      slotCount[y * r + b]--;
      slotCount[y * r + a]++;
      if (pairChanges) {
        countPair(p, 1);
      }
      if (recording) {
        if (undoSize + 3 > undoLog.length) {
          undoLog = Arrays.copyOf(undoLog, undoLog.length * 2);
        }
        undoLog[undoSize++] = p;
        undoLog[undoSize++] = a;
        undoLog[undoSize++] = b;
      }
    }

    private static int compare(long[] x, long[] y) {
      for (int i = 0; i < x.length; i++) {
        int c = Long.compare(x[i], y[i]);
        if (c != 0) {
          return c;
        }
      }
      return 0;
    }
  }
}
