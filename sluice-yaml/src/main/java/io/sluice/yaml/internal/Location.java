package io.sluice.yaml.internal;

import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Where something was defined in a pipeline file: the line and the path of keys ({@code nodes[2].parallelism}). Kept
 * with every node and edge read, so that a problem found later — by graph validation — points at its line without
 * reading the problem's words.
 *
 * @param line 1-based
 * @param path the keys leading to the value, empty for the file as a whole
 */
record Location(int line, String path) {

    /** The start of {@code value}, at {@code path}. */
    static Location of(Node value, String path) {
        return new Location(line(value), path);
    }

    /** {@code file:line path}. */
    String describe(String file) {
        return file + ":" + line + (path.isEmpty() ? "" : " " + path);
    }

    /** {@code file:line path: }, the prefix of a problem. */
    String prefix(String file) {
        return describe(file) + ": ";
    }

    /** The 1-based line where {@code value} starts. */
    static int line(Node value) {
        return value.getStartMark().map(Mark::getLine).map(l -> l + 1).orElse(1);
    }
}
