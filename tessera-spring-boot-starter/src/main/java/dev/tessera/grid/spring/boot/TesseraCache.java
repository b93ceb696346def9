package dev.tessera.grid.spring.boot;

import dev.tessera.grid.GridLoadException;
import dev.tessera.grid.GridMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.springframework.cache.support.AbstractValueAdaptingCache;

/**
 * A Spring {@link org.springframework.cache.Cache} over one {@link GridMap}: entries are shared by every member, and
 * {@code @Cacheable(sync = true)} loads a missing key once across the cluster ({@link GridMap#getOrLoad}). Keys and
 * values must be types the grid stores (strings, numbers, records of {@code tessera.registered-types}); a null result
 * is not cached (add {@code unless = "#result == null"}).
 */
public class TesseraCache extends AbstractValueAdaptingCache {
    private final GridMap<Object, Object> map;

    public TesseraCache(GridMap<Object, Object> map) {
        super(false);
        this.map = map;
    }

    @Override
    public String getName() {
        return map.name();
    }

    @Override
    public GridMap<Object, Object> getNativeCache() {
        return map;
    }

    @Override
    protected Object lookup(Object key) {
        return map.get(key);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(Object key, Callable<T> valueLoader) {
        try {
            return (T) map.getOrLoad(key, k -> {
                try {
                    return valueLoader.call();
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new LoaderFailure(e);
                }
            });
        } catch (RuntimeException e) {
            throw new ValueRetrievalException(key, valueLoader, loaderFailure(e));
        }
    }

    @Override
    public CompletableFuture<?> retrieve(Object key) {
        return map.getAsync(key);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
        return map.getAsync(key).thenCompose(cached -> cached != null ? CompletableFuture.completedFuture((T) cached)
                : valueLoader.get().thenCompose(loaded -> loaded == null ? CompletableFuture.completedFuture(null)
                        : map.setAsync(key, loaded).thenApply(done -> loaded)));
    }

    @Override
    public void put(Object key, Object value) {
        map.set(key, toStoreValue(value));
    }

    @Override
    public ValueWrapper putIfAbsent(Object key, Object value) {
        return toValueWrapper(map.putIfAbsent(key, toStoreValue(value)));
    }

    @Override
    public void evict(Object key) {
        map.delete(key);
    }

    @Override
    public boolean evictIfPresent(Object key) {
        return map.remove(key) != null;
    }

    @Override
    public void clear() {
        map.clear();
    }

    @Override
    public boolean invalidate() {
        boolean had = !map.isEmpty();
        map.clear();
        return had;
    }

    /** What the loader threw, without the grid's and this class's wrappers; otherwise the grid's own failure. */
    private static Throwable loaderFailure(RuntimeException e) {
        Throwable t = e;
        while ((t instanceof GridLoadException || t instanceof LoaderFailure) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Carries a checked exception of the loader through {@link GridMap#getOrLoad}. */
    private static final class LoaderFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LoaderFailure(Exception cause) {
            super(cause);
        }
    }
}
