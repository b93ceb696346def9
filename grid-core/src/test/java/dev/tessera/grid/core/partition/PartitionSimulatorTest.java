package dev.tessera.grid.core.partition;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import dev.tessera.grid.membership.MemberId;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A seeded simulator: 100 random joins and leaves from 3 members at P = 271 with the grid's 7
 * replicas, driven through the real table life cycle (coordinator computes owners, publishes them
 * as targets with the next version, migrations commit). Logs every step's movement against the
 * ideal and asserts the per-step bounds of {@link OwnershipAssignerPropertiesTest}.
 */
class PartitionSimulatorTest {

  private static final Logger LOG = LoggerFactory.getLogger(PartitionSimulatorTest.class);
  private static final int PARTITIONS = 271;
  private static final int STEPS = 100;

  @ParameterizedTest(name = "zones: {0}")
  @ValueSource(ints = {0, 3})
  void hundredViewChanges_fromThreeMembers_stayBalancedAndMoveLittle(int zoneNames) {
    Random random = new Random(271_2024L + zoneNames);
    OwnershipAssigner assigner = new OwnershipAssigner(7);
    List<MemberId> members = new ArrayList<>();
    Map<MemberId, String> zones = new HashMap<>();
    for (int i = 0; i < 3; i++) {
      join(members, zones, zoneNames, random);
    }
    PartitionTable table = PartitionTable.initial(PARTITIONS);
    table = publishAndMigrate(table, Set.of(), assigner.assign(table.ownersArray(), members, zones));

    int joins = 0;
    int leaves = 0;
    long joinMoved = 0;
    long joinIdeal = 0;
    long joinCopies = 0;
    long joinCopiesIdeal = 0;
    long leaveMoved = 0;
    long leaveIdeal = 0;
    long leaveUndisturbed = 0;
    int worstSameZoneExcess = 0;
    for (int step = 1; step <= STEPS; step++) {
      MemberId[][] before = table.ownersArray();
      boolean joining = members.size() <= 2 || (members.size() < 12 && random.nextBoolean());
      MemberId leaver = null;
      if (joining) {
        join(members, zones, zoneNames, random);
      } else {
        leaver = members.remove(random.nextInt(members.size()));
      }
      int n = members.size();

      MemberId[][] after = assigner.assign(before, members, zones);
      AssignmentMetrics m = AssignmentMetrics.of(before, after, members, zones);
      table = publishAndMigrate(table, leaver == null ? Set.of() : Set.of(leaver), after);

      int idealPrimaries = joining ? OwnershipAssignerTest.ceil(PARTITIONS, n) : primariesOf(before, leaver);
      int idealCopies = joining ? OwnershipAssignerTest.ceil(PARTITIONS * m.replicas(), n) : replicasOf(before, leaver);
      LOG.info(
          "step {} {} N={} R={}: primaries moved {} (ideal {}), undisturbed moved {}, new replicas {}"
              + " (ideal {}), spread per slot {} total {}, same-zone pairs {} (least possible {})",
          step, joining ? "join " : "leave", n, m.replicas(), m.primariesMoved(), idealPrimaries,
          m.undisturbedPrimariesMoved(), m.newReplicas(), idealCopies, m.maxSlotSpread(),
          m.totalSpread(), m.sameZonePairs(), m.sameZoneLowerBound());

      assertThat(m.maxSlotSpread()).as("step %d per-slot spread", step).isLessThanOrEqualTo(1);
      assertThat(m.totalSpread()).as("step %d total spread", step).isLessThanOrEqualTo(1);
      assertThat(m.sameZoneExcess()).as("step %d same-zone excess", step).isLessThanOrEqualTo(OwnershipAssignerPropertiesTest.zoneExcessBound(PARTITIONS, m.replicas()));
      boolean zoned = zoneNames > 0;
      boolean few = m.replicas() <= 3;
      if (joining) {
        joins++;
        joinMoved += m.primariesMoved();
        joinIdeal += idealPrimaries;
        joinCopies += m.newReplicas();
        joinCopiesIdeal += idealCopies;
        assertThat(m.primariesMoved()).as("step %d join", step)
            .isLessThanOrEqualTo(OwnershipAssignerPropertiesTest.joinPrimaryBound(PARTITIONS, n, zoned, few));
        assertThat(m.newReplicas()).as("step %d join copies", step)
            .isLessThanOrEqualTo(OwnershipAssignerPropertiesTest.joinCopyBound(PARTITIONS, m.replicas(), n, zoned, few));
      } else {
        leaves++;
        leaveMoved += m.primariesMoved();
        leaveIdeal += idealPrimaries;
        leaveUndisturbed += m.undisturbedPrimariesMoved();
        assertThat(m.promotionViolations()).as("step %d promotion rule", step).isZero();
        assertThat(m.undisturbedPrimariesMoved()).as("step %d leave", step)
            .isLessThanOrEqualTo(OwnershipAssignerPropertiesTest.leaveUndisturbedBound(PARTITIONS, n, zoned, few));
      }
      worstSameZoneExcess = Math.max(worstSameZoneExcess, m.sameZoneExcess());
    }

    LOG.info(
        "{} joins: {} primaries moved (ideal sum of ceil(P/N): {}), {} new replicas (ideal {});"
            + " {} leaves: {} primaries moved (leavers held {}), {} undisturbed primaries moved;"
            + " worst same-zone excess {}",
        joins, joinMoved, joinIdeal, joinCopies, joinCopiesIdeal, leaves, leaveMoved, leaveIdeal,
        leaveUndisturbed, worstSameZoneExcess);
    assertThat(joinMoved).isLessThanOrEqualTo(joinIdeal + (zoneNames > 0 ? 2L * joins : joins));
    assertThat(table.version()).isEqualTo(2L * (STEPS + 1));
  }

  /**
   * What the coordinator does: drop the departed, publish the new owners as targets (next
   * version), then, once every migration finished, publish the committed table (next version).
   */
  private static PartitionTable publishAndMigrate(PartitionTable table, Set<MemberId> gone, MemberId[][] owners) {
    PartitionTable published = table.withoutMembers(gone).withTargets(owners).withVersion(table.version() + 1);
    PartitionTable committed = published;
    for (int p = 0; p < owners.length; p++) {
      if (committed.isMigrating(p)) {
        committed = committed.commitTarget(p);
      }
    }
    for (int p = 0; p < owners.length; p++) {
      assertThat(committed.owners(p)).containsExactly(owners[p]);
    }
    return committed.withVersion(published.version() + 1);
  }

  private static void join(List<MemberId> members, Map<MemberId, String> zones, int zoneNames, Random random) {
    MemberId a = MemberId.random();
    members.add(a);
    if (zoneNames > 0) {
      zones.put(a, "zone-" + random.nextInt(zoneNames));
    }
  }

  private static int primariesOf(MemberId[][] owners, MemberId member) {
    return (int) Arrays.stream(owners).filter(row -> row.length > 0 && row[0].equals(member)).count();
  }

  private static int replicasOf(MemberId[][] owners, MemberId member) {
    return (int) Arrays.stream(owners).filter(row -> Arrays.asList(row).contains(member)).count();
  }
}
