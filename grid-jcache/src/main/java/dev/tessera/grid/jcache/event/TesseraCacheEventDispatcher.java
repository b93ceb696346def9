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
package dev.tessera.grid.jcache.event;

import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.Cache;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Collects and appropriately dispatches {@link CacheEntryEvent}s to
 * {@link CacheEntryListener}s.
 *
 * @param <K> the type of keys
 * @param <V> the type of values
 * @author Brian Oliver
 */
public class TesseraCacheEventDispatcher<K, V> {

  /**
   * The map of {@link CacheEntryEvent}s to deliver, keyed by the class of
   * {@link CacheEntryListener} to which they should be dispatched.
   */
  private final ConcurrentHashMap<Class<?>, List<CacheEntryEvent<K, V>>> eventMap;

  /**
   * Constructs an {@link TesseraCacheEventDispatcher}.
   */
  public TesseraCacheEventDispatcher() {
    this.eventMap = new ConcurrentHashMap<>();
  }

  /**
   * Requests that the specified event be prepared for dispatching to the
   * specified type of listeners.
   *
   * @param listenerClass the class of {@link CacheEntryListener} that should
   *                      receive the event
   * @param event         the event to be dispatched
   */
  public void addEvent(Class<?> listenerClass,
                       CacheEntryEvent<K, V> event) {
    if (listenerClass == null) {
      throw new NullPointerException("listenerClass can't be null");
    }

    if (event == null) {
      throw new NullPointerException("event can't be null");
    }

    if (!listenerClass.isInterface() || !CacheEntryListener.class.isAssignableFrom(listenerClass)) {
      throw new IllegalArgumentException("listenerClass must be an CacheEntryListener interface");
    }

    //for safety
    List<CacheEntryEvent<K, V>> eventList = eventMap.computeIfAbsent(listenerClass, c -> new ArrayList<>());
    synchronized (eventList) {
      eventList.add(event);
    }
  }

  /**
   * Dispatches the added events to the listeners defined by the specified
   * {@link CacheEntryListenerConfiguration}s.
   *
   * @param registrations the {@link TesseraCacheEntryListenerRegistration}s defining
   *                      {@link CacheEntryListener}s to which to dispatch events
   * @see #addEvent(Class, CacheEntryEvent)
   */
  public void dispatch(Iterable<TesseraCacheEntryListenerRegistration<K, V>> registrations) {

    //TODO: we could really optimize this implementation

    //TODO: we need to handle exceptions here

    //TODO: we need to work out which events should be raised synchronously or asynchronously

    //TODO: we need to remove/hide old values appropriately

    Iterable<CacheEntryEvent<K, V>> events;

    try {

      //notify expiry listeners
      events = eventMap.get(CacheEntryExpiredListener.class);
      if (events != null) {
        for (TesseraCacheEntryListenerRegistration<K, V> registration : registrations) {
          CacheEntryEventFilter<? super K, ? super V> filter = registration.getCacheEntryFilter();
          Iterable<CacheEntryEvent<K, V>> iterable =
              filter == null ? events : new TesseraCacheEntryEventFilteringIterable<K, V>(events, filter);

          CacheEntryListener<? super K, ? super V> listener = registration.getCacheEntryListener();
          if (listener instanceof CacheEntryExpiredListener) {
            TesseraCacheEventDispatcher.<CacheEntryExpiredListener<K, V>>narrow(listener).onExpired(cloneEvents(registration, iterable));
          }
        }
      }

      //notify create listeners
      events = eventMap.get(CacheEntryCreatedListener.class);
      if (events != null) {
        for (TesseraCacheEntryListenerRegistration<K, V> registration : registrations) {
          CacheEntryEventFilter<? super K, ? super V> filter = registration.getCacheEntryFilter();
          Iterable<CacheEntryEvent<K, V>> iterable =
              filter == null ? events : new TesseraCacheEntryEventFilteringIterable<K, V>(events, filter);

          CacheEntryListener<? super K, ? super V> listener = registration.getCacheEntryListener();
          if (listener instanceof CacheEntryCreatedListener) {
            TesseraCacheEventDispatcher.<CacheEntryCreatedListener<K, V>>narrow(listener).onCreated(widen(iterable));
          }
        }
      }

      //notify update listeners
      events = eventMap.get(CacheEntryUpdatedListener.class);
      if (events != null) {
        for (TesseraCacheEntryListenerRegistration<K, V> registration : registrations) {
          CacheEntryEventFilter<? super K, ? super V> filter = registration.getCacheEntryFilter();
          Iterable<CacheEntryEvent<K, V>> iterable =
              filter == null ? events : new TesseraCacheEntryEventFilteringIterable<K, V>(events, filter);

          CacheEntryListener<? super K, ? super V> listener = registration.getCacheEntryListener();
          if (listener instanceof CacheEntryUpdatedListener) {
            TesseraCacheEventDispatcher.<CacheEntryUpdatedListener<K, V>>narrow(listener).onUpdated(cloneEvents(registration, iterable));
          }
        }
      }

      //notify remove listeners
      events = eventMap.get(CacheEntryRemovedListener.class);
      if (events != null) {
        for (TesseraCacheEntryListenerRegistration<K, V> registration : registrations) {
          CacheEntryEventFilter<? super K, ? super V> filter = registration.getCacheEntryFilter();
          Iterable<CacheEntryEvent<K, V>> iterable =
              filter == null ? events : new TesseraCacheEntryEventFilteringIterable<K, V>(events, filter);

          CacheEntryListener<? super K, ? super V> listener = registration.getCacheEntryListener();
          if (listener instanceof CacheEntryRemovedListener) {
            TesseraCacheEventDispatcher.<CacheEntryRemovedListener<K, V>>narrow(listener).onRemoved(cloneEvents(registration, iterable));
          }
        }
      }
    } catch (Exception e) {
      if (!(e instanceof CacheEntryListenerException)) {
        throw new CacheEntryListenerException("Exception on listener execution", e);
      } else {
        throw e;
      }
    }
  }

  /**
   * The listener as the sub-interface it was checked to implement, with the cache's own types: a listener registered
   * for supertypes of K and V accepts events of K and V, which Java's wildcards cannot say.
   */
  @SuppressWarnings("unchecked")
  private static <L extends CacheEntryListener<?, ?>> L narrow(CacheEntryListener<?, ?> listener) {
    return (L) listener;
  }

  /** The listener interfaces take events of subtypes; an iterable that is only read can be seen as one of them. */
  @SuppressWarnings("unchecked")
  private static <K, V> Iterable<CacheEntryEvent<? extends K, ? extends V>> widen(Iterable<CacheEntryEvent<K, V>> events) {
    return (Iterable<CacheEntryEvent<? extends K, ? extends V>>) (Iterable<?>) events;
  }

  /** {@link CacheEntryEvent#getSource()} is declared raw; the events queued here come from a cache of K and V. */
  @SuppressWarnings("unchecked")
  private static <K, V> Cache<K, V> sourceOf(CacheEntryEvent<K, V> event) {
    return (Cache<K, V>) event.getSource();
  }

  private List<CacheEntryEvent<? extends K, ? extends V>> cloneEvents(TesseraCacheEntryListenerRegistration<K, V> registration,
                                                  Iterable<CacheEntryEvent<K, V>> events) {
    List<CacheEntryEvent<? extends K, ? extends V>> dispatchedEvents = new ArrayList<>();
    // clone events, setting or not the old value depending on registration properties
    for (CacheEntryEvent<K, V> event : events) {
      Cache<K, V> source = sourceOf(event);
      TesseraCacheEntryEvent<K, V> dispatchedEvent;
      if (registration.isOldValueRequired()) {
        dispatchedEvent = new TesseraCacheEntryEvent<>(source, event.getKey(), event.getValue(), event.getOldValue(), event.getEventType());
      } else {
        if (event.getEventType() == EventType.REMOVED || event.getEventType() == EventType.EXPIRED) {
          // Since JCache 1.1, removed & expired events have to return oldValue or null when oldValueRequired == false
          // RI chooses to return null as old value and oldValueAvailable is false in this case
          dispatchedEvent = new TesseraCacheEntryEvent<>(source, event.getKey(), null, null,
                  event.getEventType(), false);
        } else {
          dispatchedEvent = new TesseraCacheEntryEvent<>(source, event.getKey(), event.getValue(), null,
                  event.getEventType(), false);
        }
      }
      dispatchedEvents.add(dispatchedEvent);
    }
    return dispatchedEvents;
  }

}
