package io.sluice.spi;

import java.util.regex.Pattern;

/** The one rule for user-given names (graph, node and port ids): they become topic names, URLs and YAML keys. */
public final class Names {

    public static final String RULE = "letters, digits, '_' and '-'";

    /**
     * Joins a sub-graph's prefix to the ids of its nodes: {@code b1} and {@code upper} give {@code b1-upper}. A
     * hyphen, because the result must stay a valid id by {@link #RULE}; a dot would read as a port in edge expressions
     * ({@code node.port}) and topic names ({@code <graph>.<node>.<port>}), and an underscore would let Kafka's metric
     * names, which turn dots into underscores, mistake {@code b1_upper} for node {@code b1}'s port {@code upper}.
     */
    public static final String SUB_GRAPH_SEPARATOR = "-";

    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]+");

    private Names() {}

    /** The id a sub-graph added as {@code prefix} gives its node {@code id}: {@code prefix-id}. */
    public static String qualify(String prefix, String id) {
        return prefix + SUB_GRAPH_SEPARATOR + id;
    }

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
