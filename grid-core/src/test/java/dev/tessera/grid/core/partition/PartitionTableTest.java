package dev.tessera.grid.core.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import dev.tessera.grid.membership.MemberId;
import org.junit.jupiter.api.Test;

class PartitionTableTest {

  private final MemberId a = MemberId.random();
  private final MemberId b = MemberId.random();
  private final MemberId c = MemberId.random();
  private final MemberId d = MemberId.random();

  @Test
  void initial_hasNoOwnersAndVersionZero() {
    PartitionTable table = PartitionTable.initial(271);

    assertThat(table.version()).isZero();
    assertThat(table.partitionCount()).isEqualTo(271);
    assertThat(table.primary(0)).isNull();
    assertThat(table.owners(270)).isEmpty();
    assertThat(table.members()).isEmpty();
    assertThat(table.migratingCount()).isZero();
  }

  @Test
  void accessors_reportOwnersSlotsAndTargets() {
    PartitionTable table =
        new PartitionTable(
            7, new MemberId[][] {{a, b, c}, {b, c}}, new MemberId[][] {null, {b, d}});

    assertThat(table.primary(0)).isEqualTo(a);
    assertThat(table.owners(0)).containsExactly(a, b, c);
    assertThat(table.slotOf(0, c)).isEqualTo(2);
    assertThat(table.slotOf(1, a)).isEqualTo(-1);
    assertThat(table.isMigrating(0)).isFalse();
    assertThat(table.target(0)).isEmpty();
    assertThat(table.isMigrating(1)).isTrue();
    assertThat(table.target(1)).containsExactly(b, d);
    assertThat(table.targetSlotOf(1, d)).isEqualTo(1);
    assertThat(table.targetSlotOf(0, d)).isEqualTo(-1);
    assertThat(table.migratingCount()).isEqualTo(1);
    assertThat(table.members()).containsExactly(a, b, c, d);
  }

  @Test
  void constructor_copiesItsArrays() {
    MemberId[][] owners = {{a, b}};
    MemberId[][] targets = {{b, c}};
    PartitionTable table = new PartitionTable(1, owners, targets);

    owners[0][0] = d;
    targets[0][1] = d;

    assertThat(table.owners(0)).containsExactly(a, b);
    assertThat(table.target(0)).containsExactly(b, c);
  }

  @Test
  void constructor_targetEqualToOwnersOrEmpty_meansNotMigrating() {
    PartitionTable table =
        new PartitionTable(1, new MemberId[][] {{a, b}, {c}}, new MemberId[][] {{a, b}, {}});

    assertThat(table.migratingCount()).isZero();
    assertThat(table.isMigrating(0)).isFalse();
  }

  @Test
  void constructor_memberTwiceInARow_throws() {
    assertThatThrownBy(() -> new PartitionTable(1, new MemberId[][] {{a, b, a}}, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("owners[0] holds")
        .hasMessageContaining("twice");
  }

  @Test
  void constructor_badShapes_throw() {
    assertThatThrownBy(() -> new PartitionTable(1, new MemberId[0][], null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("partitionCount must be in [1, 65536] but was 0");
    assertThatThrownBy(() -> new PartitionTable(1, new MemberId[2][], new MemberId[3][]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("targets has 3 rows but owners has 2");
    assertThatThrownBy(() -> new PartitionTable(-1, new MemberId[2][], null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version must be >= 0 but was -1");
  }

  @Test
  void withoutMembers_promotesTheFirstSurvivingBackup() {
    PartitionTable table =
        new PartitionTable(
            3,
            new MemberId[][] {{a, b, c}, {b, a, c}, {c, d}, {c, d}},
            new MemberId[][] {{a, b, d}, null, {c, d, a}, {a, c}});

    PartitionTable after = table.withoutMembers(Set.of(a));

    assertThat(after.version()).isEqualTo(3);
    assertThat(after.owners(0)).containsExactly(b, c);
    assertThat(after.primary(0)).isEqualTo(b);
    assertThat(after.owners(1)).containsExactly(b, c);
    assertThat(after.target(0)).as("a target that loses members stays a target").containsExactly(b, d);
    assertThat(after.target(2)).as("target shrunk to the owners: nothing left to migrate").isEmpty();
    assertThat(after.target(3)).as("shrunk target still differs from the owners").containsExactly(c);
    assertThat(after.members()).doesNotContain(a);
  }

  @Test
  void withoutMembers_lastReplicaGone_leavesPartitionWithoutOwner() {
    PartitionTable table = new PartitionTable(1, new MemberId[][] {{a}}, null);

    assertThat(table.withoutMembers(Set.of(a)).primary(0)).isNull();
  }

  @Test
  void commitTarget_makesTargetTheOwners() {
    PartitionTable table =
        new PartitionTable(4, new MemberId[][] {{a, b}, {c}}, new MemberId[][] {{c, a}, null});

    PartitionTable committed = table.commitTarget(0);

    assertThat(committed.owners(0)).containsExactly(c, a);
    assertThat(committed.isMigrating(0)).isFalse();
    assertThat(committed.migratingCount()).isZero();
    assertThat(committed.version()).isEqualTo(4);
    assertThat(table.owners(0)).as("original unchanged").containsExactly(a, b);
  }

  @Test
  void commitTarget_notMigrating_throws() {
    PartitionTable table = new PartitionTable(4, new MemberId[][] {{a, b}}, null);

    assertThatThrownBy(() -> table.commitTarget(0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("partition 0 is not migrating");
  }

  @Test
  void withTargets_replacesAllTargets() {
    PartitionTable table =
        new PartitionTable(2, new MemberId[][] {{a, b}, {b, a}}, new MemberId[][] {{b, a}, null});

    PartitionTable retargeted = table.withTargets(new MemberId[][] {{a, b}, {a, c}});

    assertThat(retargeted.isMigrating(0)).isFalse();
    assertThat(retargeted.target(1)).containsExactly(a, c);
    assertThatThrownBy(() -> table.withTargets(new MemberId[1][]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("newTargets has 1 rows but the table has 2");
  }

  @Test
  void withVersion_changesOnlyTheVersion() {
    PartitionTable table = new PartitionTable(2, new MemberId[][] {{a, b}}, new MemberId[][] {{b}});

    PartitionTable next = table.withVersion(3);

    assertThat(next.version()).isEqualTo(3);
    assertThat(next.owners(0)).isEqualTo(table.owners(0));
    assertThat(next.target(0)).isEqualTo(table.target(0));
    assertThat(next).isNotEqualTo(table).isEqualTo(table.withVersion(3));
  }

  @Test
  void equalsAndHashCode_dependOnVersionOwnersAndTargets() {
    PartitionTable one = new PartitionTable(5, new MemberId[][] {{a, b}}, new MemberId[][] {{b, a}});
    PartitionTable same = new PartitionTable(5, new MemberId[][] {{a, b}}, new MemberId[][] {{b, a}});
    PartitionTable otherTarget = new PartitionTable(5, new MemberId[][] {{a, b}}, null);

    assertThat(one).isEqualTo(same).hasSameHashCodeAs(same).isNotEqualTo(otherTarget);
    assertThat(one.toString()).isEqualTo("PartitionTable[v5, P=1, members=2, migrating=1]");
  }

  @Test
  void ownersArray_isACopy() {
    PartitionTable table = new PartitionTable(1, new MemberId[][] {{a, b}, null}, null);

    MemberId[][] owners = table.ownersArray();
    owners[0][0] = c;

    assertThat(owners[1]).isEmpty();
    assertThat(table.primary(0)).isEqualTo(a);
  }

  @Test
  void codec_writesEachAddressOnce() throws IOException {
    List<MemberId> members = List.of(a, b, c, d);
    MemberId[][] owners = new MemberId[271][];
    for (int p = 0; p < owners.length; p++) {
      owners[p] =
          new MemberId[] {members.get(p % 4), members.get((p + 1) % 4), members.get((p + 2) % 4)};
    }
    PartitionTable table = new PartitionTable(9, owners, null);

    byte[] bytes = write(table);

    // 4 UUIDs of ~17 bytes, then 271 * (1 + 3 + 1) bytes of counts and indexes
    assertThat(bytes.length).isLessThan(14 + 4 * 20 + 271 * 5 + 1);
    assertThat(read(bytes)).isEqualTo(table);
  }

  @Property(tries = 200)
  void codec_roundTripsRandomTables(
      @ForAll @IntRange(min = 1, max = 1100) int partitions,
      @ForAll @IntRange(min = 0, max = 12) int memberCount,
      @ForAll long seed)
      throws IOException {
    PartitionTable table = randomTable(partitions, memberCount, new Random(seed));

    PartitionTable decoded = read(write(table));

    assertThat(decoded).isEqualTo(table);
    assertThat(decoded.members()).containsExactlyElementsOf(table.members());
  }

  @Test
  void codec_malformedInput_isRejectedWithIoException() throws IOException {
    PartitionTable table = new PartitionTable(1, new MemberId[][] {{a, b}}, null);
    byte[] bytes = write(table);

    byte[] wrongFormat = bytes.clone();
    wrongFormat[0] = 99;
    assertThatThrownBy(() -> read(wrongFormat))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("unknown partition table format 99");

    byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 1);
    assertThatThrownBy(() -> read(truncated)).isInstanceOf(IOException.class);

    byte[] badIndex = bytes.clone();
    badIndex[bytes.length - 2] = 5; // second owner index of partition 0 -> out of range
    assertThatThrownBy(() -> read(badIndex))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("refers to address 5 of 2");

    byte[] repeated = bytes.clone();
    repeated[bytes.length - 2] = repeated[bytes.length - 3]; // a twice in one row
    assertThatThrownBy(() -> read(repeated))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("malformed partition table");

    ByteArrayOutputStream hostile = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(hostile);
    out.writeByte(PartitionTable.CODEC_FORMAT);
    out.writeLong(1);
    PartitionTable.writeVarInt(out, Integer.MAX_VALUE);
    assertThatThrownBy(() -> read(hostile.toByteArray()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("partition count 2147483647 outside [1, 65536]");
  }

  @Test
  void targetEpoch_isTheVersionThatSetTheTarget_andNewWhenTheSameTargetComesBack() throws IOException {
    MemberId[][] owners = {{a}, {a}};
    PartitionTable v1 = new PartitionTable(1, owners, new MemberId[][] {{a, b}, {a, c}});
    PartitionTable v2 =
        new PartitionTable(2, owners, new MemberId[][] {{a, c}, {a, c}}).withTargetEpochsOf(v1);
    PartitionTable v3 =
        new PartitionTable(3, owners, new MemberId[][] {{a, b}, {a, c}}).withTargetEpochsOf(v2);

    assertThat(List.of(v1.targetEpoch(0), v1.targetEpoch(1))).containsExactly(1L, 1L);
    assertThat(List.of(v2.targetEpoch(0), v2.targetEpoch(1))).containsExactly(2L, 1L);
    assertThat(v3.target(0)).isEqualTo(v1.target(0));
    assertThat(List.of(v3.targetEpoch(0), v3.targetEpoch(1))).containsExactly(3L, 1L);
    assertThat(v3).isNotEqualTo(v1.withVersion(3));
    assertThat(read(write(v3))).isEqualTo(v3);
    assertThat(read(write(v3)).targetEpoch(1)).isEqualTo(1L);
    assertThat(v3.withVersion(4).targetEpoch(1)).isEqualTo(1L);
    assertThat(v3.commitTarget(1).targetEpoch(1)).isZero();
    assertThat(v3.withFreshTargetEpochs().targetEpoch(1)).isEqualTo(3L);
    PartitionTable otherOwners =
        new PartitionTable(4, new MemberId[][] {{a}, {d}}, new MemberId[][] {{a, b}, {a, c}})
            .withTargetEpochsOf(v3);
    assertThat(otherOwners.targetEpoch(0)).as("unchanged owners and target").isEqualTo(3L);
    assertThat(otherOwners.targetEpoch(1)).as("the owners changed").isEqualTo(4L);
    assertThat(v3.withoutMembers(Set.of(c)).targetEpoch(0)).isEqualTo(3L);
  }

  @Test
  void codec_targetEpochAboveTheVersion_isRejected() throws IOException {
    byte[] bytes = write(new PartitionTable(5, new MemberId[][] {{a}}, new MemberId[][] {{a, b}}));
    bytes[8] = 3; // the version's last byte: version 3, epoch 5
    assertThatThrownBy(() -> read(bytes))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("target epoch 5 above the table version 3");
  }

  private static PartitionTable randomTable(int partitions, int memberCount, Random random) {
    List<MemberId> members = new ArrayList<>();
    for (int i = 0; i < memberCount; i++) {
      members.add(MemberId.random());
    }
    MemberId[][] owners = new MemberId[partitions][];
    MemberId[][] targets = new MemberId[partitions][];
    for (int p = 0; p < partitions; p++) {
      owners[p] = randomRow(members, random);
      targets[p] = random.nextInt(4) == 0 ? randomRow(members, random) : null;
    }
    int version = random.nextInt(1000);
    // stamped later than set: the targets' epochs stay below the version
    return new PartitionTable(version, owners, targets).withVersion(version + random.nextInt(3));
  }

  private static MemberId[] randomRow(List<MemberId> members, Random random) {
    List<MemberId> shuffled = new ArrayList<>(members);
    java.util.Collections.shuffle(shuffled, random);
    return shuffled.subList(0, random.nextInt(Math.min(7, members.size()) + 1)).toArray(MemberId[]::new);
  }

  private static byte[] write(PartitionTable table) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    table.writeTo(new DataOutputStream(bytes));
    return bytes.toByteArray();
  }

  private static PartitionTable read(byte[] bytes) throws IOException {
    return PartitionTable.readFrom(new DataInputStream(new ByteArrayInputStream(bytes)));
  }
}
