package dev.tessera.grid.core.bounds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.grid.core.TesseraGrid;
import dev.tessera.grid.testkit.TestCluster;
import org.junit.jupiter.api.Test;

/** Map names: 1..200 characters from A-Z a-z 0-9 . _ - : /, refused with the rule otherwise. */
class MapNameTest {

    @Test
    void invalidNames_areRefusedWithTheRule_validOnesWork() {
        try (TestCluster cluster = TestCluster.start(1)) {
            TesseraGrid m = cluster.member(0);
            for (String bad : new String[] {"", "a b", "caf\u00e9", "x\ny", "a\"b", "a;b", "x".repeat(201), "<script>"}) {
                assertThatThrownBy(() -> m.map(bad)).as("name %s", bad)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("1 to 200 characters from A-Z a-z 0-9 . _ - : /");
            }
            assertThatThrownBy(() -> m.map(null)).isInstanceOf(IllegalArgumentException.class);
            assertThat(m.storage().size()).as("nothing was created").isZero();
            for (String good : new String[] {"orders", "orders/eu:v1.2_x-y", "x".repeat(200), "A-Z_0.9"}) {
                m.<String, String>map(good).put("k", "v");
                assertThat(m.<String, String>map(good).get("k")).isEqualTo("v");
            }
        }
    }
}
