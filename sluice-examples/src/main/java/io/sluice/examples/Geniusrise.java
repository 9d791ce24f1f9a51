package io.sluice.examples;

import io.sluice.Emitter;
import io.sluice.Node;
import java.util.Locale;

/**
 * The bolts of the geniusrise design's two example pipelines ({@code examples/geniusrise-*.yaml}): the design leaves
 * the operation open ("perform some operation"); these normalise text records.
 */
public final class Geniusrise {

    private Geniusrise() {}

    /** Trims a record and upper-cases it; a blank record is dropped. */
    public static final class Normalize implements Node<String, String> {
        @Override
        public void process(String record, Emitter<String> out) {
            String trimmed = record.strip();
            if (!trimmed.isEmpty()) {
                out.emit(trimmed.toUpperCase(Locale.ROOT));
            }
        }
    }
}
