package dev.tessera.demo;

import java.util.Collection;
import java.util.Map;

/**
 * A very small JSON writer for the status endpoint: objects, arrays, strings, numbers, booleans and
 * null. Enough for {@code /api/status}; no parsing.
 */
final class Json {
    private final StringBuilder out = new StringBuilder(4096);
    /** Per open container: whether the next element needs a comma. */
    private final java.util.ArrayDeque<boolean[]> stack = new java.util.ArrayDeque<>();
    /** A field name was written; the next value belongs to it. */
    private boolean pendingValue;

    Json beginObject() {
        element();
        out.append('{');
        stack.push(new boolean[] {false});
        return this;
    }

    Json endObject() {
        stack.pop();
        out.append('}');
        return this;
    }

    Json beginArray() {
        element();
        out.append('[');
        stack.push(new boolean[] {false});
        return this;
    }

    Json endArray() {
        stack.pop();
        out.append(']');
        return this;
    }

    /** Writes a field name; the next call writes its value. */
    Json name(String name) {
        element();
        string(name);
        out.append(':');
        pendingValue = true; // the value that follows gets no comma of its own
        return this;
    }

    Json value(String s) {
        element();
        if (s == null) {
            out.append("null");
        } else {
            string(s);
        }
        return this;
    }

    Json value(long n) {
        element();
        out.append(n);
        return this;
    }

    Json value(boolean b) {
        element();
        out.append(b);
        return this;
    }

    Json nullValue() {
        element();
        out.append("null");
        return this;
    }

    Json field(String name, String v) {
        return name(name).value(v);
    }

    Json field(String name, long v) {
        return name(name).value(v);
    }

    Json field(String name, boolean v) {
        return name(name).value(v);
    }

    Json stringArray(String name, Collection<String> values) {
        name(name).beginArray();
        for (String v : values) {
            value(v);
        }
        return endArray();
    }

    Json longMap(String name, Map<String, Long> values) {
        name(name).beginObject();
        values.forEach((k, v) -> field(k, v));
        return endObject();
    }

    private void element() {
        if (pendingValue) {
            pendingValue = false;
            return;
        }
        if (stack.isEmpty()) {
            return;
        }
        boolean[] top = stack.peek();
        if (top[0]) {
            out.append(',');
        }
        top[0] = true;
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
