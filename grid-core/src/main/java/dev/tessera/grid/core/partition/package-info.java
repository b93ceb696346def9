/**
 * Who owns which key: the partition table (DESIGN.md, "The partition table", invariants T1–T4).
 *
 * <ul>
 *   <li>{@link dev.tessera.grid.core.partition.KeyPartitioner}: serialized key bytes to one of P
 *       partitions by MurmurHash3 x86_32, the same on every JVM.
 *   <li>{@link dev.tessera.grid.core.partition.PartitionTable}: an immutable, versioned table of
 *       owners (primary first) and pending migration targets per partition, with a compact binary
 *       form.
 *   <li>{@link dev.tessera.grid.core.partition.OwnershipAssigner}: the pure function the view
 *       coordinator runs on every view change, (previous owners, members, zones) to new owners;
 *       its Javadoc explains what it optimises and how.
 * </ul>
 *
 * <p>The tests measure T1–T4 as numbers ({@code AssignmentMetrics}) in unit tests, jqwik
 * properties over random join/leave sequences, and a seeded simulator that logs every step.
 */
package dev.tessera.grid.core.partition;
