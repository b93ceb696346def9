package dev.tessera.grid.core.replication;

import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.Record;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The member's {@link ChangeObserver}s, told in registration order; one that throws is logged, not propagated. */
public final class ChangeObservers implements ChangeObserver {
    private static final Logger log = LoggerFactory.getLogger(ChangeObservers.class);

    private final CopyOnWriteArrayList<ChangeObserver> observers = new CopyOnWriteArrayList<>();

    public void add(ChangeObserver observer) {
        observers.add(observer);
    }

    @Override
    public void onChange(MapContainer map, int partition, Bytes key, Record before, Record after, ChangeCause cause) {
        for (ChangeObserver o : observers) {
            try {
                o.onChange(map, partition, key, before, after, cause);
            } catch (RuntimeException e) {
                log.error("Change observer {} failed on map {} partition {}", o, map.name(), partition, e);
            }
        }
    }
}
