package dev.tessera.grid.spring.boot;

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridBuilder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * A Tessera member from the {@code tessera.*} properties. The context closes it when it shuts down (Spring does on
 * SIGTERM), after the beans that use it: {@link Grid#close()} hands its partitions over before the JVM exits, bounded
 * by {@code tessera.leave-timeout}.
 */
@AutoConfiguration
@ConditionalOnClass(Grid.class)
@ConditionalOnBooleanProperty(name = "tessera.enabled", matchIfMissing = true)
@EnableConfigurationProperties(TesseraProperties.class)
public class TesseraAutoConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public Grid tesseraGrid(TesseraProperties properties, ObjectProvider<TesseraGridCustomizer> customizers) {
        GridBuilder builder = GridPropertiesMapper.apply(properties, Grid.builder());
        customizers.orderedStream().forEach(c -> c.customize(builder));
        GridPropertiesMapper.validate(builder);
        return builder.start();
    }

    @Bean
    @ConditionalOnMissingBean
    public GridMaps tesseraGridMaps(Grid grid, TesseraProperties properties) {
        return new GridMaps(grid, GridPropertiesMapper.mapConfigs(properties));
    }
}
