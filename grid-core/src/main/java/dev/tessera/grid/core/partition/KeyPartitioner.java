package dev.tessera.grid.core.partition;

import java.util.Objects;

/**
 * Maps the serialized bytes of a key to one of a fixed number of partitions.
 *
 * <p>The mapping is {@code floorMod(murmur3_32(keyBytes, seed 0), partitionCount)}. It depends only on
 * the bytes and the partition count, never on {@code Object.hashCode()}, the JVM or the platform, so
 * every member computes the same partition for the same key (DESIGN.md, "The partition table").
 * Keys must therefore serialize to the same bytes on every JVM.
 *
 * <p>Thread-safety: immutable; safe to share. {@link #partitionOf} does not allocate and does not
 * block.
 */
public final class KeyPartitioner {

  private static final int C1 = 0xcc9e2d51;
  private static final int C2 = 0x1b873593;

  private final int partitionCount;

  /**
   * @param partitionCount the number of partitions P, fixed for the cluster's life
   * @throws IllegalArgumentException if {@code partitionCount < 1}
   */
  public KeyPartitioner(int partitionCount) {
    if (partitionCount < 1) {
      throw new IllegalArgumentException(
          "partitionCount must be at least 1 but was " + partitionCount);
    }
    this.partitionCount = partitionCount;
  }

  /** Returns the number of partitions P. */
  public int partitionCount() {
    return partitionCount;
  }

  /**
   * Returns the partition of a key, in {@code [0, partitionCount)}.
   *
   * @param keyBytes the serialized key; not modified
   * @throws NullPointerException if {@code keyBytes} is null
   */
  public int partitionOf(byte[] keyBytes) {
    Objects.requireNonNull(keyBytes, "keyBytes");
    return Math.floorMod(murmur3_32(keyBytes, 0, keyBytes.length, 0), partitionCount);
  }

  /**
   * MurmurHash3 x86_32 (Austin Appleby's reference {@code MurmurHash3_x86_32}) of {@code
   * data[offset, offset + length)}. Little-endian block reads, as in the reference, so the result is
   * the same on every platform. Does not allocate.
   *
   * @throws IndexOutOfBoundsException if the range is outside {@code data}
   */
  public static int murmur3_32(byte[] data, int offset, int length, int seed) {
    Objects.checkFromIndexSize(offset, length, data.length);
    int h1 = seed;
    int blockEnd = offset + (length & ~3);
    for (int i = offset; i < blockEnd; i += 4) {
      int k1 =
          (data[i] & 0xff)
              | (data[i + 1] & 0xff) << 8
              | (data[i + 2] & 0xff) << 16
              | (data[i + 3] & 0xff) << 24;
      h1 ^= mixK1(k1);
      h1 = Integer.rotateLeft(h1, 13);
      h1 = h1 * 5 + 0xe6546b64;
    }
    int tail = length & 3;
    if (tail != 0) {
      int k1 = 0;
      if (tail == 3) {
        k1 ^= (data[blockEnd + 2] & 0xff) << 16;
      }
      if (tail >= 2) {
        k1 ^= (data[blockEnd + 1] & 0xff) << 8;
      }
      k1 ^= data[blockEnd] & 0xff;
      h1 ^= mixK1(k1);
    }
    h1 ^= length;
    return fmix32(h1);
  }

  private static int mixK1(int k1) {
    k1 *= C1;
    k1 = Integer.rotateLeft(k1, 15);
    return k1 * C2;
  }

  private static int fmix32(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  @Override
  public String toString() {
    return "KeyPartitioner[murmur3_32 mod " + partitionCount + "]";
  }
}
