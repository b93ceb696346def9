package dev.tessera.grid.core.partition;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import dev.tessera.grid.membership.MemberId;

/**
 * An immutable, versioned assignment of partitions to members.
 *
 * <p>For each partition {@code p} the table holds:
 *
 * <ul>
 *   <li>its <em>owners</em>: the members that hold a copy of the partition's data, in replica order:
 *       index 0 is the primary, then the backups in promotion order. A partition may have no owner
 *       (a fresh cluster, or every replica lost).
 *   <li>an optional <em>target</em>: the owner list the partition is migrating to. Members of the
 *       target that are not owners yet receive the partition's data; when the copy is complete the
 *       coordinator publishes a new version with {@link #commitTarget(int)} applied. Until then the
 *       owners stay in charge (DESIGN.md, "Kill during migration").
 *   <li>the target's <em>epoch</em>: the version of the table that set the target. A notice that a
 *       copy is complete names the epoch it copied for, and commits only that epoch: a member that a
 *       table in between left out of the target dropped its copy, so when the same target comes back
 *       it has a new epoch and is copied again ({@link #targetEpoch(int)}).
 * </ul>
 *
 * <p>Normalisation: a target that is empty or equal to the partition's owners is dropped (there is
 * nothing to migrate), so {@link #isMigrating(int)} is true exactly when a data movement is pending.
 * Replica lists never contain {@code null} or the same member twice (invariant T1).
 *
 * <p>Every "with" method returns a new table and keeps the version: the coordinator stamps the next
 * version with {@link #withVersion(long)} before publishing, and members apply tables in version
 * order.
 *
 * <p>Thread-safety: immutable; safe to publish and share without synchronisation. Accessors do not
 * allocate except {@link #toString()}; {@link #members()} is computed once.
 */
public final class PartitionTable {

  /** The largest partition count accepted, also by {@link #readFrom(DataInput)}. */
  public static final int MAX_PARTITION_COUNT = 1 << 16;

  /** First byte of the binary form; bump when the layout changes. */
  static final byte CODEC_FORMAT = 2;

  private final long version;
  private final List<List<MemberId>> owners;
  private final List<List<MemberId>> targets;
  private final long[] targetEpochs;
  private final Set<MemberId> members;
  private final int migratingCount;

  /**
   * Creates a table, copying the arrays.
   *
   * @param version the table version, {@code >= 0}
   * @param owners for each partition its replicas in order (index 0 = primary); a {@code null} or
   *     empty row means no owner
   * @param targets {@code null} for no migration at all, otherwise one row per partition: {@code
   *     null} (or empty, or equal to the owners) when partition {@code p} is not migrating, else the
   *     owner list it migrates to; every target gets {@code version} as its epoch (see {@link
   *     #withTargetEpochsOf(PartitionTable)} to keep the epochs of unchanged targets)
   * @throws IllegalArgumentException if the partition count is outside {@code [1,
   *     MAX_PARTITION_COUNT]}, the arrays' lengths differ, the version is negative, or a row holds a
   *     member twice
   * @throws NullPointerException if {@code owners} or an address in a row is null
   */
  public PartitionTable(long version, MemberId[][] owners, MemberId[][] targets) {
    Objects.requireNonNull(owners, "owners");
    checkPartitionCount(owners.length);
    if (targets != null && targets.length != owners.length) {
      throw new IllegalArgumentException(
          "targets has " + targets.length + " rows but owners has " + owners.length);
    }
    if (version < 0) {
      throw new IllegalArgumentException("version must be >= 0 but was " + version);
    }
    List<List<MemberId>> o = new ArrayList<>(owners.length);
    List<List<MemberId>> t = new ArrayList<>(owners.length);
    for (int p = 0; p < owners.length; p++) {
      List<MemberId> row = replicaList(owners[p], p, "owners");
      List<MemberId> target = replicaList(targets == null ? null : targets[p], p, "targets");
      o.add(row);
      t.add(target.equals(row) ? List.of() : target);
    }
    this.version = version;
    this.owners = Collections.unmodifiableList(o);
    this.targets = Collections.unmodifiableList(t);
    this.targetEpochs = epochs(this.targets, null, version);
    this.members = collectMembers(this.owners, this.targets);
    this.migratingCount = (int) this.targets.stream().filter(l -> !l.isEmpty()).count();
  }

  /**
   * Private fast path for tables derived from an existing one: the rows are already valid. {@code epochs}
   * holds the epoch of each target, or -1 for "set now" (this table's version).
   */
  private PartitionTable(long version, List<List<MemberId>> owners, List<List<MemberId>> targets, long[] epochs) {
    List<List<MemberId>> t = new ArrayList<>(targets.size());
    for (int p = 0; p < owners.size(); p++) {
      List<MemberId> target = targets.get(p);
      t.add(target.equals(owners.get(p)) ? List.of() : target);
    }
    this.version = version;
    this.owners = Collections.unmodifiableList(new ArrayList<>(owners));
    this.targets = Collections.unmodifiableList(t);
    this.targetEpochs = epochs(this.targets, epochs, version);
    this.members = collectMembers(this.owners, this.targets);
    this.migratingCount = (int) this.targets.stream().filter(l -> !l.isEmpty()).count();
  }

  /** 0 for a partition that is not migrating, else the given epoch, or {@code version} where none is given (-1). */
  private static long[] epochs(List<List<MemberId>> targets, long[] given, long version) {
    long[] e = new long[targets.size()];
    for (int p = 0; p < e.length; p++) {
      if (!targets.get(p).isEmpty()) {
        e[p] = given == null || given[p] < 0 ? version : given[p];
      }
    }
    return e;
  }

  /**
   * The table of a cluster before any member owns anything: version 0, no owners, no targets.
   *
   * @throws IllegalArgumentException if {@code partitionCount} is outside {@code [1,
   *     MAX_PARTITION_COUNT]}
   */
  public static PartitionTable initial(int partitionCount) {
    checkPartitionCount(partitionCount);
    return new PartitionTable(0, new MemberId[partitionCount][], null);
  }

  /** The version of this table; members apply tables in increasing version order. */
  public long version() {
    return version;
  }

  /** The number of partitions P. */
  public int partitionCount() {
    return owners.size();
  }

  /** The primary of partition {@code p}, or {@code null} if it has no owner. */
  public MemberId primary(int p) {
    List<MemberId> row = owners.get(p);
    return row.isEmpty() ? null : row.get(0);
  }

  /** The replicas of partition {@code p} in order (index 0 = primary); unmodifiable, maybe empty. */
  public List<MemberId> owners(int p) {
    return owners.get(p);
  }

  /** The owner list partition {@code p} is migrating to; unmodifiable, empty if not migrating. */
  public List<MemberId> target(int p) {
    return targets.get(p);
  }

  /**
   * The epoch of partition {@code p}'s target: the version of the table that set it (0 if not
   * migrating). A copy made for one epoch does not complete another, even for the same target list.
   */
  public long targetEpoch(int p) {
    return targetEpochs[p];
  }

  /** Whether partition {@code p} has a pending target. */
  public boolean isMigrating(int p) {
    return !targets.get(p).isEmpty();
  }

  /** The replica index of {@code a} in partition {@code p}'s owners (0 = primary), or -1. */
  public int slotOf(int p, MemberId a) {
    return owners.get(p).indexOf(a);
  }

  /** The replica index of {@code a} in partition {@code p}'s target, or -1 (also if none). */
  public int targetSlotOf(int p, MemberId a) {
    return targets.get(p).indexOf(a);
  }

  /** The number of partitions with a pending target. */
  public int migratingCount() {
    return migratingCount;
  }

  /**
   * Every address that appears in some owner list or target, in order of first appearance
   * (partition 0's owners, then its target, then partition 1's ...); unmodifiable.
   */
  public Set<MemberId> members() {
    return members;
  }

  /** This table with another version stamp. */
  public PartitionTable withVersion(long newVersion) {
    if (newVersion < 0) {
      throw new IllegalArgumentException("version must be >= 0 but was " + newVersion);
    }
    return new PartitionTable(newVersion, owners, targets, targetEpochs);
  }

  /**
   * This table with {@code previous}'s target epoch for every partition whose owners and target are
   * the same in both, so that a copy in progress for an unchanged target goes on. Other targets keep
   * their epoch here (the coordinator builds a new table's targets with the new version as epoch).
   */
  public PartitionTable withTargetEpochsOf(PartitionTable previous) {
    if (previous.partitionCount() != partitionCount()) {
      throw new IllegalArgumentException(
          "previous has " + previous.partitionCount() + " partitions, this table " + partitionCount());
    }
    long[] e = targetEpochs.clone();
    for (int p = 0; p < e.length; p++) {
      if (isMigrating(p) && targets.get(p).equals(previous.target(p))
          && owners.get(p).equals(previous.owners(p))) {
        e[p] = previous.targetEpoch(p);
      }
    }
    return new PartitionTable(version, owners, targets, e);
  }

  /**
   * This table with its version as the epoch of every target: copies made for any earlier epoch do
   * not count. For a new coordinator, which cannot know every table its predecessor published.
   */
  public PartitionTable withFreshTargetEpochs() {
    return new PartitionTable(version, owners, targets, null);
  }

  /**
   * Removes {@code gone} from every owner list and target, keeping the order of the rest. The
   * first surviving replica of a partition thus becomes its primary: promotion without a copy. A
   * target that loses members stays a target (its migration goes on with the survivors, under this
   * table's version as its epoch) unless it becomes empty or equal to the owners. The version is
   * unchanged.
   */
  public PartitionTable withoutMembers(Set<MemberId> gone) {
    Objects.requireNonNull(gone, "gone");
    if (gone.isEmpty()) {
      return this;
    }
    List<List<MemberId>> o = new ArrayList<>(owners.size());
    List<List<MemberId>> t = new ArrayList<>(owners.size());
    long[] e = new long[owners.size()];
    for (int p = 0; p < owners.size(); p++) {
      o.add(without(owners.get(p), gone));
      t.add(without(targets.get(p), gone));
      e[p] = t.get(p).equals(targets.get(p)) ? targetEpochs[p] : -1;
    }
    return new PartitionTable(version, o, t, e);
  }

  /**
   * Completes partition {@code p}'s migration: its owners become its target, and it has no target.
   * The version is unchanged.
   *
   * @throws IllegalStateException if {@code p} is not migrating
   */
  public PartitionTable commitTarget(int p) {
    List<MemberId> target = targets.get(p);
    if (target.isEmpty()) {
      throw new IllegalStateException("partition " + p + " is not migrating in " + this);
    }
    List<List<MemberId>> o = new ArrayList<>(owners);
    List<List<MemberId>> t = new ArrayList<>(targets);
    o.set(p, target);
    t.set(p, List.of());
    return new PartitionTable(version, o, t, targetEpochs);
  }

  /**
   * This table's owners with other targets (replacing all current targets). Rows that are null,
   * empty or equal to the owners mean "not migrating". A target that changes gets this table's
   * version as its epoch. The version is unchanged.
   *
   * @throws IllegalArgumentException if {@code newTargets} does not have one row per partition or
   *     a row holds a member twice
   */
  public PartitionTable withTargets(MemberId[][] newTargets) {
    Objects.requireNonNull(newTargets, "newTargets");
    if (newTargets.length != owners.size()) {
      throw new IllegalArgumentException(
          "newTargets has " + newTargets.length + " rows but the table has " + owners.size());
    }
    List<List<MemberId>> t = new ArrayList<>(owners.size());
    long[] e = new long[owners.size()];
    for (int p = 0; p < newTargets.length; p++) {
      t.add(replicaList(newTargets[p], p, "newTargets"));
      e[p] = t.get(p).equals(targets.get(p)) ? targetEpochs[p] : -1;
    }
    return new PartitionTable(version, owners, t, e);
  }

  /** The owners as arrays, one row per partition (a copy; rows of length 0 for no owner). */
  public MemberId[][] ownersArray() {
    MemberId[][] result = new MemberId[owners.size()][];
    for (int p = 0; p < result.length; p++) {
      result[p] = owners.get(p).toArray(new MemberId[0]);
    }
    return result;
  }

  // ---------------------------------------------------------------------------------------------
  // Binary codec
  //
  // format byte, version (long), P (varint), A = distinct addresses (varint), A addresses
  // (MemberId.writeTo), then per partition: owner count (varint) + owner indexes (varint),
  // target count (varint, 0 = not migrating) + target indexes (varint) + for a migrating partition
  // its target epoch (varlong, at most the version). Indexes point into the
  // address list, so a 271-partition, 3-backup table of 12 members costs about 12 * 17 + 271 * 6
  // bytes instead of 271 * 4 * 17.
  // ---------------------------------------------------------------------------------------------

  /** Writes this table in the compact binary form read by {@link #readFrom(DataInput)}. */
  public void writeTo(DataOutput out) throws IOException {
    Map<MemberId, Integer> index = new HashMap<>();
    List<MemberId> addresses = new ArrayList<>(members);
    for (int i = 0; i < addresses.size(); i++) {
      index.put(addresses.get(i), i);
    }
    out.writeByte(CODEC_FORMAT);
    out.writeLong(version);
    writeVarInt(out, owners.size());
    writeVarInt(out, addresses.size());
    for (MemberId a : addresses) {
      a.writeTo(out);
    }
    for (int p = 0; p < owners.size(); p++) {
      writeRow(out, owners.get(p), index);
      writeRow(out, targets.get(p), index);
      if (!targets.get(p).isEmpty()) {
        writeVarLong(out, targetEpochs[p]);
      }
    }
  }

  /**
   * Reads a table written by {@link #writeTo(DataOutput)}.
   *
   * @throws IOException if the input is truncated or malformed (unknown format, counts out of range,
   *     an index outside the address list, a member twice in a row); the message says what was wrong
   */
  public static PartitionTable readFrom(DataInput in) throws IOException {
    byte format = in.readByte();
    if (format != CODEC_FORMAT) {
      throw new IOException(
          "unknown partition table format " + format + " (expected " + CODEC_FORMAT + ")");
    }
    long version = in.readLong();
    if (version < 0) {
      throw new IOException("negative partition table version " + version);
    }
    int partitionCount = readVarInt(in);
    if (partitionCount < 1 || partitionCount > MAX_PARTITION_COUNT) {
      throw new IOException(
          "partition count " + partitionCount + " outside [1, " + MAX_PARTITION_COUNT + "]");
    }
    int addressCount = readVarInt(in);
    if (addressCount < 0 || addressCount > MAX_PARTITION_COUNT) {
      throw new IOException(
          "address count " + addressCount + " outside [0, " + MAX_PARTITION_COUNT + "]");
    }
    MemberId[] addresses = new MemberId[addressCount];
    for (int i = 0; i < addressCount; i++) {
      addresses[i] = MemberId.readFrom(in);
      if (addresses[i] == null) {
        throw new IOException("null address at index " + i + " of the partition table");
      }
    }
    MemberId[][] owners = new MemberId[partitionCount][];
    MemberId[][] targets = new MemberId[partitionCount][];
    long[] epochs = new long[partitionCount];
    for (int p = 0; p < partitionCount; p++) {
      owners[p] = readRow(in, addresses, p);
      targets[p] = readRow(in, addresses, p);
      if (targets[p].length > 0) {
        epochs[p] = readVarLong(in);
        if (epochs[p] > version) {
          throw new IOException(
              "partition " + p + " has target epoch " + epochs[p] + " above the table version " + version);
        }
      }
    }
    try {
      PartitionTable t = new PartitionTable(version, owners, targets);
      return new PartitionTable(version, t.owners, t.targets, epochs);
    } catch (IllegalArgumentException e) {
      throw new IOException("malformed partition table: " + e.getMessage(), e);
    }
  }

  private static void writeRow(DataOutput out, List<MemberId> row, Map<MemberId, Integer> index)
      throws IOException {
    writeVarInt(out, row.size());
    for (MemberId a : row) {
      writeVarInt(out, index.get(a));
    }
  }

  private static MemberId[] readRow(DataInput in, MemberId[] addresses, int p) throws IOException {
    int size = readVarInt(in);
    if (size < 0 || size > addresses.length) {
      throw new IOException(
          "partition " + p + " lists " + size + " replicas but the table has "
              + addresses.length + " addresses");
    }
    MemberId[] row = new MemberId[size];
    for (int i = 0; i < size; i++) {
      int idx = readVarInt(in);
      if (idx < 0 || idx >= addresses.length) {
        throw new IOException(
            "partition " + p + " refers to address " + idx + " of " + addresses.length);
      }
      row[i] = addresses[idx];
    }
    return row;
  }

  static void writeVarInt(DataOutput out, int value) throws IOException {
    int v = value;
    while ((v & ~0x7f) != 0) {
      out.writeByte((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.writeByte(v);
  }

  static void writeVarLong(DataOutput out, long value) throws IOException {
    long v = value;
    while ((v & ~0x7fL) != 0) {
      out.writeByte((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.writeByte((int) v);
  }

  /** A non-negative varlong of at most 9 bytes (63 bits). */
  static long readVarLong(DataInput in) throws IOException {
    long result = 0;
    for (int shift = 0; shift < 63; shift += 7) {
      int b = in.readUnsignedByte();
      result |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new IOException("malformed varlong in partition table (more than 9 bytes)");
  }

  static int readVarInt(DataInput in) throws IOException {
    int result = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      int b = in.readUnsignedByte();
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new IOException("malformed varint in partition table (more than 5 bytes)");
  }

  // ---------------------------------------------------------------------------------------------

  private static void checkPartitionCount(int partitionCount) {
    if (partitionCount < 1 || partitionCount > MAX_PARTITION_COUNT) {
      throw new IllegalArgumentException(
          "partitionCount must be in [1, " + MAX_PARTITION_COUNT + "] but was " + partitionCount);
    }
  }

  private static List<MemberId> replicaList(MemberId[] row, int p, String what) {
    if (row == null || row.length == 0) {
      return List.of();
    }
    for (int i = 0; i < row.length; i++) {
      Objects.requireNonNull(row[i], () -> what + "[" + p + "] holds null");
      for (int j = 0; j < i; j++) {
        if (row[j].equals(row[i])) {
          throw new IllegalArgumentException(
              what + "[" + p + "] holds " + row[i] + " twice: " + Arrays.toString(row));
        }
      }
    }
    return List.of(row);
  }

  private static List<MemberId> without(List<MemberId> row, Set<MemberId> gone) {
    for (MemberId a : row) {
      if (gone.contains(a)) {
        List<MemberId> kept = new ArrayList<>(row.size());
        for (MemberId b : row) {
          if (!gone.contains(b)) {
            kept.add(b);
          }
        }
        return List.copyOf(kept);
      }
    }
    return row;
  }

  private static Set<MemberId> collectMembers(
      List<List<MemberId>> owners, List<List<MemberId>> targets) {
    Set<MemberId> all = new LinkedHashSet<>();
    for (int p = 0; p < owners.size(); p++) {
      all.addAll(owners.get(p));
      all.addAll(targets.get(p));
    }
    return Collections.unmodifiableSet(all);
  }

  @Override
  public boolean equals(Object o) {
    return this == o
        || (o instanceof PartitionTable other
            && version == other.version
            && owners.equals(other.owners)
            && targets.equals(other.targets)
            && Arrays.equals(targetEpochs, other.targetEpochs));
  }

  @Override
  public int hashCode() {
    return Objects.hash(version, owners, targets, Arrays.hashCode(targetEpochs));
  }

  /** A short summary: version, partition count, member count, partitions migrating. */
  @Override
  public String toString() {
    return "PartitionTable[v" + version + ", P=" + owners.size() + ", members=" + members.size()
        + ", migrating=" + migratingCount + "]";
  }
}
