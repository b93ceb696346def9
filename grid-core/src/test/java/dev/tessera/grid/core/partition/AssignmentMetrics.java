package dev.tessera.grid.core.partition;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import dev.tessera.grid.membership.MemberId;

/**
 * The invariants T1–T4 of one assignment step, as numbers. {@link #of} fails with an {@link
 * AssertionError} naming the partition if the result is not a valid table (T1: R distinct members
 * per partition); every other figure is for tests to bound and for the simulator to log.
 *
 * @param replicas R, the owners per partition
 * @param maxSlotSpread over all slots s: max - min over members of "partitions where it holds
 *     slot s" (T2 wants at most 1)
 * @param totalSpread max - min over members of replicas held (T2 wants at most 1)
 * @param primariesMoved partitions that had a primary before and have another one now
 * @param undisturbedPrimariesMoved of those, partitions whose previous owners all stayed members
 * @param promotionViolations partitions whose primary left, some former replica survived, and the
 *     new primary is not a former replica (T3 wants 0)
 * @param newReplicas (partition, member) replicas that did not exist before: data copies
 * @param sameZonePairs partitions whose primary and first backup share a zone
 * @param sameZoneLowerBound the fewest same-zone pairs any table with these per-zone counts of
 *     primaries and first backups can have: {@code max(0, max over zones z of primaries(z) +
 *     firstBackups(z) - P)}
 */
record AssignmentMetrics(
    int replicas,
    int maxSlotSpread,
    int totalSpread,
    int primariesMoved,
    int undisturbedPrimariesMoved,
    int promotionViolations,
    int newReplicas,
    int sameZonePairs,
    int sameZoneLowerBound) {

  static AssignmentMetrics of(
      MemberId[][] before, MemberId[][] after, List<MemberId> members, Map<MemberId, String> zones) {
    int partitions = after.length;
    int n = members.size();
    int r = after.length == 0 ? 0 : after[0].length;
    Map<MemberId, Integer> index = new HashMap<>();
    for (int i = 0; i < n; i++) {
      index.put(members.get(i), i);
    }
    int[][] slotCounts = new int[r][n];
    int[] totals = new int[n];
    int primariesMoved = 0;
    int undisturbedMoved = 0;
    int promotionViolations = 0;
    int newReplicas = 0;
    int sameZone = 0;
    Map<String, Integer> primariesByZone = new HashMap<>();
    Map<String, Integer> firstBackupsByZone = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      MemberId[] row = after[p];
      if (row.length != r || new HashSet<>(Arrays.asList(row)).size() != r) {
        throw new AssertionError("partition " + p + " has not " + r + " distinct owners: "
            + Arrays.toString(row));
      }
      for (int s = 0; s < r; s++) {
        Integer m = index.get(row[s]);
        if (m == null) {
          throw new AssertionError("partition " + p + " is owned by non-member " + row[s]);
        }
        slotCounts[s][m]++;
        totals[m]++;
      }
      List<MemberId> old = before[p] == null ? List.of() : Arrays.asList(before[p]);
      MemberId oldPrimary = old.isEmpty() ? null : old.get(0);
      if (oldPrimary != null && !oldPrimary.equals(row[0])) {
        primariesMoved++;
        if (index.keySet().containsAll(old)) {
          undisturbedMoved++;
        }
      }
      if (oldPrimary != null && !index.containsKey(oldPrimary)
          && old.stream().anyMatch(index::containsKey) && !old.contains(row[0])) {
        promotionViolations++;
      }
      for (MemberId a : row) {
        if (!old.contains(a)) {
          newReplicas++;
        }
      }
      if (r >= 2) {
        String z0 = zoneOf(row[0], zones);
        String z1 = zoneOf(row[1], zones);
        sameZone += z0.equals(z1) ? 1 : 0;
        primariesByZone.merge(z0, 1, Integer::sum);
        firstBackupsByZone.merge(z1, 1, Integer::sum);
      }
    }
    int lowerBound = 0;
    for (Map.Entry<String, Integer> e : primariesByZone.entrySet()) {
      int both = e.getValue() + firstBackupsByZone.getOrDefault(e.getKey(), 0);
      lowerBound = Math.max(lowerBound, both - partitions);
    }
    int maxSlotSpread = 0;
    for (int[] counts : slotCounts) {
      maxSlotSpread = Math.max(maxSlotSpread, spread(counts));
    }
    return new AssignmentMetrics(
        r,
        maxSlotSpread,
        spread(totals),
        primariesMoved,
        undisturbedMoved,
        promotionViolations,
        newReplicas,
        sameZone,
        lowerBound);
  }

  /** Distinct zones among {@code members}, counting each member without a zone as its own. */
  static int zoneCount(List<MemberId> members, Map<MemberId, String> zones) {
    Set<String> distinct = new HashSet<>();
    for (MemberId m : members) {
      distinct.add(zoneOf(m, zones));
    }
    return distinct.size();
  }

  /** Same-zone pairs beyond the least the balanced counts allow. */
  int sameZoneExcess() {
    return sameZonePairs - sameZoneLowerBound;
  }

  private static String zoneOf(MemberId member, Map<MemberId, String> zones) {
    return Objects.requireNonNullElseGet(zones.get(member), () -> "\0solo:" + member);
  }

  private static int spread(int[] counts) {
    int min = Integer.MAX_VALUE;
    int max = Integer.MIN_VALUE;
    for (int c : counts) {
      min = Math.min(min, c);
      max = Math.max(max, c);
    }
    return counts.length == 0 ? 0 : max - min;
  }
}
