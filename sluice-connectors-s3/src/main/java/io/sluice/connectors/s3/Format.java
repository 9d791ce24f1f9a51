package io.sluice.connectors.s3;

import io.sluice.spi.Suggestions;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How the objects a source reads, and the part files a sink writes, hold their records, and what type the records are
 * as items. UTF-8 throughout; every format is line-based, so a file is read and written as a stream.
 *
 * <ul>
 *   <li>{@link #LINES}: one item per line, a {@code String} (without its line break);
 *   <li>{@link #JSON_LINES}: one JSON object per line (<a href="https://jsonlines.org">JSON Lines</a>), an item a
 *       {@code Map<String, Object>} of JSON's types (String, Integer/Long/BigInteger, Double, Boolean, null, List,
 *       Map); blank lines are not records;
 *   <li>{@link #CSV}: RFC 4180 CSV whose first line is the header, an item a {@code Map<String, String>} from column
 *       names to values, in the header's order.
 * </ul>
 *
 * @param <T> the type of the items a source of this format emits
 */
public final class Format<T> {

    /** One item per line, a {@code String}. File extension {@code txt}. */
    public static final Format<String> LINES = new Format<>("lines", "txt");

    /** One JSON object per line, a {@code Map<String, Object>}. File extension {@code jsonl}. */
    public static final Format<Map<String, Object>> JSON_LINES = new Format<>("json-lines", "jsonl");

    /** CSV with a header line, a {@code Map<String, String>} per record. File extension {@code csv}. */
    public static final Format<Map<String, String>> CSV = new Format<>("csv", "csv");

    private static final List<Format<?>> ALL = List.of(LINES, JSON_LINES, CSV);

    private final String name;
    private final String extension;

    private Format(String name, String extension) {
        this.name = name;
        this.extension = extension;
    }

    /** Every format, in the order above. */
    public static List<Format<?>> all() {
        return ALL;
    }

    /**
     * The format named {@code name}: {@code lines}, {@code json-lines} or {@code csv}; {@code jsonl}, the usual name
     * of JSON Lines files, is taken for {@code json-lines}.
     *
     * @throws IllegalArgumentException naming what there is, with a did-you-mean
     */
    public static Format<?> of(String name) {
        Objects.requireNonNull(name, "name");
        for (Format<?> format : ALL) {
            if (format.name.equals(name.strip())) {
                return format;
            }
        }
        if (name.strip().equals("jsonl")) {
            return JSON_LINES;
        }
        List<String> names = ALL.stream().map(Format::name).toList();
        throw new IllegalArgumentException("expected a format among " + names + " but found '" + name + "'"
                + Suggestions.didYouMean(name.strip(), names));
    }

    /** The format's name in settings and docs: {@code lines}, {@code json-lines}, {@code csv}. */
    public String name() {
        return name;
    }

    /** The extension of the part files a sink writes in this format, without the dot. */
    public String extension() {
        return extension;
    }

    @Override
    public String toString() {
        return name;
    }
}
