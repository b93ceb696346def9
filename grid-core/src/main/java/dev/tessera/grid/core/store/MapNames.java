package dev.tessera.grid.core.store;

/**
 * The rule for map names, checked wherever a map is created (locally or by another member's message).
 *
 * <p>Why this rule: names travel in every message and show up in logs, metrics and HTTP paths, so
 * they are kept short and free of spaces, control characters, quotes and separators that need
 * escaping; letters, digits and {@code . _ - : /} leave room for namespaces ({@code orders/eu},
 * {@code app:cache}).
 */
public final class MapNames {
    /** Longest map name, in characters. */
    public static final int MAX_LENGTH = 200;
    static final String RULE = "1 to " + MAX_LENGTH + " characters from A-Z a-z 0-9 . _ - : /";

    private MapNames() {}

    /**
     * @return {@code name}
     * @throws IllegalArgumentException if {@code name} is null, empty, longer than {@link #MAX_LENGTH} or has
     *                                  another character than letters, digits and {@code . _ - : /}
     */
    public static String validate(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("Map name " + describe(name) + " is invalid: a map name is " + RULE);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isAllowed(c)) {
                throw new IllegalArgumentException("Map name " + describe(name) + " is invalid: character "
                        + (c < 0x20 || c > 0x7e ? String.format("U+%04X", (int) c) : "'" + c + "'") + " at index " + i
                        + " is not allowed; a map name is " + RULE);
            }
        }
        return name;
    }

    private static boolean isAllowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '-' || c == ':' || c == '/';
    }

    /** The name for a message: quoted, cut at 40 characters, printable. */
    private static String describe(String name) {
        if (name == null) {
            return "null";
        }
        String cut = name.length() > 40 ? name.substring(0, 40) + "...(" + name.length() + " chars)" : name;
        return "'" + cut.replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }
}
