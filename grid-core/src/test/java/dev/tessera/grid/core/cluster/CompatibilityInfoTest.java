package dev.tessera.grid.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.grid.core.serialization.TypeShapes;
import dev.tessera.grid.core.serialization.WireFormat;
import dev.tessera.grid.core.wire.CompatibilityInfo;
import dev.tessera.grid.core.wire.CompatibilityInfo.RegisteredType;
import dev.tessera.grid.core.wire.Messages;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The description members compare at join: its fingerprint, its wire form and the differences it names. */
class CompatibilityInfoTest {
    record Order(String id, int quantity) {}

    enum Colour { RED, GREEN }

    static class Legacy {
        static int ignoredStatic;
        transient int ignoredTransient;
        long cents;
    }

    static class Derived extends Legacy {
        String note;
    }

    @Test
    void fingerprint_dependsOnTypesAndPartitions_notOnRegistrationOrderOrMemberName() {
        Map<Class<?>, Integer> ab = new LinkedHashMap<>();
        ab.put(Order.class, 7);
        ab.put(Colour.class, 9);
        Map<Class<?>, Integer> ba = new LinkedHashMap<>();
        ba.put(Colour.class, 9);
        ba.put(Order.class, 7);
        String f = CompatibilityInfo.of("m1", 271, ab).fingerprint();
        assertThat(CompatibilityInfo.of("m2", 271, ba).fingerprint()).isEqualTo(f).hasSize(16);
        assertThat(CompatibilityInfo.of("m1", 128, ab).fingerprint()).isNotEqualTo(f);
        assertThat(CompatibilityInfo.of("m1", 271, Map.of(Order.class, 7)).fingerprint()).isNotEqualTo(f);
        CompatibilityInfo reshaped = new CompatibilityInfo("m1", WireFormat.VERSION, 271, List.of(
                new RegisteredType(Order.class.getName(), 7, "record(id:java.lang.String,quantity:long)"),
                new RegisteredType(Colour.class.getName(), 9, TypeShapes.of(Colour.class))));
        assertThat(reshaped.fingerprint()).isNotEqualTo(f);
    }

    @Test
    void encode_roundTrips() {
        CompatibilityInfo info = CompatibilityInfo.of("m1", 271, Map.of(Order.class, 7, Colour.class, 9));
        assertThat(Messages.decode(info.encode(), CompatibilityInfo.class)).isEqualTo(info);
    }

    @Test
    void shapes_nameComponentsConstantsAndSerializedFields() {
        assertThat(TypeShapes.of(Order.class)).isEqualTo("record(id:java.lang.String,quantity:int)");
        assertThat(TypeShapes.of(Colour.class)).isEqualTo("enum(RED,GREEN)");
        assertThat(TypeShapes.of(Derived.class)).isEqualTo("class(cents:long,note:java.lang.String)");
    }

    @Test
    void differences_nameEverySettingAndType() {
        String order = Order.class.getName();
        CompatibilityInfo cluster = new CompatibilityInfo("m1", 1, 271, List.of(
                new RegisteredType(order, 7, "record(id:java.lang.String,quantity:int)"),
                new RegisteredType("com.acme.Invoice", 8, "record()")));
        CompatibilityInfo member = new CompatibilityInfo("m3", 2, 128, List.of(
                new RegisteredType(order, 7, "record(id:java.lang.String,quantity:long)"),
                new RegisteredType("com.acme.Refund", 41, "record()")));
        assertThat(CompatibilityDiff.between(member, cluster)).containsExactly(
                "wire format version: member m3 has 2, the cluster has 1",
                "partitionCount: member m3 has 128, the cluster has 271",
                order + " has another shape: record(id:java.lang.String,quantity:long) on member m3,"
                        + " record(id:java.lang.String,quantity:int) in the cluster",
                "member m3 registers com.acme.Refund as id 41, the cluster does not register it",
                "the cluster registers com.acme.Invoice as id 8, member m3 does not register it");
        assertThat(CompatibilityDiff.between(cluster, cluster)).isEmpty();
    }

    @Test
    void manyTypeDifferences_areCappedInOneLine() {
        List<RegisteredType> many = new ArrayList<>();
        for (int i = 0; i < CompatibilityDiff.MAX_TYPE_LINES + 5; i++) {
            many.add(new RegisteredType("com.acme.T" + i, 100 + i, "record()"));
        }
        List<String> lines = CompatibilityDiff.between(new CompatibilityInfo("m3", 1, 271, many),
                new CompatibilityInfo("m1", 1, 271, List.of()));
        assertThat(lines).hasSize(CompatibilityDiff.MAX_TYPE_LINES + 1).last().isEqualTo("... and 5 more type differences");
    }
}
