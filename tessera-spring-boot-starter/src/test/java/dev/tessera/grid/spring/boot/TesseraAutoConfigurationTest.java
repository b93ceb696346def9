package dev.tessera.grid.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridMap;
import dev.tessera.grid.MapConfig;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.util.ClassUtils;

/** The auto-configuration with in-process members: what the properties configure, and how a wrong one fails startup. */
class TesseraAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(TesseraAutoConfiguration.class, TesseraCacheAutoConfiguration.class,
                    TesseraHealthAutoConfiguration.class, TesseraEndpointAutoConfiguration.class,
                    TesseraMetricsAutoConfiguration.class))
            .withPropertyValues("tessera.transport.type=in-process", "tessera.cluster-name=auto-" + UUID.randomUUID());

    @Test
    void propertiesConfigureTheMemberAndItsMaps() {
        runner.withPropertyValues("tessera.member-name=orders-1", "tessera.partition-count=31",
                "tessera.maps.orders.backups=2", "tessera.maps.orders.time-to-live=5m",
                "tessera.maps.orders.max-entries=1000", "tessera.maps.orders.near-cache-max-entries=100",
                "tessera.cache.names=orders", "tessera.cache.fixed-names=true").run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(Grid.class).hasSingleBean(TesseraCacheManager.class);
            Grid grid = ctx.getBean(Grid.class);
            assertThat(grid.localMember().name()).isEqualTo("orders-1");
            assertThat(grid.introspection().partitionTable().partitions()).hasSize(31);
            GridMap<String, String> orders = ctx.getBean(GridMaps.class).map("orders");
            assertThat(orders.config().backups()).isEqualTo(2);
            assertThat(orders.config().timeToLive()).isEqualTo(Duration.ofMinutes(5));
            assertThat(orders.config().eviction().maxEntriesPerMember()).isEqualTo(1000);
            assertThat(orders.config().nearCache().maxEntries()).isEqualTo(100);
            CacheManager caches = ctx.getBean(CacheManager.class);
            assertThat(caches.getCacheNames()).containsExactly("orders");
            assertThat(caches.getCache("other")).isNull(); // fixed names
            caches.getCache("orders").put("k", "v");
            assertThat(orders.get("k")).isEqualTo("v"); // the cache is the map
            assertThat(ctx.getBean(GridMaps.class).configOf("unconfigured")).isEqualTo(MapConfig.defaults());
        });
    }

    @Test
    void cacheLoadsThroughTheGridOnceAndReportsTheLoadersFailure() {
        runner.run(ctx -> {
            org.springframework.cache.Cache cache = ctx.getBean(CacheManager.class).getCache("loaded");
            java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
            assertThat(cache.get("k", () -> "v" + calls.incrementAndGet())).isEqualTo("v1");
            assertThat(cache.get("k", () -> "v" + calls.incrementAndGet())).isEqualTo("v1");
            assertThat(calls.get()).isEqualTo(1);
            java.io.IOException failure = new java.io.IOException("database down");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> cache.get("other", () -> {
                throw failure;
            })).isInstanceOf(org.springframework.cache.Cache.ValueRetrievalException.class).hasRootCause(failure);
            assertThat(cache.get("other")).isNull();
            assertThat(cache.evictIfPresent("k")).isTrue();
            assertThat(cache.get("k")).isNull();
            cache.put("a", "1");
            assertThat(cache.putIfAbsent("a", "2").get()).isEqualTo("1");
            assertThat(cache.invalidate()).isTrue();
            assertThat(cache.get("a")).isNull();
        });
    }

    @Test
    void healthIsUpWhileRunningAndOutOfServiceOnceClosed() {
        runner.run(ctx -> {
            HealthIndicator indicator = ctx.getBean("tesseraHealthIndicator", HealthIndicator.class);
            Health up = indicator.health();
            assertThat(up.getStatus()).isEqualTo(Status.UP);
            assertThat(up.getDetails()).containsEntry("members", 1).containsEntry("safeToStop", true);
            ctx.getBean(Grid.class).map("m").put("k", "v"); // the last copy now lives here
            assertThat(indicator.health().getDetails()).containsEntry("safeToStop", false)
                    .containsKey("notSafeToStopBecause");
            assertThat(indicator.health().getStatus()).isEqualTo(Status.UP); // readiness does not wait for a peer
            ctx.getBean(Grid.class).close();
            assertThat(indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        });
    }

    @Test
    void endpointAnswersSafeToStopWith200Or503() {
        runner.run(ctx -> {
            TesseraEndpoint endpoint = ctx.getBean(TesseraEndpoint.class);
            assertThat(endpoint.check("safe-to-stop").getStatus()).isEqualTo(200);
            ctx.getBean(Grid.class).map("m").put("k", "v");
            var unsafe = endpoint.check("safe-to-stop");
            assertThat(unsafe.getStatus()).isEqualTo(503);
            assertThat(unsafe.getBody()).containsEntry("safe", false).containsEntry("requiredReplicas", 2);
            assertThat(endpoint.check("other").getStatus()).isEqualTo(404);
            assertThat(endpoint.member()).containsEntry("running", true).containsKey("safeToStop");
        });
    }

    @Test
    void theContextClosesTheMember() {
        Grid[] grid = new Grid[1];
        runner.run(ctx -> grid[0] = ctx.getBean(Grid.class));
        assertThat(grid[0].isRunning()).isFalse();
    }

    @Test
    void disabledStartsNothing() {
        runner.withPropertyValues("tessera.enabled=false").run(ctx -> assertThat(ctx).hasNotFailed()
                .doesNotHaveBean(Grid.class).doesNotHaveBean(CacheManager.class).doesNotHaveBean(TesseraHealthIndicator.class));
    }

    @Test
    void anApplicationsOwnCacheManagerWins() {
        runner.withBean(CacheManager.class, ConcurrentMapCacheManager::new).run(ctx -> assertThat(ctx)
                .hasSingleBean(CacheManager.class).doesNotHaveBean(TesseraCacheManager.class).hasSingleBean(Grid.class));
    }

    @Test
    void withoutSpringBootHealthOrActuatorTheirBeansAreLeftOut() {
        runner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health", "org.springframework.boot.actuate"))
                .run(ctx -> assertThat(ctx).hasNotFailed().hasSingleBean(Grid.class)
                        .doesNotHaveBean(TesseraHealthIndicator.class).doesNotHaveBean(TesseraEndpoint.class));
    }

    @Test
    void metricsBinderOnlyWithTheMicrometerModule() {
        assertThat(ClassUtils.isPresent(TesseraMetricsAutoConfiguration.BINDER, null)).as("grid-micrometer in the test class path").isTrue();
        runner.run(ctx -> { // Spring Boot binds every MeterBinder bean to every registry
            assertThat(ctx).hasBean("tesseraMetrics");
            assertThat(ctx.getBean("tesseraMetrics")).isInstanceOf(io.micrometer.core.instrument.binder.MeterBinder.class);
        });
        runner.withClassLoader(new FilteredClassLoader("dev.tessera.grid.micrometer")).run(ctx -> assertThat(ctx).hasNotFailed()
                .doesNotHaveBean("tesseraMetrics"));
        runner.withClassLoader(new FilteredClassLoader("io.micrometer")).run(ctx -> assertThat(ctx).hasNotFailed()
                .doesNotHaveBean("tesseraMetrics"));
    }

    @Test
    void aWrongPropertyFailsStartupNamingIt() {
        assertFailsNaming("tessera.partition-count", "tessera.partition-count=0");
        assertFailsNaming("tessera.maps.orders.backups", "tessera.maps.orders.backups=9");
        assertFailsNaming("tessera.maps.orders.time-to-live", "tessera.maps.orders.time-to-live=0s");
        assertFailsNaming("tessera.leave-timeout", "tessera.leave-timeout=-1s");
        assertFailsNaming("tessera.security.secret", "tessera.security.mode=shared-secret", "tessera.security.secret=short");
        assertFailsNaming("tessera.security.secret-env", "tessera.security.mode=shared-secret",
                "tessera.security.secret-env=TESSERA_TEST_SECRET_THAT_IS_NOT_SET");
        assertFailsNaming("tessera.transport.peers", "tessera.transport.type=tcp", "tessera.transport.peers=10.0.0.5");
        assertFailsNaming("tessera.transport.dns", "tessera.transport.type=tcp", "tessera.transport.dns.query=svc",
                "tessera.transport.dns.record-type=MX");
        // a non-loopback address without a security setting: the message says which properties fix it
        assertFailsNaming("tessera.security.mode", "tessera.transport.type=tcp", "tessera.transport.bind-address=10.1.2.3");
        assertFailsNaming("tessera.transport.jgroups-xml", "tessera.transport.type=jgroups-xml");
    }

    private void assertFailsNaming(String property, String... properties) {
        runner.withPropertyValues(properties).run(ctx -> {
            assertThat(ctx).as(String.join(" ", properties)).hasFailed();
            Throwable failure = ctx.getStartupFailure();
            InvalidTesseraPropertyException cause = find(failure);
            assertThat(cause).as("cause of %s", failure).isNotNull();
            assertThat(cause.getProperty()).isEqualTo(property);
            assertThat(cause.getMessage()).startsWith(property + ": ");
            FailureAnalysis analysis = new InvalidTesseraPropertyFailureAnalyzer().analyze(failure);
            assertThat(analysis.getAction()).contains(property);
        });
    }

    private static InvalidTesseraPropertyException find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InvalidTesseraPropertyException e) {
                return e;
            }
        }
        return null;
    }

}
