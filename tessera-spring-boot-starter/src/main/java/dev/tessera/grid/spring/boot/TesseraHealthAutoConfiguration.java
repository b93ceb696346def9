package dev.tessera.grid.spring.boot;

import dev.tessera.grid.Grid;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/** The {@code tessera} health indicator (management.health.tessera.enabled, default on). */
@AutoConfiguration(after = TesseraAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnBean(Grid.class)
public class TesseraHealthAutoConfiguration {

    /** The condition on the method, not the class: its condition class is only loaded once the health module is present. */
    @Bean
    @ConditionalOnEnabledHealthIndicator("tessera")
    @ConditionalOnMissingBean(name = "tesseraHealthIndicator")
    public TesseraHealthIndicator tesseraHealthIndicator(Grid grid) {
        return new TesseraHealthIndicator(grid);
    }
}
