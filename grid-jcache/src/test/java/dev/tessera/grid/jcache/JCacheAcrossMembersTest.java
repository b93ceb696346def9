package dev.tessera.grid.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.GridMap;
import dev.tessera.grid.Member;
import java.io.Serializable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.MutableEntry;
import org.junit.jupiter.api.Test;

/** What the TCK cannot see: several members using one JCache cache. */
class JCacheAcrossMembersTest {

  @Test
  void aCacheWrittenOnOneMemberIsReadOnAnother() {
    try (JCacheCluster cluster = new JCacheCluster(2)) {
      Cache<String, Long> writer = cluster.manager(0).createCache("orders", new MutableConfiguration<String, Long>());
      Cache<String, Long> reader = cluster.manager(1).createCache("orders", new MutableConfiguration<String, Long>());
      Map<String, Long> written = new HashMap<>();
      for (long i = 0; i < 200; i++) {
        written.put("order-" + i, i * 7);
      }
      writer.putAll(written);
      writer.remove("order-13");
      written.remove("order-13");

      Map<String, Long> read = new HashMap<>();
      reader.forEach(e -> read.put(e.getKey(), e.getValue()));
      assertThat(read).isEqualTo(written);
      assertThat(reader.get("order-42")).isEqualTo(294L);
      assertThat(reader.containsKey("order-13")).isFalse();

      // the keys really are spread over both members: reads of half of them crossed the network
      @SuppressWarnings("unchecked")
      GridMap<byte[], byte[]> map = reader.unwrap(GridMap.class);
      Set<Member> owners = new HashSet<>();
      for (Map.Entry<byte[], byte[]> e : map.entrySet()) {
        owners.add(map.ownerOf(e.getKey()));
      }
      assertThat(owners).hasSize(2);
      assertThat(map.size()).isEqualTo(199);
    }
  }

  /** Adds one to a Long entry and counts its own runs. */
  static final class Increment implements EntryProcessor<String, Long, Long>, Serializable {
    private static final long serialVersionUID = 1L;
    static final AtomicLong RUNS = new AtomicLong();

    @Override
    public Long process(MutableEntry<String, Long> entry, Object... arguments) {
      RUNS.incrementAndGet();
      long next = (entry.exists() ? entry.getValue() : 0L) + 1;
      entry.setValue(next);
      return next;
    }
  }

  @Test
  void invokeIsAtomicUnderThreeMembersAndFourThreadsEach() throws Exception {
    int members = 3;
    int threads = 4;
    int perThread = 150;
    try (JCacheCluster cluster = new JCacheCluster(members)) {
      ExecutorService pool = Executors.newFixedThreadPool(members * threads);
      try {
        CountDownLatch start = new CountDownLatch(1);
        java.util.List<Future<Set<Long>>> results = new java.util.ArrayList<>();
        for (int m = 0; m < members; m++) {
          Cache<String, Long> cache = cluster.manager(m).createCache("counters", new MutableConfiguration<String, Long>());
          for (int t = 0; t < threads; t++) {
            results.add(pool.submit(() -> {
              start.await();
              Set<Long> seen = new HashSet<>();
              for (int i = 0; i < perThread; i++) {
                seen.add(cache.invoke("hot", new Increment()));
              }
              return seen;
            }));
          }
        }
        Increment.RUNS.set(0);
        start.countDown();
        Set<Long> allResults = new HashSet<>();
        long returned = 0;
        for (Future<Set<Long>> f : results) {
          Set<Long> seen = f.get(5, TimeUnit.MINUTES);
          returned += seen.size();
          allResults.addAll(seen);
        }
        int calls = members * threads * perThread;
        Cache<String, Long> any = cluster.manager(1).getCache("counters");
        // every call applied exactly once: the final count, and each call saw a distinct value 1..calls
        assertThat(any.get("hot")).isEqualTo((long) calls);
        assertThat(returned).isEqualTo(calls);
        assertThat(allResults).hasSize(calls).contains(1L, (long) calls);
        // the processor ran at the key's primary, once per call: no compare-and-set retries
        System.out.printf("invoke on one key, %d members x %d threads: %d calls, %d processor runs (%.2f per call)%n",
            members, threads, calls, Increment.RUNS.get(), Increment.RUNS.get() / (double) calls);
        assertThat(Increment.RUNS.get()).isEqualTo(calls);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void aProcessorThatCannotTravelRunsOnTheCaller() {
    try (JCacheCluster cluster = new JCacheCluster(2)) {
      Cache<String, Long> cache = cluster.manager(0).createCache("local", new MutableConfiguration<String, Long>());
      for (int i = 0; i < 20; i++) {
        String key = "k" + i; // half of them owned by the other member
        // a lambda is not Serializable: it cannot be sent to the key's primary
        EntryProcessor<String, Long, Long> add = (entry, args) -> {
          entry.setValue((entry.exists() ? entry.getValue() : 0L) + 5);
          return entry.getValue();
        };
        assertThat(cache.invoke(key, add)).isEqualTo(5L);
        assertThat(cache.invoke(key, add)).isEqualTo(10L);
      }
      assertThat(cluster.manager(1).createCache("local", new MutableConfiguration<String, Long>()).get("k3")).isEqualTo(10L);
    }
  }

  @Test
  void withoutTheProviderTypesRegisteredInvokeAndExpiryStillWork() {
    String cluster = "jcache-plain-" + java.util.UUID.randomUUID();
    java.util.List<dev.tessera.grid.Grid> grids = new java.util.ArrayList<>();
    TesseraCachingProviderHolder holder = new TesseraCachingProviderHolder();
    try {
      for (int i = 0; i < 2; i++) {
        grids.add(dev.tessera.grid.Grid.builder().clusterName(cluster).transport(dev.tessera.grid.Transport.inProcess()).start());
      }
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
          .until(() -> grids.get(0).members().size() == 2);
      java.util.Properties props = new java.util.Properties();
      props.put(dev.tessera.grid.jcache.spi.GridSettings.GRID, grids.get(0));
      Cache<String, Long> cache = holder.provider.getCacheManager(JCacheCluster.URI, getClass().getClassLoader(), props)
          .createCache("plain", new MutableConfiguration<String, Long>().setExpiryPolicyFactory(
              javax.cache.expiry.CreatedExpiryPolicy.factoryOf(new javax.cache.expiry.Duration(TimeUnit.MILLISECONDS, 200))));
      Increment.RUNS.set(0);
      for (int i = 0; i < 20; i++) {
        assertThat(cache.invoke("k" + i, new Increment())).isEqualTo(1L);
      }
      assertThat(Increment.RUNS.get()).isEqualTo(20); // on the caller, no conflicts here
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> cache.get("k3") == null);
    } finally {
      holder.provider.close();
      grids.forEach(dev.tessera.grid.Grid::close);
    }
  }

  private static final class TesseraCachingProviderHolder {
    final dev.tessera.grid.jcache.spi.TesseraCachingProvider provider = new dev.tessera.grid.jcache.spi.TesseraCachingProvider();
  }
}
