package dev.tessera.grid.core.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.EntryEventType;
import dev.tessera.grid.core.replication.ChangeCause;
import dev.tessera.grid.core.store.Record;
import org.junit.jupiter.api.Test;

/** Which event each change a primary reports is. */
class EventTypesTest {
    private static final Record LIVE = new Record(new byte[] {7}, new byte[] {1}, 1, 1);
    private static final Record TOMBSTONE = new Record(new byte[] {7}, null, 2, 2);

    @Test
    void liveAfter_isAddedOrUpdated_whateverTheCause() {
        for (ChangeCause cause : ChangeCause.values()) {
            assertThat(EventTypes.of(null, LIVE, cause)).isEqualTo(EntryEventType.ADDED);
            assertThat(EventTypes.of(TOMBSTONE, LIVE, cause)).isEqualTo(EntryEventType.ADDED);
            assertThat(EventTypes.of(LIVE, LIVE, cause)).isEqualTo(EntryEventType.UPDATED);
        }
    }

    @Test
    void removalOfLiveEntry_isNamedByItsCause() {
        assertThat(EventTypes.of(LIVE, TOMBSTONE, ChangeCause.WRITE)).isEqualTo(EntryEventType.REMOVED);
        assertThat(EventTypes.of(LIVE, TOMBSTONE, ChangeCause.MERGED)).isEqualTo(EntryEventType.REMOVED);
        assertThat(EventTypes.of(LIVE, TOMBSTONE, ChangeCause.EXPIRED)).isEqualTo(EntryEventType.EXPIRED);
        assertThat(EventTypes.of(LIVE, TOMBSTONE, ChangeCause.EVICTED)).isEqualTo(EntryEventType.EVICTED);
    }

    @Test
    void absentStayingAbsent_isNoEvent() {
        for (ChangeCause cause : ChangeCause.values()) {
            assertThat(EventTypes.of(null, TOMBSTONE, cause)).isNull();
            assertThat(EventTypes.of(TOMBSTONE, TOMBSTONE, cause)).isNull();
        }
    }
}
