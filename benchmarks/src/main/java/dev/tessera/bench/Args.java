package dev.tessera.bench;

import java.util.HashMap;
import java.util.Map;

/** {@code --name=value} and {@code --flag} arguments. */
final class Args {
    private final Map<String, String> values = new HashMap<>();

    Args(String[] args, int from) {
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "' (expected --name=value)");
            }
            int eq = a.indexOf('=');
            if (eq < 0) {
                values.put(a.substring(2), "true");
            } else {
                values.put(a.substring(2, eq), a.substring(eq + 1));
            }
        }
    }

    String get(String name, String def) {
        return values.getOrDefault(name, def);
    }

    String require(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + name + "=...");
        }
        return v;
    }

    int getInt(String name, int def) {
        String v = values.get(name);
        return v == null ? def : Integer.parseInt(v.replace("_", ""));
    }

    long getLong(String name, long def) {
        String v = values.get(name);
        return v == null ? def : Long.parseLong(v.replace("_", ""));
    }

    boolean flag(String name) {
        return Boolean.parseBoolean(values.getOrDefault(name, "false"));
    }
}
