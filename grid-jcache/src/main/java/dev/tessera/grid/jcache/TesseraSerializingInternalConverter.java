/**
 *  Copyright 2011-2013 Terracotta, Inc.
 *  Copyright 2011-2013 Oracle America Incorporated
 *
 *  Licensed under the Apache License, Version 2.0 (the "License");
 *  you may not use this file except in compliance with the License.
 *  You may obtain a copy of the License at
 *
 *      http://www.apache.org/licenses/LICENSE-2.0
 *
 *  Unless required by applicable law or agreed to in writing, software
 *  distributed under the License is distributed on an "AS IS" BASIS,
 *  WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 *  See the License for the specific language governing permissions and
 *  limitations under the License.
 */

package dev.tessera.grid.jcache;

import javax.cache.CacheException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.lang.ref.WeakReference;
import java.util.Arrays;

/**
 * An {@link TesseraInternalConverter} that converts values to and from their
 * serialized representation.
 *
 * @param <T> the type of value to serialize
 * @author Brian Oliver
 */
class TesseraSerializingInternalConverter<T> implements TesseraInternalConverter<T> {

  /**
   * The {@link ClassLoader} to use for locating classes to serialize/deserialize.
   * <p>
   * This is a WeakReference to prevent ClassLoader memory leaks.
   * </p>
   */
  private WeakReference<ClassLoader> classLoaderReference;

  /**
   * Constructs a {@link TesseraSerializingInternalConverter}.
   *
   * @param classLoader the {@link ClassLoader} to use for locating classes
   *                    when deserializing
   */
  public TesseraSerializingInternalConverter(ClassLoader classLoader, SerialFilter filter) {

    this.classLoaderReference = new WeakReference<ClassLoader>(classLoader);
    this.filter = filter;
  }

  /** What bytes read back from the grid may contain (they are untrusted). */
  private final SerialFilter filter;

  /**
   * Gets the {@link ClassLoader} that will be used to locate classes
   * during serialization and deserialization.
   *
   * @return the {@link ClassLoader}
   */
  public ClassLoader getClassLoader() {
    return classLoaderReference.get();
  }

  /**
   * {@inheritDoc}
   */
  @Override
  public Object toInternal(T value) {
    return new Serialized<T>(value);
  }

  /**
   * {@inheritDoc}
   */
  @Override
  @SuppressWarnings("unchecked") // Java serialization returns Object; the cache's type check follows the read
  public T fromInternal(Object internal) {
    if (internal == null) {
      return null;
    } else if (internal instanceof Serialized) {
      return (T) ((Serialized) internal).deserialize(getClassLoader(), filter);
    } else {
      throw new IllegalArgumentException("internal value is not a Serialized instance [" + internal + "]");
    }
  }

  /**
   * A container for a serialized object.
   *
   * @param <V> the type of value that was serialized
   */
  static final class Serialized<V> {

    /**
     * The serialized form of the value.
     */
    private final byte[] bytes;

    /**
     * The hashcode of the value.
     */
    private final int hashCode;

    /** Wraps bytes read from the grid; equal to the Serialized they were taken from. */
    static Serialized<Object> ofBytes(byte[] bytes) {
      return new Serialized<Object>(bytes, true);
    }

    private Serialized(byte[] bytes, boolean raw) {
      this.bytes = bytes;
      this.hashCode = Arrays.hashCode(bytes);
    }

    byte[] bytes() {
      return bytes;
    }

    /**
     * Constructs a {@link Serialized} representation of a value.
     * Equality and hash code are those of the serialized bytes, so that a copy read back from the
     * grid (on any JVM) equals the original.
     *
     * @param value the value to be serialized (in a serialized form)
     */
    Serialized(V value) {
      if (value == null) {
        this.hashCode = 0;
        this.bytes = null;
      } else {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try {
          ObjectOutputStream oos = new ObjectOutputStream(bos);
          oos.writeObject(value);
          bos.flush();
          this.bytes = bos.toByteArray();
          this.hashCode = Arrays.hashCode(this.bytes);
        } catch (IOException e) {
          throw new IllegalArgumentException("Failed to serialize: " + value + " due to " + e.getMessage(), e);
        } finally {
          try {
            bos.close();
          } catch (IOException e) {
            // eat this up
          }
        }
      }
    }

    /**
     * Deserialize the {@link Serialized} value.
     *
     * @param classLoader the {@link ClassLoader} to use for resolving classes
     */
    @SuppressWarnings("unchecked") // Java serialization returns Object; a wrong type fails at the caller's use
    public V deserialize(ClassLoader classLoader, SerialFilter filter) {
      SerialFilter.Stream guard = filter.forStream(bytes.length);
      try (ByteArrayInputStream bos = new ByteArrayInputStream(bytes);
           ObjectInputStream ois = new CustomizedClassLoaderObjectInputStream(bos, classLoader)) {
        ois.setObjectInputFilter(guard);
        //this must fail if the types are incompatible
        return (V) ois.readObject();
      } catch (IOException | ClassNotFoundException | RuntimeException e) {
        if (guard.refused() != null) {
          throw new SerialFilter.RefusedException("Refused to deserialize " + bytes.length + " bytes read from the grid: "
              + guard.refused() + " (" + filter + ")", e);
        }
        if (e instanceof ClassNotFoundException) {
          throw new CacheException("Failed to resolve a deserialized class: " + e.getMessage(), e);
        }
        throw new CacheException("Failed to deserialize: " + e.getMessage(), e);
      }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean equals(Object object) {
      if (this == object) {
        return true;
      }
      if (object == null) {
        return false;
      }
      if (!(object instanceof Serialized)) {
        return false;
      }
      Serialized<?> serialized = (Serialized<?>) object;
      if (!Arrays.equals(bytes, serialized.bytes)) {
        return false;
      }
      if (hashCode != serialized.hashCode) {
        return false;
      }
      return true;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public int hashCode() {
      return hashCode;
    }
  }

  /**
   * An {@link ObjectInputStream} that uses a specific {@link ClassLoader}.
   */
  private static final class CustomizedClassLoaderObjectInputStream extends ObjectInputStream {

    /**
     * The {@link ClassLoader} to use.
     */
    private final ClassLoader classloader;

    /**
     * Constructs a {@link CustomizedClassLoaderObjectInputStream}.
     *
     * @param in          the {@link InputStream}
     * @param classloader the {@link ClassLoader}
     * @throws IOException should the stream not be created
     */
    private CustomizedClassLoaderObjectInputStream(InputStream in, ClassLoader classloader) throws IOException {
      super(in);
      this.classloader = classloader;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      String name = desc.getName();
      try {
        return Class.forName(name, false, classloader);
      } catch (ClassNotFoundException ex) {
        return super.resolveClass(desc);
      }
    }
  }
}
