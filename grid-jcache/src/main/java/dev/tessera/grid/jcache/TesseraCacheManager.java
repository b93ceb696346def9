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

import dev.tessera.grid.Grid;
import dev.tessera.grid.GridMap;

import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.spi.CachingProvider;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The reference implementation of the {@link CacheManager}.
 *
 * @author Yannis Cosmadopoulos
 * @author Brian Oliver
 * @since 1.0
 */
public class TesseraCacheManager implements CacheManager {

  private static final Logger LOGGER = Logger.getLogger("javax.cache");
  private final HashMap<String, TesseraCache<?, ?>> caches = new HashMap<String, TesseraCache<?, ?>>();

  private final CachingProvider cachingProvider;
  /** Tells the provider that this manager closed (its map of managers by class loader and URI). */
  private final java.util.function.BiConsumer<URI, ClassLoader> release;

  private final URI uri;
  private final WeakReference<ClassLoader> classLoaderReference;
  private final Properties properties;

  private volatile boolean isClosed;

  /**
   * Constructs a new TesseraCacheManager with the specified name.
   *
   * @param cachingProvider the CachingProvider that created the CacheManager
   * @param release         called with this manager's URI and class loader once it closed
   * @param uri             the name of this cache manager
   * @param classLoader     the ClassLoader that should be used in converting values into Java Objects.
   * @param properties      the vendor specific Properties for the CacheManager
   * @throws NullPointerException if the URI and/or classLoader is null.
   */
  private final GridLease gridLease;

  public TesseraCacheManager(CachingProvider cachingProvider, java.util.function.BiConsumer<URI, ClassLoader> release, URI uri,
                             ClassLoader classLoader, Properties properties, GridLease gridLease) {
    this.gridLease = gridLease;
    this.cachingProvider = cachingProvider;
    this.release = release;

    if (uri == null) {
      throw new NullPointerException("No CacheManager URI specified");
    }
    this.uri = uri;

    if (classLoader == null) {
      throw new NullPointerException("No ClassLoader specified");
    }
    this.classLoaderReference = new WeakReference<ClassLoader>(classLoader);

    //
    this.properties = new Properties();
    if (properties != null) {
      for (Map.Entry<Object, Object> e : properties.entrySet()) {
        this.properties.put(e.getKey(), e.getValue());
      }
    }

    //this.properties = properties == null ? new Properties() : new Properties(properties);

    isClosed = false;
  }

  /**
   * {@inheritDoc}
   */
  @Override
  public CachingProvider getCachingProvider() {
    return cachingProvider;
  }

  /**
   * {@inheritDoc}
   */
  @Override
  public synchronized void close() {
    if (!isClosed()) {
      //first releaseCacheManager the CacheManager from the CacheProvider so that
      //future requests for this CacheManager won't return this one
      release.accept(getURI(), getClassLoader());

      isClosed = true;

      ArrayList<Cache<?, ?>> cacheList;
      synchronized (caches) {
        cacheList = new ArrayList<Cache<?, ?>>(caches.values());
        caches.clear();
      }
      for (Cache<?, ?> cache : cacheList) {
        try {
          cache.close();
        } catch (Exception e) {
          getLogger().log(Level.WARNING, "Error stopping cache: " + cache, e);
        }
      }
    }
  }

  /**
   * {@inheritDoc}
   */
  @Override
  public boolean isClosed() {
    return isClosed;
  }

  /**
   * {@inheritDoc}
   */
  @Override
  public URI getURI() {
    return uri;
  }

  /**
   * {@inheritDoc}
   */
  @Override
  public Properties getProperties() {
    return properties;
  }

  /**
   * {@inheritDoc}
   */
  @Override
  public ClassLoader getClassLoader() {
    return classLoaderReference.get();
  }

  /**
   * {@inheritDoc}
   */
  @Override
  public <K, V, C extends Configuration<K, V>> Cache<K, V> createCache(String cacheName, C configuration) {
    if (isClosed()) {
      throw new IllegalStateException();
    }

    if (cacheName == null) {
      throw new NullPointerException("cacheName must not be null");
    }

    if (configuration == null) {
      throw new NullPointerException("configuration must not be null");
    }

    synchronized (caches) {
      TesseraCache<?, ?> cache = caches.get(cacheName);

      if (cache == null) {
        TesseraCache<K, V> created = new TesseraCache<>(this, cacheName, getClassLoader(), configuration,
            name -> gridLease.map(uri, name));
        caches.put(created.getName(), created);

        return created;
      } else {
        throw new CacheException("A cache named " + cacheName + " already exists.");
      }
    }
  }

  /**
   * {@inheritDoc}
   */
  @Override
  public <K, V> Cache<K, V> getCache(String cacheName, Class<K> keyType, Class<V> valueType) {
    if (isClosed()) {
      throw new IllegalStateException();
    }

    if (keyType == null) {
      throw new NullPointerException("keyType can not be null");
    }

    if (valueType == null) {
      throw new NullPointerException("valueType can not be null");
    }

    synchronized (caches) {
      TesseraCache<?, ?> cache = caches.get(cacheName);

      if (cache == null) {
        return null;
      } else {
        Configuration<?, ?> configuration = cache.completeConfiguration();

        if (configuration.getKeyType() != null &&
            configuration.getKeyType().equals(keyType)) {

          if (configuration.getValueType() != null &&
              configuration.getValueType().equals(valueType)) {

            return typed(cache); // its configured types are K and V, checked just above
          } else {
            throw new ClassCastException("Incompatible cache value types specified, expected " +
                configuration.getValueType() + " but " + valueType + " was specified");
          }
        } else {
          throw new ClassCastException("Incompatible cache key types specified, expected " +
              configuration.getKeyType() + " but " + keyType + " was specified");
        }
      }
    }
  }

  /**
   * {@inheritDoc}
   */
  @Override
  public <K, V> Cache<K, V> getCache(String cacheName) {
    if (isClosed()) {
      throw new IllegalStateException();
    }
    synchronized (caches) {
      TesseraCache<?, ?> cache = caches.get(cacheName);
      return cache == null ? null : typed(cache); // JSR-107: this lookup does not check the types
    }
  }

  @SuppressWarnings("unchecked")
  private static <K, V> Cache<K, V> typed(TesseraCache<?, ?> cache) {
    return (Cache<K, V>) cache;
  }

  /**
   * {@inheritDoc}
   */
  @Override
  public Iterable<String> getCacheNames() {
    if (isClosed()) {
      throw new IllegalStateException();
    }
    synchronized (caches) {
      HashSet<String> set = new HashSet<String>();
      for (Cache<?, ?> cache : caches.values()) {
        set.add(cache.getName());
      }
      return Collections.unmodifiableSet(set);
    }
  }

  /**
   * {@inheritDoc}
   */
  public void destroyCache(String cacheName) {
    if (isClosed()) {
      throw new IllegalStateException();
    }
    if (cacheName == null) {
      throw new NullPointerException();
    }

    Cache<?, ?> cache;
    synchronized (caches) {
      cache = caches.get(cacheName);
    }

    if (cache != null) {
      cache.close();
    }
    //the entries live in the grid, on every member: drop them there too
    if (gridLease.gridIfStarted() != null) {
      gridLease.map(uri, cacheName).destroy();
    }
  }

  /**
   * Releases the Cache with the specified name from being managed by
   * this CacheManager.
   *
   * @param cacheName the name of the Cache to releaseCacheManager
   */
  void releaseCache(String cacheName) {
    if (cacheName == null) {
      throw new NullPointerException();
    }
    synchronized (caches) {
      caches.remove(cacheName);
    }
  }

  /**
   * {@inheritDoc}
   */
  @Override
  public void enableStatistics(String cacheName, boolean enabled) {
    if (isClosed()) {
      throw new IllegalStateException();
    }
    if (cacheName == null) {
      throw new NullPointerException();
    }
    ((TesseraCache) caches.get(cacheName)).setStatisticsEnabled(enabled);
  }

  /**
   * {@inheritDoc}
   */
  @Override
  public void enableManagement(String cacheName, boolean enabled) {
    if (isClosed()) {
      throw new IllegalStateException();
    }
    if (cacheName == null) {
      throw new NullPointerException();
    }
    ((TesseraCache) caches.get(cacheName)).setManagementEnabled(enabled);
  }

  @Override
  public <T> T unwrap(java.lang.Class<T> cls) {
    if (cls.isAssignableFrom(getClass())) {
      return cls.cast(this);
    }
    if (cls.isAssignableFrom(Grid.class)) {
      return cls.cast(gridLease.grid());
    }

    throw new IllegalArgumentException("Unwapping to " + cls + " is not a supported by this implementation");
  }

  /**
   * Obtain the logger.
   *
   * @return the logger.
   */
  Logger getLogger() {
    return LOGGER;
  }
}
