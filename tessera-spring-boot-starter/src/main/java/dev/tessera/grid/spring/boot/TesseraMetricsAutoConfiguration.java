package dev.tessera.grid.spring.boot;

import dev.tessera.grid.Grid;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The grid's Micrometer meters ({@code dev.tessera:grid-micrometer}) when the application has Micrometer and that
 * module: a {@link MeterBinder} bean, which Spring Boot binds to every meter registry. Named, not referenced, so the
 * starter needs neither at compile time.
 */
@AutoConfiguration(after = TesseraAutoConfiguration.class)
@ConditionalOnClass(name = {"io.micrometer.core.instrument.binder.MeterBinder", TesseraMetricsAutoConfiguration.BINDER})
@ConditionalOnBean(Grid.class)
public class TesseraMetricsAutoConfiguration {
    static final String BINDER = "dev.tessera.grid.micrometer.TesseraMetrics";

    @Bean
    @ConditionalOnMissingBean(name = "tesseraMetrics")
    public MeterBinder tesseraMetrics(Grid grid) throws ReflectiveOperationException {
        Class<?> type = Class.forName(BINDER, true, TesseraMetricsAutoConfiguration.class.getClassLoader());
        return (MeterBinder) type.getConstructor(Grid.class).newInstance(grid);
    }
}
