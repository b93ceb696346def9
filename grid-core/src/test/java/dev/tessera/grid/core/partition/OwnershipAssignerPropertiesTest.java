package dev.tessera.grid.core.partition;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import dev.tessera.grid.membership.MemberId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * T1–T4 as numbers over random view-change sequences: P in {1, 7, 271, 1024} (P < N included),
 * N in 1..12, maxReplicas in {1, 2, 3, 7}, zones in a third of the sequences (1 to 3 zone names;
 * every fifth newcomer declares none). Every step is checked against the bounds below, and the
 * worst value seen per figure is logged at the end.
 *
 * <ul>
 *   <li>T2, always: per-slot and total spread at most 1.
 *   <li>T4, always: the same inputs, copied and with the zone map in another order, give the
 *       same table.
 *   <li>T3 leave, always: no partition whose primary left is led by a member that held no replica
 *       of it (promotion rule).
 *   <li>T3 join: primaries moved at most {@code ceil(P/N)} + 2; new replicas at most the
 *       newcomer's quota {@code ceil(P·R/N)}.
 *   <li>T3 leave: undisturbed partitions keep their primary, up to 4 moves (with R <= 3, up to
 *       P/32 + 4; with P <= 2N one move can cascade through every partition); new replicas at
 *       most the leaver's replica count + 2.
 *   <li>T1: same-zone primary/first-backup pairs at most 4 + P/128 (R <= 3: 4 + P/32) above the
 *       least that the balanced per-zone counts allow (the zone repairs are greedy, not optimal,
 *       and spend copies only on partitions whose replicas all sit in one zone).
 * </ul>
 *
 * With zones the assigner trades movement for zone separation (see {@link OwnershipAssigner}):
 * first-backup exchanges copy data when a partition's replicas all sit in one zone, and with
 * R <= 3 a newcomer cannot take primaries from members of its own zone without pairing them, so
 * they go through a third member. Zoned sequences get wider movement bounds: copies + P/16
 * (R >= 4) or + P/5 (R <= 3) on a join, + P/4 on a leave; with R <= 3, primaries moved up to
 * {@code 2·ceil(P/N)} + 4 on a join and undisturbed primaries moved up to P/8 + 4 on a leave.
 */
class OwnershipAssignerPropertiesTest {

  private static final Logger LOG = LoggerFactory.getLogger(OwnershipAssignerPropertiesTest.class);
  private static final Map<String, Integer> WORST = new TreeMap<>();

  record Scenario(int partitions, int maxReplicas, int initialMembers, int zoneNames, List<Integer> ops) {}

  @Provide
  Arbitrary<Scenario> scenarios() {
    return Combinators.combine(
            Arbitraries.of(1, 7, 271, 1024),
            Arbitraries.of(1, 2, 3, 7),
            Arbitraries.integers().between(1, 12),
            Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, Arbitraries.just(0)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, 3))),
            Arbitraries.integers().between(0, 99).list().ofMinSize(1).ofMaxSize(10))
        .as(Scenario::new);
  }

  @Property(tries = 120)
  void viewChanges_keepInvariantsT1toT4(@ForAll("scenarios") Scenario scenario) {
    OwnershipAssigner assigner = new OwnershipAssigner(scenario.maxReplicas());
    int p = scenario.partitions();
    List<MemberId> members = new ArrayList<>();
    Map<MemberId, String> zones = new LinkedHashMap<>();
    for (int i = 0; i < scenario.initialMembers(); i++) {
      join(members, zones, scenario, i);
    }
    MemberId[][] owners = assigner.assign(new MemberId[p][], members, zones);
    check(AssignmentMetrics.of(new MemberId[p][], owners, members, zones), "fresh", p);

    for (int op : scenario.ops()) {
      MemberId[][] before = owners;
      boolean joining = members.size() == 1 || (members.size() < 12 && op < 50);
      int leaverReplicas = 0;
      if (joining) {
        join(members, zones, scenario, op);
      } else {
        MemberId leaver = members.remove(op % members.size());
        for (MemberId[] row : before) {
          leaverReplicas += java.util.Arrays.asList(row).contains(leaver) ? 1 : 0;
        }
      }
      owners = assigner.assign(before, members, zones);
      AssignmentMetrics m = AssignmentMetrics.of(before, owners, members, zones);
      check(m, joining ? "join" : "leave", p);
      boolean zoned = scenario.zoneNames() > 0; // the layout may still reflect zones of departed members
      boolean few = m.replicas() <= 3;
      String kind = (zoned ? "zones" : "no zones") + (few ? ", R<=3" : ", R>=4");
      int n = members.size();
      if (joining) {
        record("join: primaries moved - ceil(P/N) [" + kind + "]", m.primariesMoved() - OwnershipAssignerTest.ceil(p, n));
        record("join: new replicas - ceil(P*R/N) [" + kind + "]", m.newReplicas() - OwnershipAssignerTest.ceil(p * m.replicas(), n));
        assertThat(m.primariesMoved()).as("primaries moved on join, %s", m).isLessThanOrEqualTo(joinPrimaryBound(p, n, zoned, few));
        assertThat(m.newReplicas()).as("new replicas on join, %s", m).isLessThanOrEqualTo(joinCopyBound(p, m.replicas(), n, zoned, few));
      } else {
        record("leave: undisturbed primaries moved [" + kind + "]", m.undisturbedPrimariesMoved());
        record("leave: new replicas - leaver's replicas [" + kind + "]", m.newReplicas() - leaverReplicas);
        assertThat(m.promotionViolations()).as("promotion rule, %s", m).isZero();
        assertThat(m.undisturbedPrimariesMoved()).as("undisturbed primaries moved on leave, %s", m).isLessThanOrEqualTo(leaveUndisturbedBound(p, n, zoned, few));
        assertThat(m.newReplicas()).as("new replicas on leave, %s", m).isLessThanOrEqualTo(leaveCopyBound(leaverReplicas, p, zoned));
      }

      Map<MemberId, String> reordered = new LinkedHashMap<>();
      List<MemberId> keys = new ArrayList<>(zones.keySet());
      java.util.Collections.reverse(keys);
      keys.forEach(k -> reordered.put(k, zones.get(k)));
      MemberId[][] again = new OwnershipAssigner(scenario.maxReplicas()).assign(OwnershipAssignerTest.deepCopy(before), new ArrayList<>(members), reordered);
      assertThat(again).as("T4 determinism").isDeepEqualTo(owners);
    }
  }

  private static void check(AssignmentMetrics m, String step, int partitions) {
    assertThat(m.maxSlotSpread()).as("T2 per-slot spread after %s, %s", step, m).isLessThanOrEqualTo(1);
    assertThat(m.totalSpread()).as("T2 total spread after %s, %s", step, m).isLessThanOrEqualTo(1);
    record("same-zone pairs above the lower bound", m.sameZoneExcess());
    assertThat(m.sameZoneExcess()).as("T1 zones after %s, %s", step, m).isLessThanOrEqualTo(zoneExcessBound(partitions, m.replicas()));
  }

  /** The zone repairs are greedy and spend copies only on single-zone partitions. */
  static int zoneExcessBound(int partitions, int replicas) {
    return 4 + partitions / (replicas <= 3 ? 32 : 128);
  }

  static int joinPrimaryBound(int partitions, int members, boolean zoned, boolean fewReplicas) {
    int ideal = OwnershipAssignerTest.ceil(partitions, members);
    return ideal + (zoned && fewReplicas ? ideal + 4 : 2);
  }

  static int joinCopyBound(int partitions, int replicas, int members, boolean zoned, boolean fewReplicas) {
    int quota = OwnershipAssignerTest.ceil(partitions * replicas, members);
    return quota + (zoned ? partitions / (fewReplicas ? 5 : 16) + 2 : 0);
  }

  static int leaveUndisturbedBound(int partitions, int members, boolean zoned, boolean fewReplicas) {
    if (partitions <= 2 * members) {
      return partitions;
    }
    return 4 + (fewReplicas ? partitions / (zoned ? 8 : 32) : 0);
  }

  static int leaveCopyBound(int leaverReplicas, int partitions, boolean zoned) {
    return leaverReplicas + 2 + (zoned ? partitions / 4 : 0);
  }

  private static void join(List<MemberId> members, Map<MemberId, String> zones, Scenario scenario, int salt) {
    MemberId a = MemberId.random();
    members.add(a);
    int names = scenario.zoneNames();
    if (names > 0 && salt % 5 != 4) { // every fifth newcomer declares no zone
      zones.put(a, "zone-" + (salt % names));
    }
  }

  private static synchronized void record(String what, int value) {
    WORST.merge(what, value, Math::max);
  }

  @AfterContainer
  static void logWorst() {
    WORST.forEach((what, worst) -> LOG.info("worst {}: {}", what, worst));
  }
}
