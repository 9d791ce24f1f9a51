package io.sluice.spi;

import java.util.regex.Pattern;

/** The one rule for user-given names (graph, node and port ids): they become topic names, URLs and YAML keys. */
public final class Names {

    public static final String RULE = "letters, digits, '_' and '-'";

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]+");

    private Names() {}

    /** Returns {@code null} when the name is valid, otherwise what is wrong with it. */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "must not be empty";
        }
        if (!VALID.matcher(name).matches()) {
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (!(Character.isLetterOrDigit(c) && c < 128) && c != '_' && c != '-') {
                    return "may hold only " + RULE + "; found '" + c + "' at index " + i;
                }
            }
        }
        return null;
    }
}
