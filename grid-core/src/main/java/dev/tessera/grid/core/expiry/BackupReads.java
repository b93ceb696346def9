package dev.tessera.grid.core.expiry;

import dev.tessera.grid.core.store.Bytes;
import dev.tessera.grid.core.store.MapContainer;
import dev.tessera.grid.core.store.Record;

/**
 * Whether a backup copy may answer a read ({@code readFromBackup}). Only the primary decides expiry:
 * a backup never sees the primary's reads, so a copy that looks idle (or expired) here may still be
 * live there, and one past its time-to-live is about to be removed by the primary anyway.
 */
public final class BackupReads {
    private BackupReads() {}

    /** Whether the local copy of {@code key} looks expired at {@code nowMillis}, so the primary must answer. */
    public static boolean mustAskPrimary(MapContainer map, int p, Bytes key, long nowMillis) {
        Record r = map.peek(p).getLive(key);
        return r != null && map.isExpired(r, nowMillis);
    }
}
