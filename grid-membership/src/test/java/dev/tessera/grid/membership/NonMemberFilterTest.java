package dev.tessera.grid.membership;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A joiner's burst before its first view: requests from a member that installed the view first are held and handed
 * on when the view arrives (a dropped one would leave its caller waiting for a timeout), within bounds on frames and
 * bytes; frames of senders the view does not contain are dropped.
 */
class NonMemberFilterTest {
    private final MemberId coordinator = MemberId.random();
    private final MemberId stranger = MemberId.random();
    private final AtomicReference<ClusterView> view = new AtomicReference<>();
    private final NonMemberFilter filter = new NonMemberFilter("joiner", view::get);

    @Test
    void aBurstOfRequestsBeforeTheFirstView_isHandedOnWhenTheViewAdmitsItsSender() {
        int burst = 1_500; // a 4-thread bulk load's in-flight PUT_ALLs
        for (int i = 0; i < burst; i++) {
            assertThat(filter.admits(coordinator, Frames.REQUEST, frame(i, 200), 0, 200)).isFalse();
        }
        filter.admits(stranger, Frames.REQUEST, frame(-1, 200), 0, 200);

        List<byte[]> delivered = new ArrayList<>();
        filter.publish(viewOf(coordinator), view::set, (sender, frame) -> delivered.add(frame));

        assertThat(delivered).hasSize(burst);
        assertThat(delivered.get(0)[1]).isEqualTo((byte) 0);
        assertThat(delivered.get(burst - 1)[1]).isEqualTo((byte) (burst - 1));
        assertThat(filter.rejected()).as("only the stranger's frame").isEqualTo(1);
        assertThat(filter.admits(coordinator, Frames.REQUEST, frame(0, 200), 0, 200)).as("a member now").isTrue();
    }

    @Test
    void parkedFramesAreBoundedInCountAndBytes() {
        for (int i = 0; i < NonMemberFilter.MAX_PARKED + 10; i++) {
            filter.admits(stranger, Frames.REQUEST, frame(i, 16), 0, 16);
        }
        assertThat(filter.rejected()).as("the oldest beyond the count bound").isEqualTo(10);

        NonMemberFilter bytes = new NonMemberFilter("joiner", view::get);
        int big = 4 << 20;
        int fit = (int) (NonMemberFilter.MAX_PARKED_BYTES / big);
        for (int i = 0; i < fit + 3; i++) {
            bytes.admits(stranger, Frames.REQUEST, frame(i, big), 0, big);
        }
        assertThat(bytes.rejected()).as("the oldest beyond the byte bound").isEqualTo(3);
    }

    private static byte[] frame(int i, int size) {
        byte[] b = new byte[size];
        b[0] = Frames.REQUEST;
        b[1] = (byte) i;
        return b;
    }

    private static ClusterView viewOf(MemberId... ids) {
        List<MemberInfo> members = new ArrayList<>();
        for (MemberId id : ids) {
            members.add(new MemberInfo(id, id.toString(), null));
        }
        return new ClusterView(1, members, false);
    }
}
