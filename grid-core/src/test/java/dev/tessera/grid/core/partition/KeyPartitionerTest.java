package dev.tessera.grid.core.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeyPartitionerTest {

  /**
   * Reference values of MurmurHash3_x86_32 (Appleby's SMHasher; also Guava's {@code
   * murmur3_32_fixed}, against which this implementation was checked on 100,000 random inputs).
   */
  @ParameterizedTest(name = "\"{0}\" seed {1} -> {2}")
  @CsvSource({
    "'', 0x00000000, 0x00000000",
    "'', 0x00000001, 0x514e28b7",
    "'', 0xffffffff, 0x81f16f39",
    "hello, 0x00000000, 0x248bfa47",
    "hello, 0x00000001, 0xbb4abcad",
    "The quick brown fox jumps over the lazy dog, 0x00000000, 0x2e4ff723",
    "The quick brown fox jumps over the lazy dog, 0x9747b28c, 0x2fa826cd",
    "a, 0x00000000, 0x3c2569b2",
    "ab, 0x00000000, 0x9bbfd75f",
    "abc, 0x00000000, 0xb3dd93fa",
    "abcd, 0x00000000, 0x43ed676a",
    "abcde, 0x00000000, 0xe89b9af6",
  })
  void murmur3_knownVectors_match(String input, String seed, String expected) {
    byte[] bytes = input.getBytes(StandardCharsets.UTF_8);

    int hash = KeyPartitioner.murmur3_32(bytes, 0, bytes.length, Integer.parseUnsignedInt(seed.substring(2), 16));

    assertThat(hash).isEqualTo(Integer.parseUnsignedInt(expected.substring(2), 16));
  }

  @Test
  void murmur3_offsetAndLength_hashOnlyTheRange() {
    byte[] padded = "xxhelloyy".getBytes(StandardCharsets.UTF_8);

    assertThat(KeyPartitioner.murmur3_32(padded, 2, 5, 0)).isEqualTo(0x248bfa47);
  }

  @Test
  void murmur3_rangeOutsideArray_throws() {
    assertThatThrownBy(() -> KeyPartitioner.murmur3_32(new byte[4], 2, 3, 0))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void partitionOf_isFloorModOfTheHash() {
    KeyPartitioner partitioner = new KeyPartitioner(271);
    byte[] key = "The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.UTF_8);

    assertThat(partitioner.partitionOf(key)).isEqualTo(Math.floorMod(0x2e4ff723, 271));
  }

  @Property
  void partitionOf_isInRangeAndStable(
      @ForAll @Size(max = 64) byte[] key, @ForAll @IntRange(min = 1, max = 4096) int partitions) {
    KeyPartitioner partitioner = new KeyPartitioner(partitions);

    int p = partitioner.partitionOf(key);

    assertThat(p).isBetween(0, partitions - 1);
    assertThat(new KeyPartitioner(partitions).partitionOf(key.clone())).isEqualTo(p);
  }

  @Test
  void partitionOf_spreadsKeysEvenly() {
    KeyPartitioner partitioner = new KeyPartitioner(271);
    int[] counts = new int[271];
    int keys = 271_000;
    for (int i = 0; i < keys; i++) {
      counts[partitioner.partitionOf(("key-" + i).getBytes(StandardCharsets.UTF_8))]++;
    }
    // 1000 expected per partition; a fair hash stays within ~5 standard deviations (sqrt(1000) ~ 32)
    assertThat(java.util.Arrays.stream(counts).min().getAsInt()).isGreaterThanOrEqualTo(840);
    assertThat(java.util.Arrays.stream(counts).max().getAsInt()).isLessThanOrEqualTo(1160);
  }

  @Test
  void constructor_partitionCountBelowOne_throws() {
    assertThatThrownBy(() -> new KeyPartitioner(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("partitionCount must be at least 1 but was 0");
  }

  @Test
  void partitionOf_doesNotAllocate() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "allocation counter unavailable");
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
    assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
    KeyPartitioner partitioner = new KeyPartitioner(271);
    byte[] key = "some-serialized-key-bytes".getBytes(StandardCharsets.UTF_8);
    long sink = 0;
    for (int i = 0; i < 200_000; i++) {
      sink += partitioner.partitionOf(key);
    }
    long thread = Thread.currentThread().getId();

    long before = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < 1_000_000; i++) {
      sink += partitioner.partitionOf(key);
    }
    long allocated = threads.getThreadAllocatedBytes(thread) - before;

    // one allocation per call would be >= 16 MB; the counter itself may cost a few hundred bytes
    assertThat(allocated).as("bytes allocated by 1,000,000 calls (sink %d)", sink).isLessThan(16_384);
  }
}
