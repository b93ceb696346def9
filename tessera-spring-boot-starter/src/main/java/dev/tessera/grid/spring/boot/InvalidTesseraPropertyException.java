package dev.tessera.grid.spring.boot;

/** A {@code tessera.*} property has a value the grid refuses; the message starts with the property's name. */
public class InvalidTesseraPropertyException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String property;

    public InvalidTesseraPropertyException(String property, String problem, Throwable cause) {
        super(property + ": " + problem, cause);
        this.property = property;
    }

    /** The property to fix, e.g. {@code tessera.maps.orders.backups}. */
    public String getProperty() {
        return property;
    }
}
