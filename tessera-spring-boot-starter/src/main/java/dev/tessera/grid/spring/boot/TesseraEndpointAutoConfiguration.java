package dev.tessera.grid.spring.boot;

import dev.tessera.grid.Grid;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code tessera} actuator endpoint; expose it like any other
 * ({@code management.endpoints.web.exposure.include=health,tessera}).
 */
@AutoConfiguration(after = TesseraAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBean(Grid.class)
public class TesseraEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public TesseraEndpoint tesseraEndpoint(Grid grid) {
        return new TesseraEndpoint(grid);
    }
}
