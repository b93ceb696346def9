package dev.tessera.grid.spring.boot;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cache.CacheManager;
import org.springframework.context.annotation.Bean;

/**
 * A {@link TesseraCacheManager} unless the application defines its own {@link CacheManager}; ahead of Spring Boot's
 * cache auto-configuration, which then backs off. {@code @EnableCaching} is still the application's to declare.
 */
@AutoConfiguration(after = TesseraAutoConfiguration.class,
        beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration")
@ConditionalOnClass(CacheManager.class)
@ConditionalOnBean(GridMaps.class)
@ConditionalOnBooleanProperty(name = "tessera.cache.enabled", matchIfMissing = true)
public class TesseraCacheAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(CacheManager.class)
    public TesseraCacheManager cacheManager(GridMaps maps, TesseraProperties properties) {
        return new TesseraCacheManager(maps, properties.getCache().getNames(), properties.getCache().isFixedNames());
    }
}
