package dev.tessera.grid.spring.boot;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** A small application as a user writes it: auto-configuration, caching, one cached service. */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
@EnableCaching
class TestApp {

    /** A value type of the application, stored in the grid once registered (tessera.registered-types). */
    public record Quote(String symbol, long cents) {}

    /** Counts how often it really computes: a cache hit does not reach it. */
    public static class QuoteService {
        private final AtomicInteger computed = new AtomicInteger();

        /** How often {@link #quote} ran (a method: the caching proxy has no state of its own). */
        public int computed() {
            return computed.get();
        }

        @Cacheable("quotes")
        public Quote quote(String symbol) {
            computed.incrementAndGet();
            return new Quote(symbol, 100L * symbol.length());
        }
    }

    @Bean
    QuoteService quoteService() {
        return new QuoteService();
    }

    /** Starts the application with these properties (no web server, no JVM shutdown hook: the test closes it). */
    static ConfigurableApplicationContext start(String... properties) {
        List<String> all = new ArrayList<>(List.of(
                "tessera.registered-types=" + Quote.class.getName(),
                "tessera.failure-detection-timeout=2s",
                "spring.main.banner-mode=off", "logging.level.root=WARN", "logging.level.dev.tessera=INFO"));
        all.addAll(List.of(properties));
        return new SpringApplicationBuilder(TestApp.class).web(WebApplicationType.NONE).registerShutdownHook(false)
                .properties(all.toArray(String[]::new)).run();
    }

    /** A port {@code p} with {@code p .. p + count - 1} free on 127.0.0.1 now (other builds share the machine). */
    static int freePorts(int count) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int p = ThreadLocalRandom.current().nextInt(20_000, 40_000);
            if (allFree(p, count)) {
                return p;
            }
        }
        throw new IllegalStateException("no " + count + " free consecutive ports found");
    }

    private static boolean allFree(int first, int count) {
        for (int p = first; p < first + count; p++) {
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
            } catch (IOException taken) {
                return false;
            }
        }
        return true;
    }
}
