package dev.tessera.grid.jcache;

import java.io.ObjectInputFilter;
import java.util.Properties;
import javax.cache.CacheException;

/**
 * What a JCache cache accepts when it Java-deserializes keys, values and entry processors that it
 * reads from the grid: any member (or anyone who can write the map) can place bytes there, so
 * they are untrusted input.
 *
 * <p>Always: nesting at most {@value #DEFAULT_MAX_DEPTH} deep (property {@value #MAX_DEPTH}), and no
 * array or reference count larger than the stream's length in bytes (a real array needs at least one
 * byte per element; a hostile header announcing 2^31 elements would otherwise be allocated before
 * its elements are read). Optionally, property {@value #PATTERN} in JDK filter syntax
 * ({@link ObjectInputFilter.Config#createFilter}, e.g. {@code java.lang.*;java.util.*;com.example.**}):
 * a class the pattern does not allow is refused (arrays of primitives are always allowed). The
 * JVM-wide filter ({@code jdk.serialFilter}), if set, still applies.
 */
public final class SerialFilter {
  /** Property (manager, then system) with the class allow-list, JDK filter syntax. */
  public static final String PATTERN = "tessera.jcache.serialFilter";
  /** Property (manager, then system) with the maximum nesting depth. */
  public static final String MAX_DEPTH = "tessera.jcache.serialMaxDepth";
  public static final int DEFAULT_MAX_DEPTH = 100;

  /** Bounds only: what a member uses for bytes it did not get through a configured manager. */
  static final SerialFilter DEFAULT = new SerialFilter(null, DEFAULT_MAX_DEPTH);

  private final String pattern;
  private final ObjectInputFilter allowList;
  private final int maxDepth;

  SerialFilter(String pattern, int maxDepth) {
    if (maxDepth < 1) {
      throw new IllegalArgumentException(MAX_DEPTH + " must be at least 1, was " + maxDepth);
    }
    this.pattern = pattern == null || pattern.isBlank() ? null : pattern.trim();
    try {
      this.allowList = this.pattern == null ? null : ObjectInputFilter.Config.createFilter(this.pattern);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(PATTERN + " is not a valid JDK filter pattern (" + e.getMessage()
          + "): " + this.pattern, e);
    }
    this.maxDepth = maxDepth;
  }

  /**
   * The filter in {@code properties}, else in the system properties.
   *
   * @throws IllegalArgumentException naming the property, if a value is not valid
   */
  public static SerialFilter from(Properties properties) {
    String pattern = read(properties, PATTERN);
    String depth = read(properties, MAX_DEPTH);
    int maxDepth;
    try {
      maxDepth = depth == null ? DEFAULT_MAX_DEPTH : Integer.parseInt(depth.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(MAX_DEPTH + " must be a whole number, was " + depth, e);
    }
    return new SerialFilter(pattern, maxDepth);
  }

  private static String read(Properties properties, String key) {
    Object v = properties == null ? null : properties.get(key);
    return v != null ? v.toString() : System.getProperty(key);
  }

  /** A filter for one stream of {@code length} bytes; it remembers why it refused. */
  Stream forStream(int length) {
    return new Stream(length);
  }

  /** Thrown when bytes read from the grid are refused: they were not written by this provider's rules. */
  public static final class RefusedException extends CacheException {
    private static final long serialVersionUID = 1L;

    RefusedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The filter of one stream. */
  final class Stream implements ObjectInputFilter {
    private final int length;
    private String refused;

    private Stream(int length) {
      this.length = length;
    }

    /** Why the stream was refused, or {@code null}. */
    String refused() {
      return refused;
    }

    @Override
    public Status checkInput(FilterInfo info) {
      if (info.depth() > maxDepth) {
        return refuse("objects nested more than " + maxDepth + " deep (" + MAX_DEPTH + ")");
      }
      if (info.arrayLength() > length) {
        return refuse("an array of " + info.arrayLength() + " elements in a stream of " + length + " bytes");
      }
      if (info.references() > length) {
        return refuse("more than " + length + " object references in a stream of " + length + " bytes");
      }
      ObjectInputFilter global = ObjectInputFilter.Config.getSerialFilter();
      if (global != null && global.checkInput(info) == Status.REJECTED) {
        return refuse("rejected by the JVM-wide filter (jdk.serialFilter)"
            + (info.serialClass() == null ? "" : ": " + info.serialClass().getName()));
      }
      Class<?> type = info.serialClass();
      if (allowList == null || type == null) {
        return Status.UNDECIDED;
      }
      Status status = allowList.checkInput(info);
      if (status == Status.ALLOWED) {
        return status;
      }
      Class<?> base = type;
      while (base.isArray()) {
        base = base.getComponentType();
      }
      if (status == Status.UNDECIDED && base.isPrimitive()) {
        return Status.ALLOWED;
      }
      return refuse("class " + type.getName() + " is not allowed by " + PATTERN + "=" + pattern);
    }

    private Status refuse(String why) {
      if (refused == null) {
        refused = why;
      }
      return Status.REJECTED;
    }
  }

  @Override
  public String toString() {
    return "SerialFilter[maxDepth=" + maxDepth + (pattern == null ? "" : ", " + pattern) + "]";
  }
}
