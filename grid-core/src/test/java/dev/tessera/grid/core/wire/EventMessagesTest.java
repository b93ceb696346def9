package dev.tessera.grid.core.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.grid.EntryEventType;
import dev.tessera.grid.core.wire.EventMessages.EntryEvents;
import dev.tessera.grid.core.wire.EventMessages.EntryEvents.Event;
import dev.tessera.grid.core.wire.EventMessages.ListenerInterests;
import dev.tessera.grid.core.wire.EventMessages.ListenerInterests.Interest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The entry-listener messages: pinned ids, round trips, and rejection of malformed input. */
class EventMessagesTest {
    @Test
    void ids_arePinned() {
        assertThat(MessageType.LISTENER_INTERESTS.id).isEqualTo((byte) 18);
        assertThat(MessageType.ENTRY_EVENTS.id).isEqualTo((byte) 19);
        assertThat(EntryEventType.values()).containsExactly(EntryEventType.ADDED, EntryEventType.UPDATED,
                EntryEventType.REMOVED, EntryEventType.EXPIRED, EntryEventType.EVICTED); // ordinals are wire ids
    }

    @Test
    void listenerInterests_roundTrip() {
        ListenerInterests m = new ListenerInterests(42, List.of(new Interest("a", true), new Interest("b", false)));
        assertThat(Messages.decode(m.encode(), ListenerInterests.class)).isEqualTo(m);
        ListenerInterests empty = new ListenerInterests(1, List.of());
        assertThat(Messages.decode(empty.encode(), ListenerInterests.class)).isEqualTo(empty);
    }

    @Test
    void entryEvents_roundTrip_withAndWithoutValues() {
        EntryEvents m = new EntryEvents("map", List.of(
                new Event(EntryEventType.ADDED, new byte[] {1}, new byte[] {2, 3}, null),
                new Event(EntryEventType.EVICTED, new byte[] {4}, null, null)));
        EntryEvents back = Messages.decode(m.encode(), EntryEvents.class);
        assertThat(back.map()).isEqualTo("map");
        assertThat(back.events()).hasSize(2);
        assertThat(back.events().get(0).type()).isEqualTo(EntryEventType.ADDED);
        assertThat(back.events().get(0).key()).containsExactly(1);
        assertThat(back.events().get(0).value()).containsExactly(2, 3);
        assertThat(back.events().get(0).oldValue()).isNull();
        assertThat(back.events().get(1).type()).isEqualTo(EntryEventType.EVICTED);
        assertThat(back.events().get(1).value()).isNull();
    }

    @Test
    void unknownEventType_isMalformed() {
        byte[] bytes = new EntryEvents("m", List.of(new Event(EntryEventType.ADDED, new byte[] {1}, null, null))).encode();
        int typeAt = 1 + 4 + 1 + 4; // type byte, map string (length + "m"), count
        bytes[typeAt] = 9;
        assertThatThrownBy(() -> Messages.decode(bytes)).isInstanceOf(MalformedMessageException.class)
                .hasMessageContaining("unknown entry event type 9");
    }
}
