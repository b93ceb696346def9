package dev.tessera.grid.core.serialization;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Application-like types used by the serialization tests. */
final class TestTypes {
    private TestTypes() {}

    enum Status {
        NEW,
        PAID,
        SHIPPED
    }

    /** An enum whose constants have bodies (each constant is its own anonymous subclass). */
    enum Op {
        ADD {
            @Override
            int apply(int a, int b) {
                return a + b;
            }
        },
        MUL {
            @Override
            int apply(int a, int b) {
                return a * b;
            }
        };

        abstract int apply(int a, int b);
    }

    record Money(BigDecimal amount, String currency) {}

    record Line(String sku, int quantity, Money price) {}

    record Order(long id, String customer, List<Line> lines, Status status, Money total) {}

    record CustomerKey(String tenant, long id) {}

    record Marker() {}

    record Markers(List<Marker> markers) {}

    record Attributes(String name, Map<String, String> attributes) {}

    record Wrapper(Object payload) {}

    record Node(String name, List<Node> children) {}

    /** Not registered anywhere: tests use it as the offending type. */
    record Unregistered(String what) {}

    record HasUnregistered(String name, Unregistered inner) {}

    sealed interface Shape permits Circle, Square {}

    record Circle(double radius) implements Shape {}

    record Square(double side) implements Shape {}

    interface NotSealed {}

    /** A plain mutable class with a no-arg constructor (FieldSerializer). */
    static final class Account {
        String owner;
        long balance;
        ArrayList<String> tags = new ArrayList<>();

        Account() {}

        Account(String owner, long balance, List<String> tags) {
            this.owner = owner;
            this.balance = balance;
            this.tags.addAll(tags);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Account a && Objects.equals(owner, a.owner) && balance == a.balance
                    && tags.equals(a.tags);
        }

        @Override
        public int hashCode() {
            return Objects.hash(owner, balance, tags);
        }
    }

    /** A class without fields: serialized as a one-byte marker. */
    static final class Token {
        @Override
        public boolean equals(Object o) {
            return o instanceof Token;
        }

        @Override
        public int hashCode() {
            return 1;
        }
    }

    /** A class whose map field makes it unusable as a key. */
    static final class KeyWithMap {
        String name;
        HashMap<String, Integer> parts = new HashMap<>();
    }
}
