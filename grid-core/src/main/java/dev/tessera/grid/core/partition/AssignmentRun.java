package dev.tessera.grid.core.partition;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import dev.tessera.grid.membership.MemberId;

/**
 * The working state and phases of one {@link OwnershipAssigner#assign} call; see that class for the
 * algorithm. Members are numbered by their index in the view, partitions by their index, slots from
 * 0 (primary). Not thread-safe; used by one call and dropped.
 */
final class AssignmentRun {

  /** Cost of any role swap in a path search; tie-breaking costs stay below it. */
  private static final long STEP = 1024;

  /** Cost of a role swap that takes the primary role away from a partition's previous primary. */
  private static final long DISTURB_PRIMARY = 1000 * STEP;

  /**
   * Cost per slot that a role swap raises a member above the slot it held in the previous table.
   * A map with b backups keeps its data in slots 0..b only, so a member that moves from slot i to a
   * lower slot j must receive the data of every map with j <= b < i: a copy, not a free role swap.
   * Among otherwise equal paths the search therefore prefers swaps that move members down or keep
   * them (a newcomer, who holds nothing yet, is not charged).
   */
  private static final long RAISE = STEP;

  /** Cost of a role swap that puts the primary and first backup into one zone. */
  private static final long SAME_ZONE = 300 * STEP;

  /** Length of a {@link #moveKey}; the last element identifies (receiver, partition, slot). */
  private static final int KEY_LENGTH = 8;

  /**
   * Constraint tiers for path search, strictest first. ALL (zone repair): no new same-zone pair,
   * promotion rule, no undisturbed primary moved; PROMOTION: the promotion rule; NONE.
   */
  private static final int TIER_ALL = 2;

  private static final int TIER_PROMOTION = 1;
  private static final int TIER_NONE = 0;

  /** Above this many members co-location (N² ints) is not tracked. */
  private static final int MAX_COLOCATION_TRACKED = 1024;

  private final MemberId[][] current;
  private final MemberId[] addr;
  private final Map<MemberId, Integer> indexOf;
  private final int n;
  private final int r;
  private final int pc;
  private final int[] zone;

  /** Distinct zones among the members (a member without a zone is a zone of its own). */
  private final int zoneCount;

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

  /** backs[i * n + j]: partitions with primary i and j as a backup; null if untracked. */
  private final int[] backs;

  /** Partitions of each member, fixed once the replica sets are settled. */
  private int[][] partsOf;

  /** Role swaps (p, a, b) to undo if a zone repair fails, logged while {@code recording}. */
  private int[] undoLog = new int[48];

  private int undoSize;
  private boolean recording;

  /** Path search state: distance, reaching partition and slot per member; allocated once. */
  private long[] dist;

  private int[] via;
  private int[] viaSlot;
  private boolean[] settled;

  AssignmentRun(MemberId[][] current, List<MemberId> members, Map<MemberId, String> zones, int r) {
    this.current = current;
    this.n = members.size();
    this.r = r;
    this.pc = current.length;
    this.addr = new MemberId[n];
    this.indexOf = new HashMap<>(n * 2);
    for (int m = 0; m < n; m++) {
      MemberId a = Objects.requireNonNull(members.get(m), "members holds null");
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
    this.zoneCount = nextZone;
    this.old = new int[pc][];
    this.prevPrimary = new int[pc];
    this.primaryLost = new boolean[pc];
    this.cur = new int[pc][r];
    this.total = new int[n];
    this.slotCount = new int[n * r];
    this.quota = new int[n];
    this.co = n <= MAX_COLOCATION_TRACKED && r >= 2 ? new int[n * n] : null;
    this.backs = co == null ? null : new int[n * n];
  }

  // ------------------------------------------------------------------------------------------
  // Phase 1: seed with the surviving current owners, in order.

  void seed() {
    int[] buf = new int[Math.max(r, 1)];
    int[] seenIn = new int[n];
    Arrays.fill(seenIn, -1);
    for (int p = 0; p < pc; p++) {
      MemberId[] row = current[p];
      int size = 0;
      boolean first = true;
      prevPrimary[p] = -1;
      if (row != null) {
        for (MemberId a : row) {
          if (a == null) {
            continue;
          }
          Integer m = indexOf.get(a);
          if (first) {
            first = false;
            primaryLost[p] = m == null;
            prevPrimary[p] = m == null ? -1 : m;
          }
          if (m != null && seenIn[m] != p) {
            seenIn[m] = p;
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
    int[] filled = new int[16];
    int filledCount = 0;
    for (int p = 0; p < pc; p++) {
      for (int s = 0; s < r; s++) {
        if (cur[p][s] >= 0) {
          continue;
        }
        int m = chooseFill(p, s);
        if (total[m] >= quota[m] && fillBySwap(p, s, filled, filledCount)) {
          continue;
        }
        place(p, s, m);
        if (2 * filledCount + 2 > filled.length) {
          filled = Arrays.copyOf(filled, filled.length * 2);
        }
        filled[2 * filledCount] = p;
        filled[2 * filledCount + 1] = s;
        filledCount++;
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

  /**
   * Fills slot s of p without pushing anyone over quota when every member under quota already
   * holds p: such a member d takes a slot filled earlier in this phase whose fresh member f moves
   * here instead. Both are new replicas either way, so this saves a later move (a copy).
   */
  private boolean fillBySwap(int p, int s, int[] filled, int filledCount) {
    for (int i = 0; i < filledCount; i++) {
      int q = filled[2 * i];
      int t = filled[2 * i + 1];
      int f = cur[q][t];
      if (q == p || contains(p, f)) {
        continue;
      }
      for (int d = 0; d < n; d++) {
        if (total[d] < quota[d] && !contains(q, d)) {
          place(q, t, d);
          place(p, s, f);
          return true;
        }
      }
    }
    return false;
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
   * partition's replicas (with two replicas first: rarely backing up this primary), rarely backing
   * up this primary, a rare slot, most missing, view order.
   */
  private int compareFill(int p, int s, int x, int y) {
    int c = Boolean.compare(quota[y] > total[y], quota[x] > total[x]);
    if (c == 0) {
      c = Boolean.compare(!zonePresent(p, zone[y]), !zonePresent(p, zone[x]));
    }
    if (c == 0 && r == 2) {
      c = Integer.compare(backing(p, s, x), backing(p, s, y));
    }
    if (c == 0) {
      c = Integer.compare(colocation(p, s, x), colocation(p, s, y));
    }
    if (c == 0) {
      c = Integer.compare(backing(p, s, x), backing(p, s, y));
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
   * Preference of moving slot s of p from giver u to receiver w, smaller first: not the primary
   * slot (a newcomer becomes primary later by a role swap from a member that must give one up),
   * more zones in the partition, no new same-zone primary/first backup, the least co-location
   * added for w minus removed for u, and w rarely backing up p's primary (so that a later leave
   * finds promotable replicas everywhere; with two replicas: the rarest primary/backup pair
   * made, the commonest broken), w's rarest slot, u's most frequent slot.
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
            ? backing(p, s, w) - backing(p, s, u)
            : colocation(p, s, w) - colocation(p, s, u) + 2 * backing(p, s, w);
    key[5] = slotCount[w * r + s];
    key[6] = -slotCount[u * r + s];
    key[KEY_LENGTH - 1] = ((long) w * pc + p) * r + s;
  }

  /**
   * Raises the zone count of replica sets that could span more zones, by exchanging two backups
   * placed in this call (same slot in both partitions, so no count changes; both were to be
   * copied anyway, so no extra copies). Repairs what the greedy fill left at its end.
   */
  void spreadZones() {
    if (r < 2 || zoneCount == n) {
      return; // no two members share a zone: every set already spans R zones
    }
    int wanted = Math.min(r, zoneCount);
    for (int p = 0; p < pc; p++) {
      while (zoneSpread(p) < wanted && exchangeForSpread(p)) {
        // each exchange adds a zone to p and takes none from its partner
      }
    }
  }

  private boolean exchangeForSpread(int p) {
    for (int s = 1; s < r; s++) {
      int x = cur[p][s];
      if (wasOwner(p, x) || zoneMembers(p, zone[x]) < 2) {
        continue;
      }
      for (int q = 0; q < pc; q++) {
        int y = cur[q][s];
        if (q == p
            || wasOwner(q, y)
            || zonePresent(p, zone[y])
            || contains(p, y)
            || contains(q, x)
            || (zoneMembers(q, zone[y]) < 2 && zonePresent(q, zone[x]))
            || (s == 1 && zone[cur[q][0]] == zone[x])) {
          continue;
        }
        place(p, s, y);
        place(q, s, x);
        return true;
      }
    }
    return false;
  }

  private int zoneMembers(int p, int z) {
    int count = 0;
    for (int s = 0; s < r; s++) {
      count += cur[p][s] >= 0 && zone[cur[p][s]] == z ? 1 : 0;
    }
    return count;
  }

  private int zoneSpread(int p) {
    int spread = 0;
    for (int s = 0; s < r; s++) {
      boolean first = true;
      for (int t = 0; t < s && first; t++) {
        first = zone[cur[p][t]] != zone[cur[p][s]];
      }
      spread += first ? 1 : 0;
    }
    return spread;
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
    extras = Math.max(0, Math.min(extras, freeCount)); // a plan only: the equitable pass rules
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
          long d = dist[x] + stepCost(p, 0, b) + backingTie(p, x, y);
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
   * Applies one improving path for member v: paths avoiding slot 0 first, then through slot 0.
   * With {@code strictZones} (zone repair) a path may not create a same-zone primary/first-backup
   * pair, break the promotion rule or move an undisturbed primary. Otherwise the promotion rule
   * holds unless no path keeps it (balance wins), and a new same-zone pair is a cost, not a ban.
   */
  private boolean fixOne(int v, boolean strictZones) {
    int attempts = strictZones ? 2 : 3;
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
    return STEP + (disturbs ? DISTURB_PRIMARY : 0) + (createsSameZonePair(p, a, b) ? SAME_ZONE : 0)
        + RAISE * raised(p, a, b);
  }

  /**
   * By how many slots swapping slots a and b of p raises its members above their previous slots,
   * net of what it lowers (never negative): the data copies the swap adds for maps whose backups
   * lie between the slots.
   */
  private long raised(int p, int a, int b) {
    int x = cur[p][a];
    int y = cur[p][b];
    long delta = aboveOld(p, x, b) - aboveOld(p, x, a) + aboveOld(p, y, a) - aboveOld(p, y, b);
    return Math.max(0, delta);
  }

  /** How far slot s lies above member m's slot in p's previous owners; 0 if m held no slot of p. */
  private int aboveOld(int p, int m, int s) {
    int[] o = old[p];
    for (int i = 0; i < o.length; i++) {
      if (o[i] == m) {
        return Math.max(0, i - s);
      }
    }
    return 0;
  }

  /**
   * A tie-breaker below {@link #STEP} for handing p's primary role from x to y: prefer a y that
   * rarely has p's replicas as its backups and an x that often has, so that the replicas of each
   * member's primaries stay spread and a later leave can promote without moving other primaries.
   */
  private long backingTie(int p, int x, int y) {
    if (backs == null) {
      return 0;
    }
    long delta = 0;
    for (int t = 0; t < r; t++) {
      int o = cur[p][t];
      delta += (o != y ? backs[y * n + o] : 0) - (o != x ? backs[x * n + o] : 0);
    }
    return Math.max(0, Math.min(STEP - 1, STEP / 2 + delta));
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
    return tier < TIER_ALL
        || !(createsSameZonePair(p, a, b) || ((a == 0 || b == 0) && cur[p][0] == prevPrimary[p]));
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
    for (int k = 2; k < r; k++) {
      if (zone[cur[p][k]] != zone[cur[p][0]] && tryRepairSwap(p, 1, k)) {
        return;
      }
    }
    if (cur[p][0] == prevPrimary[p]) {
      return; // an undisturbed primary stays
    }
    for (int k = 2; k < r; k++) {
      if (zone[cur[p][k]] != zone[cur[p][1]]
          && eligiblePrimary(p, cur[p][k])
          && tryRepairSwap(p, 0, k)) {
        return;
      }
    }
  }

  /** Swaps slots a and k of p, then restores equitable counts under all constraints or undoes. */
  private boolean tryRepairSwap(int p, int a, int k) {
    undoSize = 0;
    recording = true;
    int ma = cur[p][a];
    int mk = cur[p][k];
    swapRoles(p, a, k);
    boolean ok = true;
    while (ok && !(equitable(ma) && equitable(mk))) {
      ok = fixOne(equitable(ma) ? mk : ma, true);
    }
    recording = false;
    if (!ok) {
      for (int i = undoSize - 3; i >= 0; i -= 3) {
        swapRoles(undoLog[i], undoLog[i + 1], undoLog[i + 2]);
      }
    }
    return ok;
  }

  /**
   * Exchanges p's first backup with the first backup of another partition q whose primary and
   * first backup are both outside p's primary zone: every member keeps its slot counts, p gets a
   * first backup in another zone and q keeps (or gains) one. The partner needing the fewest extra
   * copies is chosen (none when both backups were to be copied anyway). Extra copies are spent
   * only when p's replicas all sit in one zone, so that one zone outage would lose the partition;
   * otherwise the pair stays, and another zone still holds a replica. When no partner exists, the
   * zones' sizes make the pair unavoidable under balance.
   */
  private void repairByExchange(int p) {
    int z = zone[cur[p][0]];
    int x = cur[p][1];
    int best = -1;
    int bestCost = zoneSpread(p) == 1 ? 3 : 1; // the largest acceptable cost, plus one
    for (int q = 0; q < pc && bestCost > -2; q++) {
      int y = cur[q][1];
      if (q == p || zone[y] == z || zone[cur[q][0]] == z || contains(p, y) || contains(q, x)) {
        continue;
      }
      int cost = copy(p, y) + copy(q, x) - copy(p, x) - copy(q, y);
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

  /** 1 if m holding a replica of p is a copy (m held none before this call), else 0. */
  private int copy(int p, int m) {
    return wasOwner(p, m) ? 0 : 1;
  }

  // ------------------------------------------------------------------------------------------
  // Helpers

  MemberId[][] result() {
    MemberId[][] out = new MemberId[pc][r];
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

  /**
   * How often m already backs up p's primary (s > 0), or is backed up by p's backups (s = 0):
   * spreading this spreads the promotions of a leave over many members.
   */
  private int backing(int p, int s, int m) {
    if (backs == null) {
      return 0;
    }
    if (s > 0) {
      return cur[p][0] < 0 ? 0 : backs[cur[p][0] * n + m];
    }
    int sum = 0;
    for (int t = 1; t < r; t++) {
      if (cur[p][t] >= 0) {
        sum += backs[m * n + cur[p][t]];
      }
    }
    return sum;
  }

  private void countBacks(int p, int delta) {
    int primary = cur[p][0];
    if (backs == null || primary < 0) {
      return;
    }
    for (int t = 1; t < r; t++) {
      if (cur[p][t] >= 0) {
        backs[primary * n + cur[p][t]] += delta;
      }
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
    countBacks(p, -1);
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
    countBacks(p, 1);
  }

  /** Swaps the members in slots a and b of p (role change, same replica set). */
  private void swapRoles(int p, int a, int b) {
    boolean primaryChanges = a == 0 || b == 0;
    if (primaryChanges) {
      countBacks(p, -1);
    }
    int x = cur[p][a];
    int y = cur[p][b];
    cur[p][a] = y;
    cur[p][b] = x;
    slotCount[x * r + a]--;
    slotCount[x * r + b]++;
    slotCount[y * r + b]--;
    slotCount[y * r + a]++;
    if (primaryChanges) {
      countBacks(p, 1);
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
