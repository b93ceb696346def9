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

import dev.tessera.grid.GridMap;
import dev.tessera.grid.jcache.event.TesseraCacheEntryEvent;
import dev.tessera.grid.jcache.event.TesseraCacheEntryListenerRegistration;
import dev.tessera.grid.jcache.event.TesseraCacheEventDispatcher;
import dev.tessera.grid.jcache.management.MBeanServerRegistrationUtility;
import dev.tessera.grid.jcache.management.TesseraCacheMXBean;
import dev.tessera.grid.jcache.management.TesseraCacheStatisticsMXBean;
import dev.tessera.grid.jcache.processor.EntryProcessorEntry;
import dev.tessera.grid.jcache.processor.MutableEntryOperation;
import dev.tessera.grid.jcache.processor.TesseraEntryProcessorResult;

import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.integration.CompletionListener;
import javax.cache.management.CacheMXBean;
import javax.cache.management.CacheStatisticsMXBean;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import static javax.cache.event.EventType.CREATED;
import static javax.cache.event.EventType.EXPIRED;
import static javax.cache.event.EventType.REMOVED;
import static javax.cache.event.EventType.UPDATED;
import static dev.tessera.grid.jcache.management.MBeanServerRegistrationUtility.ObjectNameType.Configuration;
import static dev.tessera.grid.jcache.management.MBeanServerRegistrationUtility.ObjectNameType.Statistics;

/**
 * The reference implementation for JSR107.
 * <p>
 * This is meant to act as a proof of concept for the API. It is not threadsafe or
 * high performance and does limit
 * the size of caches or provide eviction. It therefore is not suitable for use in
 * production. Please use a
 * production implementation of the API.
 * </p>
 *
 * @param <K> the type of keys maintained by this map
 * @param <V> the type of mapped values*
 * @author Brian Oliver
 * @author Greg Luck
 * @author Yannis Cosmadopoulos
 */
public final class TesseraCache<K, V> implements Cache<K, V> {

  /**
   * The name of the {@link Cache} as used with in the scope of the
   * Cache Manager.
   */
  private final String cacheName;

  /**
   * The {@link CacheManager} that created this implementation
   */
  private final TesseraCacheManager cacheManager;

  /**
   * The {@link Configuration} for the {@link Cache}.
   */
  private final MutableConfiguration<K, V> configuration;

  /**
   * The {@link CacheLoader} for the {@link Cache}.
   */
  private CacheLoader<K, V> cacheLoader;

  /**
   * The {@link CacheWriter} for the {@link Cache}.
   */
  private CacheWriter<K, V> cacheWriter;

  /**
   * The {@link TesseraInternalConverter} for keys.
   */
  private final TesseraInternalConverter<K> keyConverter;

  /**
   * The {@link TesseraInternalConverter} for values.
   */
  private final TesseraInternalConverter<V> valueConverter;

  /**
   * The {@link TesseraInternalMap} used to store cache entries, keyed by the
   * internal representation of a key.
   */
  private final TesseraInternalMap<Object, TesseraCachedValue> entries;

  /**
   * The {@link ExpiryPolicy} for the {@link Cache}.
   */
  private final ExpiryPolicy expiryPolicy;

  /** See {@link #ownerDurations()}; null: {@code invoke} runs on the caller. */
  private final long[] ownerDurations;

  /**
   * The {@link dev.tessera.grid.jcache.event.TesseraCacheEntryListenerRegistration}s for the
   * {@link Cache}.
   */
  private final CopyOnWriteArrayList<TesseraCacheEntryListenerRegistration<K,
      V>> listenerRegistrations;

  /**
   * The open/closed state of the Cache.
   */
  private volatile boolean isClosed;

  private final TesseraCacheMXBean<K, V> cacheMXBean;
  private final TesseraCacheStatisticsMXBean statistics;

  /**
   * A {@link LockManager} to control concurrent access to cache entries.
   */
  private final LockManager<K> lockManager = new LockManager<K>();

  /**
   * An {@link ExecutorService} for the purposes of performing asynchronous
   * background work.
   */
  private final ExecutorService executorService = Executors.newFixedThreadPool(1);


  


  /**
   * Constructs a cache.
   *
   * @param cacheManager  the CacheManager that's creating the TesseraCache
   * @param cacheName     the name of the Cache
   * @param classLoader   the ClassLoader the TesseraCache will use for loading classes
   * @param configuration the Configuration of the Cache
   */
  TesseraCache(TesseraCacheManager cacheManager,
          String cacheName,
          ClassLoader classLoader,
          Configuration<K, V> configuration,
          java.util.function.Function<String, GridMap<byte[], byte[]>> gridMaps) {

    this.cacheManager = cacheManager;
    this.cacheName = cacheName;

    //we make a copy of the configuration here so that the provided one
    //may be changed and or used independently for other caches.  we do this
    //as we don't know if the provided configuration is mutable
    if (configuration instanceof CompleteConfiguration) {
      //support use of CompleteConfiguration
      this.configuration = new MutableConfiguration<K, V>((CompleteConfiguration<K, V>) configuration);
    } else {
      //support use of Basic Configuration
      MutableConfiguration<K, V> mutableConfiguration = new MutableConfiguration<>();
      mutableConfiguration.setStoreByValue(configuration.isStoreByValue());
      mutableConfiguration.setTypes(configuration.getKeyType(), configuration.getValueType());
      this.configuration = new MutableConfiguration<K, V>(mutableConfiguration);
    }

    if (this.configuration.getCacheLoaderFactory() != null) {
      cacheLoader = this.configuration.getCacheLoaderFactory().create();
    }
    if (this.configuration.getCacheWriterFactory() != null) {
      cacheWriter = narrow(this.configuration.getCacheWriterFactory().create());
    }
    // bytes read back from the grid are untrusted: bounded, and limited to the configured classes
    SerialFilter serialFilter = SerialFilter.from(cacheManager.getProperties());
    keyConverter = this.configuration.isStoreByValue() ?
        new TesseraSerializingInternalConverter<K>(classLoader, serialFilter) :
        new TesseraReferenceInternalConverter<K>();

    valueConverter = this.configuration.isStoreByValue() ?
        new TesseraSerializingInternalConverter<V>(classLoader, serialFilter) :
        new TesseraReferenceInternalConverter<V>();

    expiryPolicy = this.configuration.getExpiryPolicyFactory().create();

    // store-by-value entries live in the grid; references cannot leave this JVM, so they stay here
    entries = this.configuration.isStoreByValue()
        ? new GridInternalMap(gridMaps.apply(cacheName))
        : new TesseraSimpleInternalMap<Object, TesseraCachedValue>();

    ownerDurations = ownerDurations();

    listenerRegistrations = new
        CopyOnWriteArrayList<TesseraCacheEntryListenerRegistration<K, V>>();
    //establish all of the listeners
    for (CacheEntryListenerConfiguration<K, V> listenerConfiguration :
        this.configuration.getCacheEntryListenerConfigurations()) {
      createAndAddListener(listenerConfiguration);
    }

    cacheMXBean = new TesseraCacheMXBean<K, V>(this);
    statistics = new TesseraCacheStatisticsMXBean(this, this::getSize);
    //It's important that we set the status BEFORE we let management, statistics and listeners know about the cache.
    isClosed = false;

    if (this.configuration.isManagementEnabled()) {
      setManagementEnabled(true);
    }

    if (this.configuration.isStatisticsEnabled()) {
      setStatisticsEnabled(true);
    }
  }

  //todo concurrency
  private void createAndAddListener(CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
    TesseraCacheEntryListenerRegistration<K, V> registration = new
        TesseraCacheEntryListenerRegistration<K, V>(listenerConfiguration);
    listenerRegistrations.add(registration);
  }

  //todo concurrency
  private void removeListener(CacheEntryListenerConfiguration<K, V> cacheEntryListenerConfiguration) {

    if (cacheEntryListenerConfiguration == null) {
      throw new NullPointerException("CacheEntryListenerConfiguration can't be " +
          "null");
    }

    for (TesseraCacheEntryListenerRegistration<K, V> listenerRegistration : listenerRegistrations) {
      if (cacheEntryListenerConfiguration.equals(listenerRegistration.getConfiguration())) {
        listenerRegistrations.remove(listenerRegistration);
        configuration.removeCacheEntryListenerConfiguration(cacheEntryListenerConfiguration);
      }
    }
  }

  /**
   * Requests a {@link Runnable} to be performed.
   *
   * @param task the {@link Runnable} to be performed
   */
  protected void submit(Runnable task) {
    executorService.submit(task);
  }

  /**
   * The default Duration to use when a Duration can't be determined.
   *
   * @return the default Duration
   */
  protected Duration getDefaultDuration() {
    return Duration.ETERNAL;
  }

  /**
   * {@inheritDoc}
   */
  @Override
  public String getName() {
    return cacheName;
  }

  /**
   * {@inheritDoc}
   */
  @Override
  public CacheManager getCacheManager() {
    return cacheManager;
  }

  /**
   * {@inheritDoc}
   */
  @Override
  public synchronized void close() {
    if (!isClosed) {
      //ensure that any further access to this Cache will raise an
      // IllegalStateException
      isClosed = true;

      //ensure that the cache may no longer be accessed via the CacheManager
      cacheManager.releaseCache(cacheName);

      //disable statistics and management
      setStatisticsEnabled(false);
      setManagementEnabled(false);

      //let a loadAll in flight finish before its loader is closed: a loader used after its close (the TCK's loader
      //client reconnects) would outlive the cache
      executorService.shutdown();
      try {
        executorService.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CacheException(e);
      }

      //close the configured CacheLoader
      if (cacheLoader instanceof Closeable) {
        try {
          ((Closeable) cacheLoader).close();
        } catch (IOException e) {
          Logger.getLogger(this.getName()).log(Level.WARNING, "Problem " +
              "closing CacheLoader " + cacheLoader.getClass(), e);
        }
      }

      //close the configured CacheWriter
      if (cacheWriter instanceof Closeable) {
        try {
          ((Closeable) cacheWriter).close();
        } catch (IOException e) {
          Logger.getLogger(this.getName()).log(Level.WARNING, "Problem " +
              "closing CacheWriter " + cacheWriter.getClass(), e);
        }
      }

      //close the configured ExpiryPolicy
      if (expiryPolicy instanceof Closeable) {
        try {
          ((Closeable) expiryPolicy).close();
        } catch (IOException e) {
          Logger.getLogger(this.getName()).log(Level.WARNING, "Problem " +
              "closing ExpiryPolicy " + cacheLoader.getClass(), e);
        }
      }

      //close the configured CacheEntryListeners
      for (TesseraCacheEntryListenerRegistration<K, V> registration : listenerRegistrations) {
        if (registration.getCacheEntryListener() instanceof Closeable) {
          try {
            ((Closeable) registration.getCacheEntryListener()).close();
          } catch (IOException e) {
            Logger.getLogger(this.getName()).log(Level.WARNING, "Problem " +
                "closing listener " + cacheLoader.getClass(), e);
          }
        }
      }

      //drop the entries only if they are this member's own (by reference): grid entries outlive
      //this handle, for other members and for the next handle of the name (destroyCache drops them)
      if (!(entries instanceof GridInternalMap)) {
        entries.clear();
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
  public <C extends Configuration<K, V>> C getConfiguration(Class<C> clazz) {
    if (clazz.isInstance(configuration)) {
      return clazz.cast(configuration);
    }
    throw new IllegalArgumentException("The configuration class " + clazz +
        " is not supported by this implementation");
  }

  /**
   * {@inheritDoc}
   */

  private V get0(K key) {
    ensureOpen();
    if (key == null) {
      throw new NullPointerException();
    }

    TesseraCacheEventDispatcher<K, V> dispatcher = new TesseraCacheEventDispatcher<K, V>();

    V value = getValue(key, dispatcher);

    dispatcher.dispatch(listenerRegistrations);

    return value;
  }

  /**
   * {@inheritDoc}
   */

  private Map<K, V> getAll0(Set<? extends K> keys) {
    ensureOpen();
    if (keys.contains(null)) {
      throw new NullPointerException("key");
    }
    // will throw NPE if keys=null
    HashMap<K, V> map = new HashMap<K, V>(keys.size());

    TesseraCacheEventDispatcher<K, V> dispatcher = new TesseraCacheEventDispatcher<K, V>();

    for (K key : keys) {
      V value = getValue(key, dispatcher);
      if (value != null) {
        map.put(key, value);
      }
    }

    dispatcher.dispatch(listenerRegistrations);

    return map;
  }

  /**
   * {@inheritDoc}
   */

  private boolean containsKey0(K key) {
    ensureOpen();
    if (key == null) {
      throw new NullPointerException();
    }

    long now = System.currentTimeMillis();

    lockManager.lock(key);
    try {
      Object internalKey = keyConverter.toInternal(key);
      TesseraCachedValue cachedValue = entries.get(internalKey);

      return cachedValue != null && !cachedValue.isExpiredAt(now);
    } finally {
      lockManager.unLock(key);
    }
  }

  /**
   * {@inheritDoc}
   */
  @Override
  public void loadAll(final Set<? extends K> keys,
                      final boolean replaceExistingValues,
                      final CompletionListener completionListener) {
    ensureOpen();
    if (keys == null) {
      throw new NullPointerException("keys");
    }

    if (cacheLoader == null) {
      if (completionListener != null) {
        completionListener.onCompletion();
      }
    } else {
      for (K key : keys) {
        if (key == null) {
          throw new NullPointerException("keys contains a null");
        }
      }

      submit(new Runnable() {
        @Override
        public void run() {
          try {
            ArrayList<K> keysToLoad = new ArrayList<K>();
            for (K key : keys) {
              if (replaceExistingValues || !containsKey(key)) {
                keysToLoad.add(key);
              }
            }

            Map<? extends K, ? extends V> loaded;
            try {
              loaded = cacheLoader.loadAll(keysToLoad);
            } catch (Exception e) {
              if (!(e instanceof CacheLoaderException)) {
                throw new CacheLoaderException("Exception in CacheLoader", e);
              } else {
                throw e;
              }
            }

            for (K key : keysToLoad) {
              if (loaded.get(key) == null) {
                loaded.remove(key);
              }
            }

            putAll(loaded, replaceExistingValues, false);

            if (completionListener != null) {
              completionListener.onCompletion();
            }
          } catch (Exception e) {
            if (completionListener != null) {
              completionListener.onException(e);
            }
          }
        }
      });
    }
  }

  /**
   * {@inheritDoc}
   */

  private void put0(K key, V value) {
    long start = statisticsEnabled() ? System.nanoTime() : 0;
    int putCount = 0;
    ensureOpen();
    if (key == null) {
      throw new NullPointerException("null key specified");
    }
    if (value == null) {
      throw new NullPointerException("null value specified for key " + key);
    }

    checkTypesAgainstConfiguredTypes(key, value);


    lockManager.lock(key);
    try {
      TesseraCacheEventDispatcher<K, V> dispatcher = new TesseraCacheEventDispatcher<K, V>();

      long now = System.currentTimeMillis();

      Object internalKey = keyConverter.toInternal(key);
      Object internalValue = valueConverter.toInternal(value);

      TesseraCachedValue cachedValue = entries.get(internalKey);

      boolean isOldEntryExpired = cachedValue != null && cachedValue.isExpiredAt(now);

      if (isOldEntryExpired) {
        V expiredValue = valueConverter.fromInternal(cachedValue.get());
        processExpiries(key, dispatcher, expiredValue);
      }

      if (cachedValue == null || isOldEntryExpired) {

        TesseraEntry<K, V> entry = new TesseraEntry<K, V>(key, value);


        Duration duration;
        try {
          duration = expiryPolicy.getExpiryForCreation();
        } catch (Throwable t) {
          duration = getDefaultDuration();
        }
        long expiryTime = duration.getAdjustedTime(now);

        cachedValue = new TesseraCachedValue(internalValue, now, expiryTime);

        //todo #32 writes should not happen on a new expired entry
        writeCacheEntry(entry);


        // check that new entry is not already expired, in which case it should
        // not be added to the cache or listeners called or writers called.
        if (cachedValue.isExpiredAt(now)) {
          processExpiries(key, dispatcher, valueConverter.fromInternal(cachedValue.get()));
        } else {
          entries.put(internalKey, cachedValue);
          putCount++;
          dispatcher.addEvent(CacheEntryCreatedListener.class, new TesseraCacheEntryEvent<K, V>(this, key, value, EventType.CREATED));
        }

      } else {

        V oldValue = valueConverter.fromInternal(cachedValue.get());
        TesseraEntry<K, V> entry = new TesseraEntry<K, V>(key, value, oldValue);

        writeCacheEntry(entry);

        try {
          Duration duration = expiryPolicy.getExpiryForUpdate();
          if (duration != null) {
            long expiryTime = duration.getAdjustedTime(now);
            cachedValue.setExpiryTime(expiryTime);
          }
        } catch (Throwable t) {
          //leave the expiry time untouched when we can't determine a duration
        }

        cachedValue.setInternalValue(internalValue, now);
        entries.put(internalKey, cachedValue); // Tessera: a write, conditional on what was read
        putCount++;

        dispatcher.addEvent(CacheEntryUpdatedListener.class,
            new TesseraCacheEntryEvent<K, V>(this, key, value, oldValue,
                EventType.UPDATED));
      }

      dispatcher.dispatch(listenerRegistrations);

    } finally {
      lockManager.unLock(key);
    }
    if (statisticsEnabled() && putCount > 0) {
      statistics.increaseCachePuts(putCount);
      statistics.addPutTimeNano(System.nanoTime() - start);
    }
  }

  private void checkTypesAgainstConfiguredTypes(K key, V value) throws ClassCastException {
    Class<K> keyType = configuration.getKeyType();
    Class<V> valueType = configuration.getValueType();
    if (Object.class != keyType) {
      //means type checks required
      if (!keyType.isAssignableFrom(key.getClass())) {
        throw new ClassCastException("Key " + key + "is not assignable to " + keyType);
      }
    }
    if (Object.class != valueType) {
      //means type checks required
      if (!valueType.isAssignableFrom(value.getClass())) {
        throw new ClassCastException("Value " + value + "is not assignable to " + valueType);
      }
    }
  }


  private V getAndPut0(K key, V value) {
    ensureOpen();
    if (value == null) {
      throw new NullPointerException("null value specified for key " + key);
    }

    long start = statisticsEnabled() ? System.nanoTime() : 0;
    long now = System.currentTimeMillis();

    V result;
    int putCount = 0;
    lockManager.lock(key);
    try {
      TesseraCacheEventDispatcher<K, V> dispatcher = new TesseraCacheEventDispatcher<K, V>();

      Object internalKey = keyConverter.toInternal(key);
      Object internalValue = valueConverter.toInternal(value);

      TesseraCachedValue cachedValue = entries.get(internalKey);

      boolean isExpired = cachedValue != null && cachedValue.isExpiredAt(now);
      if (cachedValue == null || isExpired) {
        result = null;

        TesseraEntry<K, V> entry = new TesseraEntry<K, V>(key, value);
        writeCacheEntry(entry);

        if (isExpired) {
          V expiredValue = valueConverter.fromInternal(cachedValue.get());
          processExpiries(key, dispatcher, expiredValue);
        }

        Duration duration;
        try {
          duration = expiryPolicy.getExpiryForCreation();
        } catch (Throwable t) {
          duration = getDefaultDuration();
        }
        long expiryTime = duration.getAdjustedTime(now);

        cachedValue = new TesseraCachedValue(internalValue, now, expiryTime);
        if (cachedValue.isExpiredAt(now)) {
          processExpiries(key, dispatcher, value);
        } else {
          entries.put(internalKey, cachedValue);
          putCount++;
          dispatcher.addEvent(CacheEntryCreatedListener.class,
              new TesseraCacheEntryEvent<K, V>(this, key, value, CREATED));
        }

      } else {
        V oldValue = valueConverter.fromInternal(cachedValue.getInternalValue(now));
        TesseraEntry<K, V> entry = new TesseraEntry<K, V>(key, value, oldValue);
        writeCacheEntry(entry);

        try {
          Duration duration = expiryPolicy.getExpiryForUpdate();
          if (duration != null) {
            long expiryTime = duration.getAdjustedTime(now);
            cachedValue.setExpiryTime(expiryTime);
          }
        } catch (Throwable t) {
          //leave the expiry time untouched when we can't determine a duration
        }
        cachedValue.setInternalValue(internalValue, now);
        entries.put(internalKey, cachedValue); // Tessera: a write, conditional on what was read
        putCount++;
        result = oldValue;

        dispatcher.addEvent(CacheEntryUpdatedListener.class, new TesseraCacheEntryEvent<K, V>(this, key, value, oldValue, UPDATED));
      }

      dispatcher.dispatch(listenerRegistrations);

    } finally {
      lockManager.unLock(key);
    }
    if (statisticsEnabled()) {

      if (result == null) {
        statistics.increaseCacheMisses(1);
      } else {
        statistics.increaseCacheHits(1);
      }
      statistics.addGetTimeNano(System.nanoTime() - start);

      if (putCount > 0) {
        statistics.increaseCachePuts(putCount);
        statistics.addPutTimeNano(System.nanoTime() - start);
      }
    }

    return result;
  }

  /**
   * {@inheritDoc}
   */
  @Override
  public void putAll(Map<? extends K, ? extends V> map) {
    putAll(map, true);
  }

  /**
   */
  public void putAll(Map<? extends K, ? extends V> map,
                     boolean replaceExistingValues) {
    putAll(map, replaceExistingValues, true);
  }

  /**
   * A implementation of PutAll that allows optional replacement of existing
   * values and optionally writing values when Write Through is configured.
   *
   * @param map                   the Map of entries to put
   * @param replaceExistingValues should existing values be replaced by those in
   *                              the map?
   * @param useWriteThrough       should write-through be used if it is configured
   */
  private void putAll0(Map<? extends K, ? extends V> map,
                     final boolean replaceExistingValues,
                     boolean useWriteThrough) {
    ensureOpen();
    long start = statisticsEnabled() ? System.nanoTime() : 0;

    long now = System.currentTimeMillis();
    int putCount = 0;

    if (map.containsKey(null)) {
      throw new NullPointerException("key");
    }

    CacheWriterException exception = null;

    TesseraCacheEventDispatcher<K, V> dispatcher = new TesseraCacheEventDispatcher<K, V>();

    try {
      boolean isWriteThrough = configuration.isWriteThrough() && cacheWriter !=
          null && useWriteThrough;

      //lock all of the keys in the map
      ArrayList<Cache.Entry<? extends K, ? extends V>> entriesToWrite = new
          ArrayList<Cache.Entry<? extends K, ? extends V>>();
      HashSet<K> keysToPut = new HashSet<K>();
      for (Map.Entry<? extends K, ? extends V> entry : map.entrySet()) {
        K key = entry.getKey();
        V value = entry.getValue();

        if (value == null) {
          throw new NullPointerException("key " + key + " has a null value");
        }

        lockManager.lock(key);

        keysToPut.add(key);

        if (isWriteThrough) {
          entriesToWrite.add(new TesseraEntry<K, V>(key, value));
        }
      }

      //write the entries
      if (isWriteThrough) {
        try {
          cacheWriter.writeAll(entriesToWrite);
        } catch (Exception e) {
          if (!(e instanceof CacheWriterException)) {
            exception = new CacheWriterException("Exception during write", e);
          }
        }

        for (Entry<? extends K, ? extends V> entry : entriesToWrite) {
          keysToPut.remove(entry.getKey());
        }
      }

      //perform the put
      for (K key : keysToPut) {
        V value = map.get(key);

        Object internalKey = keyConverter.toInternal(key);
        Object internalValue = valueConverter.toInternal(value);

        TesseraCachedValue cachedValue = entries.get(internalKey);

        boolean isExpired = cachedValue != null && cachedValue.isExpiredAt(now);
        if (cachedValue == null || isExpired) {

          if (isExpired) {
            V expiredValue = valueConverter.fromInternal(cachedValue.get());
            processExpiries(key, dispatcher, expiredValue);
          }

          Duration duration;
          try {
            duration = expiryPolicy.getExpiryForCreation();
          } catch (Throwable t) {
            duration = getDefaultDuration();
          }
          long expiryTime = duration.getAdjustedTime(now);

          cachedValue = new TesseraCachedValue(internalValue, now, expiryTime);
          if (cachedValue.isExpiredAt(now)) {
            processExpiries(key, dispatcher, value);
          } else {
            entries.put(internalKey, cachedValue);

            dispatcher.addEvent(CacheEntryCreatedListener.class,
                new TesseraCacheEntryEvent<K, V>(this, key, value, CREATED));

            // this method called from loadAll when useWriteThrough is false. do
            // not count loads as puts per statistics
            // table in specification.
            if (useWriteThrough) {
              putCount++;
            }
          }
        } else if (replaceExistingValues) {
          V oldValue = valueConverter.fromInternal(cachedValue.get());

          try {
            Duration duration = expiryPolicy.getExpiryForUpdate();
            if (duration != null) {
              long expiryTime = duration.getAdjustedTime(now);
              cachedValue.setExpiryTime(expiryTime);
            }
          } catch (Throwable t) {
            //leave the expiry time untouched when we can't determine a duration
          }

          cachedValue.setInternalValue(internalValue, now);
          entries.put(internalKey, cachedValue); // Tessera: a write, conditional on what was read

          // do not count loadAll calls as puts. useWriteThrough is false when
          // called from loadAll.
          if (useWriteThrough) {
            putCount++;
          }

          dispatcher.addEvent(CacheEntryUpdatedListener.class,
              new TesseraCacheEntryEvent<K, V>(this, key, value, oldValue, UPDATED));
        }
      }
    } finally {
      //unlock all of the keys
      for (Map.Entry<? extends K, ? extends V> entry : map.entrySet()) {
        K key = entry.getKey();
        V value = entry.getValue();

        lockManager.unLock(key);
      }
    }

    //dispatch events
    dispatcher.dispatch(listenerRegistrations);

    if (statisticsEnabled() && putCount > 0) {
      statistics.increaseCachePuts(putCount);
      statistics.addPutTimeNano(System.nanoTime() - start);
    }

    if (exception != null) {
      throw exception;
    }
  }

  /**
   * {@inheritDoc}
   */

  private boolean putIfAbsent0(K key, V value) {
    ensureOpen();
    if (value == null) {
      throw new NullPointerException("null value specified for key " + key);
    }

    checkTypesAgainstConfiguredTypes(key, value);

    long start = statisticsEnabled() ? System.nanoTime() : 0;

    long now = System.currentTimeMillis();

    boolean result;
    lockManager.lock(key);
    try {
      TesseraCacheEventDispatcher<K, V> dispatcher = new TesseraCacheEventDispatcher<K, V>();

      Object internalKey = keyConverter.toInternal(key);
      Object internalValue = valueConverter.toInternal(value);

      TesseraCachedValue cachedValue = entries.get(internalKey);

      boolean isExpired = cachedValue != null && cachedValue.isExpiredAt(now);
      if (cachedValue == null || cachedValue.isExpiredAt(now)) {

        TesseraEntry<K, V> entry = new TesseraEntry<K, V>(key, value);
        writeCacheEntry(entry);

        if (isExpired) {
          V expiredValue = valueConverter.fromInternal(cachedValue.get());
          processExpiries(key, dispatcher, expiredValue);
        }

        Duration duration;
        try {
          duration = expiryPolicy.getExpiryForCreation();
        } catch (Throwable t) {
          duration = getDefaultDuration();
        }
        long expiryTime = duration.getAdjustedTime(now);

        cachedValue = new TesseraCachedValue(internalValue, now, expiryTime);
        if (cachedValue.isExpiredAt(now)) {
          processExpiries(key, dispatcher, value);

          // no expiry event for created entry that expires before put in cache.
          // do not put entry in cache.
          result = false;
        } else {
          entries.put(internalKey, cachedValue);
          result = true;

          dispatcher.addEvent(CacheEntryCreatedListener.class,
              new TesseraCacheEntryEvent<K, V>(this, key, value, CREATED));
        }
      } else {
        result = false;
      }

      dispatcher.dispatch(listenerRegistrations);

    } finally {
      lockManager.unLock(key);
    }

    if (statisticsEnabled()) {

      if (result) {
        //this means that there was no key in the Cache and the put succeeded
        statistics.increaseCachePuts(1);
        statistics.increaseCacheMisses(1);
        statistics.addPutTimeNano(System.nanoTime() - start);
      } else {
        //this means that there was a key in the Cache and the put did not succeed
        statistics.increaseCacheHits(1);
      }
    }
    return result;
  }

  private void processExpiries(K key, TesseraCacheEventDispatcher<K, V> dispatcher,
                               V expiredValue) {
    entries.remove(keyConverter.toInternal(key));
    dispatcher.addEvent(CacheEntryExpiredListener.class,
        new TesseraCacheEntryEvent<K, V>(this, key, expiredValue, expiredValue, EXPIRED));
  }

  /**
   * {@inheritDoc}
   */

  private boolean remove0(K key) {
    ensureOpen();
    long start = statisticsEnabled() ? System.nanoTime() : 0;

    long now = System.currentTimeMillis();

    boolean result;
    lockManager.lock(key);
    try {
      deleteCacheEntry(key);

      Object internalKey = keyConverter.toInternal(key);
      TesseraCachedValue cachedValue = entries.get(internalKey);

      if (cachedValue == null) {
        return false;
      } else if (cachedValue.isExpiredAt(now)) {
        result = false;
      } else {
        entries.remove(internalKey);
        V value = valueConverter.fromInternal(cachedValue.get());

        TesseraCacheEventDispatcher<K, V> dispatcher = new TesseraCacheEventDispatcher<K,
            V>();
        dispatcher.addEvent(CacheEntryRemovedListener.class,
            new TesseraCacheEntryEvent<K, V>(this, key, value, value, REMOVED));
        dispatcher.dispatch(listenerRegistrations);

        result = true;
      }
    } finally {
      lockManager.unLock(key);
    }
    if (result && statisticsEnabled()) {
      statistics.increaseCacheRemovals(1);
      statistics.addRemoveTimeNano(System.nanoTime() - start);
    }
    return result;
  }

  /**
   * {@inheritDoc}
   */

  private boolean remove0(K key, V oldValue) {
    ensureOpen();
    if (oldValue == null) {
      throw new NullPointerException("null oldValue specified for key " + key);
    }

    long now = System.currentTimeMillis();
    long hitCount = 0;

    long start = statisticsEnabled() ? System.nanoTime() : 0;
    boolean result;
    lockManager.lock(key);
    try {
      Object internalKey = keyConverter.toInternal(key);
      TesseraCachedValue cachedValue = entries.get(internalKey);
      if (cachedValue == null || cachedValue.isExpiredAt(now)) {
        result = false;
      } else {
        hitCount++;

        Object internalValue = cachedValue.get();
        Object oldInternalValue = valueConverter.toInternal(oldValue);

        if (internalValue.equals(oldInternalValue)) {
          deleteCacheEntry(key);

          entries.remove(internalKey);

          TesseraCacheEventDispatcher<K, V> dispatcher = new
              TesseraCacheEventDispatcher<K, V>();
          dispatcher.addEvent(CacheEntryRemovedListener.class,
              new TesseraCacheEntryEvent<K, V>(this, key, oldValue, oldValue, REMOVED));
          dispatcher.dispatch(listenerRegistrations);

          result = true;
        } else {
          try {
            Duration duration = expiryPolicy.getExpiryForAccess();
            if (duration != null) {
              long expiryTime = duration.getAdjustedTime(now);
              cachedValue.setExpiryTime(expiryTime);
            }
          } catch (Throwable t) {
            //leave the expiry time untouched when we can't determine a duration
          }

          result = false;
        }
      }
    } finally {
      lockManager.unLock(key);
    }
    if (statisticsEnabled()) {
      if (result) {
        statistics.increaseCacheRemovals(1);
        statistics.addRemoveTimeNano(System.nanoTime() - start);
      }
      statistics.addGetTimeNano(System.nanoTime() - start);
      if (hitCount == 1) {
        statistics.increaseCacheHits(hitCount);
      } else {
        statistics.increaseCacheMisses(1);
      }
    }
    return result;
  }

  /**
   * {@inheritDoc}
   */

  private V getAndRemove0(K key) {
    ensureOpen();

    long now = System.currentTimeMillis();
    long start = statisticsEnabled() ? System.nanoTime() : 0;

    V result;
    lockManager.lock(key);
    try {
      deleteCacheEntry(key);

      Object internalKey = keyConverter.toInternal(key);
      TesseraCachedValue cachedValue = entries.get(internalKey);
      if (cachedValue == null || cachedValue.isExpiredAt(now)) {
        result = null;
      } else {
        entries.remove(internalKey);
        result = valueConverter.fromInternal(cachedValue.getInternalValue(now));

        TesseraCacheEventDispatcher<K, V> dispatcher = new TesseraCacheEventDispatcher<K,
            V>();
        dispatcher.addEvent(CacheEntryRemovedListener.class,
            new TesseraCacheEntryEvent<K, V>(this, key, result, result, REMOVED));
        dispatcher.dispatch(listenerRegistrations);
      }
    } finally {
      lockManager.unLock(key);
    }
    if (statisticsEnabled()) {
      statistics.addGetTimeNano(System.nanoTime() - start);
      if (result != null) {
        statistics.increaseCacheHits(1);
        statistics.increaseCacheRemovals(1);
        statistics.addRemoveTimeNano(System.nanoTime() - start);
      } else {
        statistics.increaseCacheMisses(1);
      }
    }
    return result;
  }

  /**
   * {@inheritDoc}
   */

  private boolean replace0(K key, V oldValue, V newValue) {
    ensureOpen();
    if (newValue == null) {
      throw new NullPointerException("null newValue specified for key " + key);
    }

    if (oldValue == null) {
      throw new NullPointerException("null oldValue specified for key " + key);
    }

    long now = System.currentTimeMillis();
    long start = statisticsEnabled() ? System.nanoTime() : 0;
    long hitCount = 0;

    boolean result;
    lockManager.lock(key);
    try {
      Object internalKey = keyConverter.toInternal(key);
      TesseraCachedValue cachedValue = entries.get(internalKey);
      if (cachedValue == null || cachedValue.isExpiredAt(now)) {
        result = false;
      } else {
        hitCount++;

        Object oldInternalValue = valueConverter.toInternal(oldValue);

        if (cachedValue.get().equals(oldInternalValue)) {

          TesseraEntry<K, V> entry = new TesseraEntry<K, V>(key, newValue, oldValue);
          writeCacheEntry(entry);

          try {
            Duration duration = expiryPolicy.getExpiryForUpdate();
            if (duration != null) {
              long expiryTime = duration.getAdjustedTime(now);
              cachedValue.setExpiryTime(expiryTime);
            }
          } catch (Throwable t) {
            //leave the expiry time untouched when we can't determine a duration
          }

          Object newInternalValue = valueConverter.toInternal(newValue);
          cachedValue.setInternalValue(newInternalValue, now);
          entries.put(internalKey, cachedValue); // Tessera: a write, conditional on what was read

          TesseraCacheEventDispatcher<K, V> dispatcher = new
              TesseraCacheEventDispatcher<K, V>();
          dispatcher.addEvent(CacheEntryUpdatedListener.class,
              new TesseraCacheEntryEvent<K, V>(this, key, newValue, oldValue, UPDATED));
          dispatcher.dispatch(listenerRegistrations);

          result = true;
        } else {
          try {
            Duration duration = expiryPolicy.getExpiryForAccess();
            if (duration != null) {
              long expiryTime = duration.getAdjustedTime(now);
              cachedValue.setExpiryTime(expiryTime);
            }
          } catch (Throwable t) {
            //leave the expiry time untouched when we can't determine a duration
          }

          result = false;
        }
      }
    } finally {
      lockManager.unLock(key);
    }
    if (statisticsEnabled()) {
      if (result) {
        statistics.increaseCachePuts(1);
        statistics.addPutTimeNano(System.nanoTime() - start);
      }
      statistics.addGetTimeNano(System.nanoTime() - start);
      if (hitCount == 1) {
          statistics.increaseCacheHits(hitCount);
      } else {
          statistics.increaseCacheMisses(1);
      }
    }
    return result;
  }

  /**
   * {@inheritDoc}
   */

  private boolean replace0(K key, V value) {
    ensureOpen();
    if (value == null) {
      throw new NullPointerException("null value specified for key " + key);
    }

    long now = System.currentTimeMillis();
    long start = statisticsEnabled() ? System.nanoTime() : 0;
    boolean result;
    lockManager.lock(key);
    try {
      Object internalKey = keyConverter.toInternal(key);
      TesseraCachedValue cachedValue = entries.get(internalKey);
      if (cachedValue == null || cachedValue.isExpiredAt(now)) {
        result = false;
      } else {
        V oldValue = valueConverter.fromInternal(cachedValue.get());

        TesseraEntry<K, V> entry = new TesseraEntry<K, V>(key, value, oldValue);
        writeCacheEntry(entry);

        try {
          Duration duration = expiryPolicy.getExpiryForUpdate();
          if (duration != null) {
            long expiryTime = duration.getAdjustedTime(now);
            cachedValue.setExpiryTime(expiryTime);
          }
        } catch (Throwable t) {
          //leave the expiry time untouched when we can't determine a duration
        }

        Object internalValue = valueConverter.toInternal(value);
        cachedValue.setInternalValue(internalValue, now);
        entries.put(internalKey, cachedValue); // Tessera: a write, conditional on what was read

        TesseraCacheEventDispatcher<K, V> dispatcher = new TesseraCacheEventDispatcher<K,
            V>();
        dispatcher.addEvent(CacheEntryUpdatedListener.class,
            new TesseraCacheEntryEvent<K, V>(this, key, value, oldValue, UPDATED));
        dispatcher.dispatch(listenerRegistrations);

        result = true;
      }
    } finally {
      lockManager.unLock(key);
    }
    if (statisticsEnabled()) {
        statistics.addGetTimeNano(System.nanoTime() - start);
        if (result) {
          statistics.increaseCachePuts(1);
          statistics.increaseCacheHits(1);
          statistics.addPutTimeNano(System.nanoTime() - start);
      } else {
        statistics.increaseCacheMisses(1);
      }
    }
    return result;
  }

  /**
   * {@inheritDoc}
   */

  private V getAndReplace0(K key, V value) {
    ensureOpen();
    if (value == null) {
      throw new NullPointerException("null value specified for key " + key);
    }

    long now = System.currentTimeMillis();
    long start = statisticsEnabled() ? System.nanoTime() : 0;

    V result;
    lockManager.lock(key);
    try {
      Object internalKey = keyConverter.toInternal(key);
      TesseraCachedValue cachedValue = entries.get(internalKey);
      if (cachedValue == null || cachedValue.isExpiredAt(now)) {
        result = null;
      } else {
        V oldValue = valueConverter.fromInternal(cachedValue.getInternalValue(now));
        TesseraEntry<K, V> entry = new TesseraEntry<K, V>(key, value, oldValue);
        writeCacheEntry(entry);

        try {
          Duration duration = expiryPolicy.getExpiryForUpdate();
          if (duration != null) {
            long expiryTime = duration.getAdjustedTime(now);
            cachedValue.setExpiryTime(expiryTime);
          }
        } catch (Throwable t) {
          //leave the expiry time untouched when we can't determine a duration
        }

        Object internalValue = valueConverter.toInternal(value);
        cachedValue.setInternalValue(internalValue, now);
        entries.put(internalKey, cachedValue); // Tessera: a write, conditional on what was read

        TesseraCacheEventDispatcher<K, V> dispatcher = new TesseraCacheEventDispatcher<K,
            V>();
        dispatcher.addEvent(CacheEntryUpdatedListener.class,
            new TesseraCacheEntryEvent<K, V>(this, key, value, oldValue, UPDATED));
        dispatcher.dispatch(listenerRegistrations);

        result = oldValue;
      }
    } finally {
      lockManager.unLock(key);
    }
    if (statisticsEnabled()) {
      statistics.addGetTimeNano(System.nanoTime() - start);
      if (result != null) {
        statistics.increaseCacheHits(1);
        statistics.increaseCachePuts(1);
        statistics.addPutTimeNano(System.nanoTime() - start);
      } else {
        statistics.increaseCacheMisses(1);
      }
    }
    return result;
  }

  /**
   * {@inheritDoc}
   */

  private void removeAll0(Set<? extends K> keys) {
    ensureOpen();

    long now = System.currentTimeMillis();

    CacheException exception = null;
    HashSet<K> lockedKeys = new HashSet<K>();
    HashSet<K> cacheWriterKeys = new HashSet<K>();
    cacheWriterKeys.addAll(keys);

    TesseraCacheEventDispatcher<K, V> dispatcher = new TesseraCacheEventDispatcher<K, V>();

    try {
      boolean isWriteThrough = configuration.isWriteThrough() && cacheWriter != null;

      //lock all of the keys
      HashSet<Object> deletedKeys = new HashSet<Object>();


      //lock the keys
      for (K key : keys) {
        lockManager.lock(key);
        lockedKeys.add(key);
      }

      //call write-through on deleted entries
      if (isWriteThrough) {
        try {
          cacheWriter.deleteAll(cacheWriterKeys);
        } catch (Exception e) {
          if (!(e instanceof CacheWriterException)) {
            exception = new CacheWriterException("Exception during write", e);
          }
        }

        //At this point, cacheWriterKeys will contain only those that were _not_ written
        //Now delete only those that the writer deleted
        for (K key : lockedKeys) {
          //only delete those keys that the writer deleted. per CacheWriter spec.
          if (!cacheWriterKeys.contains(key)) {
            Object internalKey = keyConverter.toInternal(key);
            if (entries.containsKey(internalKey)) {
              TesseraCachedValue cachedValue = entries.remove(internalKey);
              deletedKeys.add(key);

              V value = valueConverter.fromInternal(cachedValue.get());

              if (cachedValue.isExpiredAt(now)) {
                processExpiries(key, dispatcher, value);
              } else {
                dispatcher.addEvent(CacheEntryRemovedListener.class,
                    new TesseraCacheEntryEvent<K, V>(this, key, value, value, REMOVED));
              }
            }
          }
        }
      }


      //work out what needs to be deleted
      if (!isWriteThrough) {
        for (K key : lockedKeys) {
          //only delete those keys that the writer deleted. per CacheWriter spec.
          Object internalKey = keyConverter.toInternal(key);
          if (entries.containsKey(internalKey)) {
            TesseraCachedValue cachedValue = entries.remove(internalKey);
            deletedKeys.add(key);

            V value = valueConverter.fromInternal(cachedValue.get());

            if (cachedValue.isExpiredAt(now)) {
              processExpiries(key, dispatcher, value);
            } else {
              dispatcher.addEvent(CacheEntryRemovedListener.class,
                  new TesseraCacheEntryEvent<K, V>(this, key, value, value, REMOVED));
            }
          }

        }
      }

      //Update stats
      if (statisticsEnabled()) {
        statistics.increaseCacheRemovals(deletedKeys.size());
      }


    } finally {
      //unlock all of the keys
      for (K key : lockedKeys) {
        lockManager.unLock(key);
      }
    }

    dispatcher.dispatch(listenerRegistrations);


    if (exception != null) {
      throw exception;
    }
  }

  /**
   * {@inheritDoc}
   */

  private void removeAll0() {
    ensureOpen();

    int size = 0;

    long now = System.currentTimeMillis();

    CacheException exception = null;
    HashSet<K> lockedKeys = new HashSet<K>();

    TesseraCacheEventDispatcher<K, V> dispatcher = new TesseraCacheEventDispatcher<K, V>();

    try {
      boolean isWriteThrough = configuration.isWriteThrough() && cacheWriter != null;

      //lock all of the keys
      HashSet<K> keysToDelete = new HashSet<K>();

      for (Map.Entry<Object, TesseraCachedValue> entry : entries) {
        Object internalKey = entry.getKey();
        K key = keyConverter.fromInternal(internalKey);

        lockManager.lock(key);

        lockedKeys.add(key);

        if (isWriteThrough) {
          keysToDelete.add(key);
        }
      }

      //delete the entries (when there are some)
      if (isWriteThrough && keysToDelete.size() > 0) {
        try {
          cacheWriter.deleteAll(keysToDelete);
        } catch (Exception e) {
          if (!(e instanceof CacheWriterException)) {
            exception = new CacheWriterException("Exception during write", e);
          }
        }
      }

      //remove the deleted keys that were successfully deleted from the set
      for (K key : lockedKeys) {
        if (!keysToDelete.contains(key)) {
          Object internalKey = keyConverter.toInternal(key);
          TesseraCachedValue cachedValue = entries.remove(internalKey);

          V value = valueConverter.fromInternal(cachedValue.get());


          if (cachedValue.isExpiredAt(now)) {
            processExpiries(key, dispatcher, value);
          } else {
            dispatcher.addEvent(CacheEntryRemovedListener.class,
                new TesseraCacheEntryEvent<K, V>(this, key, value, value, REMOVED));
            size++;
          }
        }
      }

    } finally {
      //unlock all of the keys
      for (K key : lockedKeys) {
        lockManager.unLock(key);
      }
    }

    dispatcher.dispatch(listenerRegistrations);

    if (statisticsEnabled()) {
      statistics.increaseCacheRemovals(size);
    }

    if (exception != null) {
      throw exception;
    }
  }

  /**
   * {@inheritDoc}
   */
  @Override
  public void clear() {
    ensureOpen();
    //no writer, no events, no statistics (JSR-107 clear): the grid clears all partitions at once
    entries.clear();
  }

  /**
   * {@inheritDoc}
   */

  private <T> T invoke0(K key, javax.cache.processor.EntryProcessor<K, V,
      T> entryProcessor, Object... arguments) {
    ensureOpen();
    if (key == null) {
      throw new NullPointerException();
    }
    if (entryProcessor == null) {
      throw new NullPointerException();
    }

    long start = statisticsEnabled() ? System.nanoTime() : 0;


    T result = null;
    lockManager.lock(key);
    try {
      long now = System.currentTimeMillis();

      TesseraCacheEventDispatcher<K, V> dispatcher = new TesseraCacheEventDispatcher<K, V>();

      Object internalKey = keyConverter.toInternal(key);
      TesseraCachedValue cachedValue = entries.get(internalKey);
      boolean isExpired = cachedValue != null && cachedValue.isExpiredAt(now);

      if (isExpired) {
        V expiredValue = valueConverter.fromInternal(cachedValue.get());
        processExpiries(key, dispatcher, expiredValue);
      }
      if (statisticsEnabled()) {
        if (cachedValue == null || isExpired) {
          statistics.increaseCacheMisses(1);
        } else {
          statistics.increaseCacheHits(1);
        }
      }
      if (statisticsEnabled()) {
        statistics.addGetTimeNano(System.nanoTime() - start);
      }
      //restart start as fetch finished
      start = statisticsEnabled() ? System.nanoTime() : 0;

      EntryProcessorEntry<K, V> entry = new EntryProcessorEntry<>(valueConverter, key,
          cachedValue, now, dispatcher, configuration.isReadThrough() ? cacheLoader : null);
      try {
        result = entryProcessor.process(entry, arguments);
      } catch (CacheException e) {
        throw e;
      } catch (Exception e) {
          throw new EntryProcessorException(e);
      }

      Duration duration;
      long expiryTime;
      switch (entry.getOperation()) {
        case NONE:
          break;

        case ACCESS:
          try {
            duration = expiryPolicy.getExpiryForAccess();
            if (duration != null) {
              long expiryTime1 = duration.getAdjustedTime(now);
              cachedValue.setExpiryTime(expiryTime1);
            }
          } catch (Throwable t) {
            //leave the expiry time untouched when we can't determine a duration
          }
          break;

        case CREATE:
        case LOAD:
          TesseraEntry<K, V> e = new TesseraEntry<K, V>(key, entry.getValue());

          if (entry.getOperation() == MutableEntryOperation.CREATE) {
            writeCacheEntry(e);
          }

          try {
            duration = expiryPolicy.getExpiryForCreation();
          } catch (Throwable t) {
            duration = getDefaultDuration();
          }
          expiryTime = duration.getAdjustedTime(now);

          cachedValue = new TesseraCachedValue(valueConverter.toInternal(entry
              .getValue()),
              now, expiryTime);

          if (cachedValue.isExpiredAt(now)) {
            V previousValue = valueConverter.fromInternal(cachedValue.get());
            processExpiries(key, dispatcher, previousValue);
          } else {
            entries.put(internalKey, cachedValue);

            dispatcher.addEvent(CacheEntryCreatedListener.class,
                new TesseraCacheEntryEvent<K, V>(this, key, entry.getValue(), CREATED));

            // do not count LOAD as a put for cache statistics.
            if (statisticsEnabled() && entry.getOperation() ==
                MutableEntryOperation.CREATE) {
              statistics.increaseCachePuts(1);
              statistics.addPutTimeNano(System.nanoTime() - start);
            }
          }

          break;

        case UPDATE:
          V oldValue = valueConverter.fromInternal(cachedValue.get());

          e = new TesseraEntry<K, V>(key, entry.getValue(), oldValue);
          writeCacheEntry(e);

          try {
            duration = expiryPolicy.getExpiryForUpdate();
            if (duration != null) {
              expiryTime = duration.getAdjustedTime(now);
              cachedValue.setExpiryTime(expiryTime);
            }
          } catch (Throwable t) {
            //leave the expiry time untouched when we can't determine a duration
          }

          cachedValue.setInternalValue(valueConverter.toInternal(entry.getValue()), now);
          entries.put(internalKey, cachedValue); // Tessera: a write, conditional on what was read

          dispatcher.addEvent(CacheEntryUpdatedListener.class,
              new TesseraCacheEntryEvent<K, V>(this, key, entry.getValue(), oldValue,
                  UPDATED));

          if (statisticsEnabled()) {
            statistics.increaseCachePuts(1);
            statistics.addPutTimeNano(System.nanoTime() - start);
          }

          break;

        case REMOVE:
          deleteCacheEntry(key);

          oldValue = cachedValue == null ? null : valueConverter.fromInternal(cachedValue.get());
          entries.remove(internalKey);

          dispatcher.addEvent(CacheEntryRemovedListener.class, new TesseraCacheEntryEvent<K, V>(this, key, oldValue, oldValue, REMOVED));

          if (statisticsEnabled()) {
            statistics.increaseCacheRemovals(1);
            statistics.addRemoveTimeNano(System.nanoTime() - start);
          }

          break;

        default:
          break;
      }

      dispatcher.dispatch(listenerRegistrations);

    } finally {
      lockManager.unLock(key);
    }
    return result;
  }

  /**
   * {@inheritDoc}
   */
  @Override
  public <T> Map<K, EntryProcessorResult<T>> invokeAll(Set<? extends K> keys,
                                                       EntryProcessor<K, V, T> entryProcessor,
                                                       Object... arguments) {
    ensureOpen();
    if (keys == null) {
      throw new NullPointerException();
    }
    if (entryProcessor == null) {
      throw new NullPointerException();
    }

    HashMap<K, EntryProcessorResult<T>> map = new HashMap<>();
    for (K key : keys) {
      TesseraEntryProcessorResult<T> result = null;
      try {
        T t = invoke(key, entryProcessor, arguments);
        result = t == null ? null : new TesseraEntryProcessorResult<T>(t);
      } catch (Exception e) {
        result = new TesseraEntryProcessorResult<T>(e);
      }
      if (result != null) {
        map.put(key, result);
      }
    }

    return map;
  }

  /**
   * {@inheritDoc}
   */
  @Override
  public Iterator<Entry<K, V>> iterator() {
    ensureOpen();

    long now = System.currentTimeMillis();

    return new TesseraEntryIterator(entries.iterator(), now);
  }

  /**
   * @return the managemtn bean
   */

  public CacheMXBean getCacheMXBean() {
    return cacheMXBean;
  }


  /**
   * @return the managemtn bean
   */
  public CacheStatisticsMXBean getCacheStatisticsMXBean() {
    return statistics;
  }


  /**
   * Sets statistics
   */
  public void setStatisticsEnabled(boolean enabled) {
    if (enabled) {
      MBeanServerRegistrationUtility.registerCacheObject(this, statistics, Statistics);
    } else {
      MBeanServerRegistrationUtility.unregisterCacheObject(this, Statistics);
    }
    configuration.setStatisticsEnabled(enabled);
  }


  /**
   * Sets management enablement
   *
   * @param enabled true if management should be enabled
   */
  public void setManagementEnabled(boolean enabled) {
    if (enabled) {
      MBeanServerRegistrationUtility.registerCacheObject(this, cacheMXBean, Configuration);
    } else {
      MBeanServerRegistrationUtility.unregisterCacheObject(this, Configuration);
    }
    configuration.setManagementEnabled(enabled);
  }

  private void ensureOpen() {
    if (isClosed()) {
      throw new IllegalStateException("Cache operations can not be performed. " +
          "The cache closed");
    }
  }

  @Override
  public <T> T unwrap(java.lang.Class<T> cls) {
    if (cls.isAssignableFrom(((Object) this).getClass())) {
      return cls.cast(this);
    }
    if (entries instanceof GridInternalMap && cls.isAssignableFrom(GridMap.class)) {
      // the map of serialized keys to encoded entries that holds this cache on every member
      return cls.cast(((GridInternalMap) entries).gridMap());
    }

    throw new IllegalArgumentException("Unwrapping to " + cls + " is not " +
        "supported by this implementation");
  }

  /**
   * {@inheritDoc}
   */
  @Override
  public void registerCacheEntryListener(CacheEntryListenerConfiguration<K, V> cacheEntryListenerConfiguration) {
    configuration.addCacheEntryListenerConfiguration(cacheEntryListenerConfiguration);
    createAndAddListener(cacheEntryListenerConfiguration);
  }

  /**
   * {@inheritDoc}
   */
  @Override
  public void deregisterCacheEntryListener(CacheEntryListenerConfiguration<K,
      V> cacheEntryListenerConfiguration) {
    removeListener(cacheEntryListenerConfiguration);
  }


  /** The configuration this cache runs with (a copy of the one it was created with). */
  CompleteConfiguration<K, V> completeConfiguration() {
    return configuration;
  }

  /** A writer of supertypes of K and V accepts entries of K and V; Java's wildcards cannot say so. */
  @SuppressWarnings("unchecked")
  private static <K, V> CacheWriter<K, V> narrow(CacheWriter<? super K, ? super V> writer) {
    return (CacheWriter<K, V>) writer;
  }

  private boolean statisticsEnabled() {
    return configuration.isStatisticsEnabled();
  }

  /**
   * Writes the Cache Entry to the configured CacheWriter.  Does nothing if
   * write-through is not configured.
   *
   * @param entry the Cache Entry to write
   */
  private void writeCacheEntry(TesseraEntry<K, V> entry) {
    if (configuration.isWriteThrough()) {
      try {
        cacheWriter.write(entry);
      } catch (Exception e) {
        if (!(e instanceof CacheWriterException)) {
          throw new CacheWriterException("Exception in CacheWriter", e);
        } else {
          throw e;
        }
      }
    }
  }

  /**
   * Deletes the Cache Entry using the configued CacheWriter.  Does nothing
   * if write-through is not configued.
   *
   * @param key
   */
  private void deleteCacheEntry(K key) {
    if (configuration.isWriteThrough()) {
      try {
        cacheWriter.delete(key);
      } catch (Exception e) {
        if (!(e instanceof CacheWriterException)) {
          throw new CacheWriterException("Exception in CacheWriter", e);
        } else {
          throw e;
        }
      }
    }
  }

  /**
   * Gets the value for the specified key from the underlying cache, including
   * attempting to load it if a CacheLoader is configured (with read-through).
   * <p>
   * Any events that need to be raised are added to the specified dispatcher.
   * </p>
   * @param key        the key of the entry to get from the cache
   * @param dispatcher the dispatcher for events
   * @return the value loaded
   */
  private V getValue(K key, TesseraCacheEventDispatcher<K, V> dispatcher) {
    long now = System.currentTimeMillis();
    long start = statisticsEnabled() ? System.nanoTime() : 0;

    Object internalKey = keyConverter.toInternal(key);
    TesseraCachedValue cachedValue = null;
    V value = null;
    lockManager.lock(key);
    try {
      cachedValue = entries.get(internalKey);

      boolean isExpired = cachedValue != null && cachedValue.isExpiredAt(now);

      if (cachedValue == null || isExpired) {

        V expiredValue = isExpired ? valueConverter.fromInternal(cachedValue.get()) : null;

        if (isExpired) {
          processExpiries(key, dispatcher, expiredValue);
        }

        if (statisticsEnabled()) {
          statistics.increaseCacheMisses(1);
        }

        if (configuration.isReadThrough() && cacheLoader != null) {
          try {
            value = cacheLoader.load(key);
          } catch (Exception e) {
            if (!(e instanceof CacheLoaderException)) {
              throw new CacheLoaderException("Exception in CacheLoader", e);
            } else {
              throw e;
            }
          }
        }

        if (value == null) {
          return null;
        }

        Duration duration;
        try {
          duration = expiryPolicy.getExpiryForCreation();
        } catch (Throwable t) {
          duration = getDefaultDuration();
        }
        long expiryTime = duration.getAdjustedTime(now);

        Object internalValue = valueConverter.toInternal(value);
        cachedValue = new TesseraCachedValue(internalValue, now, expiryTime);

        if (cachedValue.isExpiredAt(now)) {
          return null;
        } else {
          entries.put(internalKey, cachedValue);

          dispatcher.addEvent(CacheEntryCreatedListener.class,
              new TesseraCacheEntryEvent<K, V>(this, key, value, CREATED));

          // do not consider a load as a put for cache statistics.
        }
      } else {
        value = valueConverter.fromInternal(cachedValue.getInternalValue(now));
        try {
          Duration duration = expiryPolicy.getExpiryForAccess();
          if (duration != null) {
            long expiryTime = duration.getAdjustedTime(now);
            cachedValue.setExpiryTime(expiryTime);
          }
        } catch (Throwable t) {
          //leave the expiry time untouched when we can't determine a duration
        }

        if (statisticsEnabled()) {
          statistics.increaseCacheHits(1);
        }
      }

    } finally {
      lockManager.unLock(key);
      if (statisticsEnabled()) {
        statistics.addGetTimeNano(System.nanoTime() - start);
      }
    }
    return value;
  }

  /**
   * Returns the size of the cache.
   *
   * @return the size in entries of the cache
   */
  public long getSize() {
    return entries.size();
  }


  /**
   * An {@link Iterator} over Cache {@link Entry}s that lazily converts
   * from internal value representation to natural value representation on
   * demand.
   */
  private final class TesseraEntryIterator implements Iterator<Entry<K, V>> {

    /**
     * The {@link Iterator} over the internal entries.
     */
    private final Iterator<Map.Entry<Object, TesseraCachedValue>> iterator;

    /**
     * The next available non-expired cache entry to return.
     */
    private TesseraEntry<K, V> nextEntry;

    /**
     * The last returned cache entry (so we can allow for removal)
     */
    private TesseraEntry<K, V> lastEntry;

    /**
     * The time the iteration commenced.  We use this to determine what
     * Cache Entries in the underlying iterator are expired.
     */
    private long now;

    /**
     * Constructs an {@link TesseraEntryIterator}.
     *
     * @param iterator the {@link Iterator} over the internal entries
     * @param now      the time the iterator will use to test for expiry
     */
    private TesseraEntryIterator(Iterator<Map.Entry<Object, TesseraCachedValue>> iterator,
                            long now) {
      this.iterator = iterator;
      this.nextEntry = null;
      this.lastEntry = null;
      this.now = now;
    }

    /**
     * Fetches the next available, non-expired entry from the underlying
     * iterator.
     */
    private void fetch() {
      long start = statisticsEnabled() ? System.nanoTime() : 0;
      while (nextEntry == null && iterator.hasNext()) {

        Map.Entry<Object, TesseraCachedValue> entry = iterator.next();
        TesseraCachedValue cachedValue = entry.getValue();

        K key = TesseraCache.this.keyConverter.fromInternal(entry.getKey());
        lockManager.lock(key);
        try {
          if (!cachedValue.isExpiredAt(now)) {
            V value = TesseraCache.this.valueConverter.fromInternal(cachedValue
                .getInternalValue(now));
            nextEntry = new TesseraEntry<K, V>(key, value);

            try {
              Duration duration = expiryPolicy.getExpiryForAccess();
              if (duration != null) {
                long expiryTime = duration.getAdjustedTime(now);
                cachedValue.setExpiryTime(expiryTime);
                entries.writeBack(entry.getKey(), cachedValue);
              }
            } catch (Throwable t) {
              //leave the expiry time untouched when we can't determine a duration
            }
          }
        } finally {
          lockManager.unLock(key);
          if (statisticsEnabled() && nextEntry != null) {
            statistics.increaseCacheHits(1);
            statistics.addGetTimeNano(System.nanoTime() - start);
          }
        }
      }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public boolean hasNext() {
      if (nextEntry == null) {
        fetch();
      }
      return nextEntry != null;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public Entry<K, V> next() {
      if (hasNext()) {
        //remember the lastEntry (so that we call allow for removal)
        lastEntry = nextEntry;

        //reset nextEntry to force fetching the next available entry
        nextEntry = null;

        return lastEntry;
      } else {
        throw new NoSuchElementException();
      }
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public void remove() {
      int cacheRemovals = 0;
      if (lastEntry == null) {
        throw new IllegalStateException("Must progress to the next entry to " +
            "remove");
      } else {
        long start = statisticsEnabled() ? System.nanoTime() : 0;
        lockManager.lock(lastEntry.getKey());
        try {
          deleteCacheEntry(lastEntry.getKey());

          //NOTE: there is the possibility here that the entry the application
          // retrieved
          //may have been replaced / expired or already removed since it
          // retrieved it.

          //we simply don't care here as multiple-threads are ok to remove and see
          //such side-effects
          iterator.remove();
          cacheRemovals++;

          //raise "remove" event
          TesseraCacheEventDispatcher<K, V> dispatcher = new
              TesseraCacheEventDispatcher<K, V>();
          dispatcher.addEvent(CacheEntryRemovedListener.class,
              new TesseraCacheEntryEvent<K, V>(TesseraCache.this, lastEntry.getKey(),
                  lastEntry.getValue(), lastEntry.getValue(), REMOVED));
          dispatcher.dispatch(listenerRegistrations);

        } finally {
          lockManager.unLock(lastEntry.getKey());

          //reset lastEntry (we can't attempt to remove it again)
          lastEntry = null;
          if (statisticsEnabled() && cacheRemovals > 0) {
            statistics.increaseCacheRemovals(cacheRemovals);
            statistics.addRemoveTimeNano(System.nanoTime() - start);
          }
        }
      }
    }
  }


  // ---- Tessera: every operation runs as one unit against the grid, again if another member raced it ----

  /** Runs of one operation before it gives up on a key that other members keep changing. */
  private static final int MAX_ATTEMPTS = 100;

  private <R> R atomically(java.util.function.Supplier<R> operation) {
    for (int attempt = 1; ; attempt++) {
      entries.begin();
      try {
        R result = operation.get();
        entries.end(true);
        return result;
      } catch (GridInternalMap.StoreConflict conflict) {
        entries.end(false);
        if (attempt >= MAX_ATTEMPTS) {
          throw new CacheException("cache " + cacheName + ": gave up after " + attempt
              + " attempts, as other members kept changing the same entry");
        }
        // jittered backoff, so that members racing for one key do not collide in lockstep
        java.util.concurrent.locks.LockSupport.parkNanos(
            java.util.concurrent.ThreadLocalRandom.current().nextLong(1, 1 + Math.min(attempt, 20) * 100_000L));
      } catch (RuntimeException | Error e) {
        entries.end(false);
        throw e;
      }
    }
  }

  private void atomically(Runnable operation) {
    atomically(() -> {
      operation.run();
      return null;
    });
  }

  @Override
  public V get(K key) {
    return atomically(() -> get0(key));
  }

  @Override
  public Map<K, V> getAll(Set<? extends K> keys) {
    return atomically(() -> getAll0(keys));
  }

  @Override
  public boolean containsKey(K key) {
    return atomically(() -> containsKey0(key));
  }

  @Override
  public void put(K key, V value) {
    atomically(() -> put0(key, value));
  }

  @Override
  public V getAndPut(K key, V value) {
    return atomically(() -> getAndPut0(key, value));
  }

  /**
   * putAll with optional replacement of existing values and optional write-through.
   *
   * @param map                   the entries to put
   * @param replaceExistingValues whether existing values are replaced
   * @param useWriteThrough       whether write-through is used if configured
   */
  public void putAll(Map<? extends K, ? extends V> map, boolean replaceExistingValues, boolean useWriteThrough) {
    atomically(() -> putAll0(map, replaceExistingValues, useWriteThrough));
  }

  @Override
  public boolean putIfAbsent(K key, V value) {
    return atomically(() -> putIfAbsent0(key, value));
  }

  @Override
  public boolean remove(K key) {
    return atomically(() -> remove0(key));
  }

  @Override
  public boolean remove(K key, V oldValue) {
    return atomically(() -> remove0(key, oldValue));
  }

  @Override
  public V getAndRemove(K key) {
    return atomically(() -> getAndRemove0(key));
  }

  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    return atomically(() -> replace0(key, oldValue, newValue));
  }

  @Override
  public boolean replace(K key, V value) {
    return atomically(() -> replace0(key, value));
  }

  @Override
  public V getAndReplace(K key, V value) {
    return atomically(() -> getAndReplace0(key, value));
  }

  @Override
  public void removeAll(Set<? extends K> keys) {
    atomically(() -> removeAll0(keys));
  }

  @Override
  public void removeAll() {
    atomically(() -> removeAll0());
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T invoke(K key, EntryProcessor<K, V, T> entryProcessor, Object... arguments) {
    if (ownerDurations != null && ((GridInternalMap) entries).ownerTypes()) {
      ensureOpen();
      if (key == null || entryProcessor == null) {
        throw new NullPointerException();
      }
      Object result = invokeAtOwner(key, entryProcessor, arguments);
      if (result != NOT_RUN) {
        return (T) result;
      }
    }
    return atomically(() -> invoke0(key, entryProcessor, arguments));
  }

  // ---- Tessera: invoke at the key's primary ----

  /** {@link #invokeAtOwner}: the processor did not run there (nothing changed); run it here. */
  private static final Object NOT_RUN = new Object();

  /**
   * The creation/access/update durations ({@link OwnerInvoke#millis}) the key's primary applies when
   * {@code invoke} runs there, or null where it cannot: a store-by-reference cache, a cache with
   * read-through or write-through (the loader and writer are this member's objects) or with an expiry
   * policy other than the standard stateless ones (the policy is asked on this member, once per use).
   */
  private long[] ownerDurations() {
    if (!(entries instanceof GridInternalMap)
        || (configuration.isReadThrough() && cacheLoader != null)
        || (configuration.isWriteThrough() && cacheWriter != null)) {
      return null;
    }
    Class<?> policy = expiryPolicy.getClass();
    if (policy != javax.cache.expiry.EternalExpiryPolicy.class && policy != javax.cache.expiry.CreatedExpiryPolicy.class
        && policy != javax.cache.expiry.AccessedExpiryPolicy.class && policy != javax.cache.expiry.ModifiedExpiryPolicy.class
        && policy != javax.cache.expiry.TouchedExpiryPolicy.class) {
      return null;
    }
    return new long[] {OwnerInvoke.millis(expiryPolicy.getExpiryForCreation()),
        OwnerInvoke.millis(expiryPolicy.getExpiryForAccess()), OwnerInvoke.millis(expiryPolicy.getExpiryForUpdate())};
  }

  /**
   * Runs the processor once at the key's primary ({@link OwnerInvoke}), then raises the call's events
   * and counts its statistics here, as {@link #invoke0} does. {@link #NOT_RUN} if it could not run
   * there: the processor cannot be serialized or read at the primary, or the members lack
   * {@link JCacheTypes}.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private Object invokeAtOwner(K key, EntryProcessor<K, V, ?> entryProcessor, Object... arguments) {
    long start = statisticsEnabled() ? System.nanoTime() : 0;
    byte[] task;
    try {
      task = new TesseraSerializingInternalConverter.Serialized<Object>(new Object[] {entryProcessor, arguments}).bytes();
    } catch (IllegalArgumentException notSerializable) {
      return NOT_RUN; // a processor (or argument) that cannot leave this JVM runs here
    }
    GridInternalMap grid = (GridInternalMap) entries;
    byte[] k = ((TesseraSerializingInternalConverter.Serialized<?>) keyConverter.toInternal(key)).bytes();
    byte[] encoded;
    try {
      encoded = grid.gridMap().executeOnKey(k, new OwnerInvoke(task, ownerDurations[0], ownerDurations[1], ownerDurations[2]));
    } catch (dev.tessera.grid.GridSerializationException e) {
      grid.typesMissing(e);
      return NOT_RUN;
    } catch (dev.tessera.grid.GridTimeoutException e) {
      throw new CacheException("cache " + cacheName + ": invoke timed out (the processor may or may not have run): "
          + e.getMessage(), e);
    } catch (dev.tessera.grid.GridException e) {
      if (String.valueOf(e.getMessage()).contains("cannot be read on this member")) {
        grid.typesMissing(e);
        return NOT_RUN;
      }
      throw new CacheException("cache " + cacheName + ": invoke failed: " + e.getMessage(), e);
    }
    InvokeOutcome o = InvokeOutcome.decode(encoded);
    if (!o.ran()) {
      Logger.getLogger(getClass().getName()).log(Level.FINE, "invoke runs on the caller: {0}", o.why());
      return NOT_RUN;
    }
    TesseraInternalConverter<Object> values = (TesseraInternalConverter) valueConverter;
    boolean listening = !listenerRegistrations.isEmpty();
    TesseraCacheEventDispatcher<K, V> dispatcher = new TesseraCacheEventDispatcher<K, V>();
    if (o.expired() != null && listening) {
      V expiredValue = (V) values.fromInternal(TesseraSerializingInternalConverter.Serialized.ofBytes(o.expired()));
      dispatcher.addEvent(CacheEntryExpiredListener.class,
          new TesseraCacheEntryEvent<K, V>(this, key, expiredValue, expiredValue, EXPIRED));
    }
    if (statisticsEnabled()) {
      if (o.hit()) {
        statistics.increaseCacheHits(1);
      } else {
        statistics.increaseCacheMisses(1);
      }
      statistics.addGetTimeNano(System.nanoTime() - start);
    }
    if (o.failure() != null) {
      Object thrown = values.fromInternal(TesseraSerializingInternalConverter.Serialized.ofBytes(o.failure()));
      if (thrown instanceof CacheException ce) {
        throw ce;
      }
      if (thrown instanceof Exception ex) {
        throw new EntryProcessorException(ex);
      }
      if (thrown instanceof Error err) {
        throw err;
      }
      throw new EntryProcessorException(String.valueOf(thrown));
    }
    V newValue = o.newValue() == null || !listening ? null
        : (V) values.fromInternal(TesseraSerializingInternalConverter.Serialized.ofBytes(o.newValue()));
    V oldValue = o.oldValue() == null || !listening ? null
        : (V) values.fromInternal(TesseraSerializingInternalConverter.Serialized.ofBytes(o.oldValue()));
    switch (o.operation()) {
      case CREATE, LOAD -> {
        if (o.createdExpired()) {
          dispatcher.addEvent(CacheEntryExpiredListener.class,
              new TesseraCacheEntryEvent<K, V>(this, key, newValue, newValue, EXPIRED));
        } else {
          dispatcher.addEvent(CacheEntryCreatedListener.class,
              new TesseraCacheEntryEvent<K, V>(this, key, newValue, CREATED));
          if (statisticsEnabled() && o.operation() == MutableEntryOperation.CREATE) {
            statistics.increaseCachePuts(1);
            statistics.addPutTimeNano(System.nanoTime() - start);
          }
        }
      }
      case UPDATE -> {
        dispatcher.addEvent(CacheEntryUpdatedListener.class,
            new TesseraCacheEntryEvent<K, V>(this, key, newValue, oldValue, UPDATED));
        if (statisticsEnabled()) {
          statistics.increaseCachePuts(1);
          statistics.addPutTimeNano(System.nanoTime() - start);
        }
      }
      case REMOVE -> {
        dispatcher.addEvent(CacheEntryRemovedListener.class,
            new TesseraCacheEntryEvent<K, V>(this, key, oldValue, oldValue, REMOVED));
        if (statisticsEnabled()) {
          statistics.increaseCacheRemovals(1);
          statistics.addRemoveTimeNano(System.nanoTime() - start);
        }
      }
      default -> { }
    }
    dispatcher.dispatch(listenerRegistrations);
    return o.result() == null ? null : values.fromInternal(TesseraSerializingInternalConverter.Serialized.ofBytes(o.result()));
  }
}
