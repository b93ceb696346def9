package dev.tessera.grid.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.jgroups.util.ExtendedUUID;
import org.junit.jupiter.api.Test;

class MemberIdTest {

    @Test
    void parse_ofTheUniqueName_isTheSameMember() {
        MemberId id = MemberId.random();
        assertThat(MemberId.parse(id.uniqueName())).isEqualTo(id).hasSameHashCodeAs(id);
    }

    @Test
    void parse_matchesAnExtendedAddress_asTheFiltersCompareThem() {
        MemberId extended = MemberId.of(ExtendedUUID.randomUUID());
        MemberId parsed = MemberId.parse(extended.uniqueName());
        assertThat(parsed).isEqualTo(extended).hasSameHashCodeAs(extended);
        assertThat(extended).isEqualTo(parsed);
        assertThat(parsed.address()).isEqualTo(extended.address());
    }

    @Test
    void parse_refusesWhatIsNotAUniqueName() {
        for (String bad : new String[] {"m1", "", "12345678-1234-1234-1234"}) {
            assertThatThrownBy(() -> MemberId.parse(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a member id");
        }
        assertThatThrownBy(() -> MemberId.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
