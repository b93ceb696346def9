package dev.tessera.grid.spring.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a refused {@code tessera.*} property into Spring Boot's "APPLICATION FAILED TO START" description and action. */
class InvalidTesseraPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidTesseraPropertyException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidTesseraPropertyException cause) {
        return new FailureAnalysis("The Tessera member could not be configured: " + cause.getMessage(),
                "Fix the property " + cause.getProperty() + " (application.properties/yaml, environment or command line).",
                cause);
    }
}
