package io.sluice.yaml.internal;

import io.sluice.spi.Suggestions;
import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads scalar values strictly: a value that does not fit what its key takes — a number out of range, a duration that
 * overflows, a path the file system cannot name — is a problem at the value's line, never an exception. Returns
 * {@code null} for a value it reported.
 */
final class Scalars {

    private static final Pattern WHOLE = Pattern.compile("[-+]?[0-9][0-9_]*");
    private static final Pattern DURATION = Pattern.compile("([0-9]+)\\s*(ms|s|m|h)");
    private static final Pattern PLAIN_INTEGER = Pattern.compile("-?[0-9]+");
    private static final Pattern PLAIN_DECIMAL = Pattern.compile("-?[0-9]+\\.[0-9]+");

    /** The longest duration: what fits in a long of nanoseconds, as timers count. */
    static final Duration LONGEST = Duration.ofNanos(Long.MAX_VALUE);

    private final Problems problems;
    private final Path directory;

    Scalars(Problems problems, Path directory) {
        this.problems = problems;
        this.directory = directory;
    }

    /** A non-empty text value. */
    String text(Node value, String path) {
        if (value instanceof ScalarNode scalar && !scalar.getValue().isEmpty()) {
            return scalar.getValue();
        }
        problems.add(value, path, "expected a text value but found " + YamlTree.kind(value));
        return null;
    }

    /** A whole number from {@code min} to {@code max}. */
    Long whole(Node value, String path, long min, long max) {
        String text = text(value, path);
        if (text == null) {
            return null;
        }
        if (!WHOLE.matcher(text).matches()) {
            problems.add(value, path, "expected a whole number but found " + Problems.quote(text));
            return null;
        }
        BigInteger number = new BigInteger(text.replace("_", "").replace("+", ""));
        if (number.compareTo(BigInteger.valueOf(min)) < 0 || number.compareTo(BigInteger.valueOf(max)) > 0) {
            String range =
                    max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? "≥ " + min : "from " + min + " to " + max;
            problems.add(
                    value,
                    path,
                    "expected a whole number " + range + " but found "
                            + (text.length() > 20 ? "a number of " + text.length() + " digits" : text));
            return null;
        }
        return number.longValue();
    }

    /** A whole number from {@code min} to {@code max}, both ints. */
    Integer integer(Node value, String path, int min, int max) {
        Long number = whole(value, path, min, max);
        return number == null ? null : number.intValue();
    }

    /**
     * A duration: {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h}, or ISO-8601 ({@code PT2S}); never negative, at
     * most {@link #LONGEST}, and not zero unless {@code zeroAllowed}.
     */
    Duration duration(Node value, String path, boolean zeroAllowed) {
        String text = text(value, path);
        if (text == null) {
            return null;
        }
        Duration duration = parseDuration(text.trim());
        if (duration == null) {
            problems.add(
                    value,
                    path,
                    "expected a duration such as 250ms, 2s, 5m or PT2S but found " + Problems.quote(text)
                            + (text.matches("-?[0-9]+") ? "; add a unit" : ""));
            return null;
        }
        if (duration.isNegative() || duration.isZero() && !zeroAllowed) {
            problems.add(
                    value,
                    path,
                    "expected a duration " + (zeroAllowed ? "of zero or more" : "greater than zero") + " but found "
                            + Problems.quote(text));
            return null;
        }
        if (duration.compareTo(LONGEST) > 0) {
            problems.add(
                    value,
                    path,
                    "expected a duration of at most " + LONGEST.toHours() + "h (about 292 years) but found "
                            + Problems.quote(text));
            return null;
        }
        return duration;
    }

    /** The duration {@code text} names, or {@code null} if it names none or one too long for a Duration. */
    private static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text);
        if (m.matches()) {
            if (m.group(1).length() > 19) {
                return LONGEST.plusNanos(1); // too long for a long, so too long
            }
            try {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofSeconds(Math.multiplyExact(n, 60));
                    default -> Duration.ofSeconds(Math.multiplyExact(n, 3600));
                };
            } catch (NumberFormatException | ArithmeticException e) {
                return LONGEST.plusNanos(1);
            }
        }
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            return e.getCause() instanceof ArithmeticException ? LONGEST.plusNanos(1) : null;
        }
    }

    /** A text value that should be one of {@code allowed}; anything else is reported, with a did-you-mean. */
    String oneOf(Node value, String path, List<String> allowed) {
        String text = text(value, path);
        if (text != null && !allowed.contains(text)) {
            problems.add(
                    value,
                    path,
                    "expected one of " + allowed + " but found " + Problems.quote(text)
                            + Suggestions.didYouMean(text, allowed));
            return null;
        }
        return text;
    }

    /** A list of names, each given once: branches, ports. */
    List<String> names(Node value, String path, String what) {
        if (!(value instanceof SequenceNode list)) {
            problems.add(value, path, "expected a list of " + what + " but found " + YamlTree.kind(value));
            return null;
        }
        List<String> names = new ArrayList<>();
        Map<String, Integer> lines = new LinkedHashMap<>();
        boolean valid = true;
        for (int i = 0; i < list.getValue().size(); i++) {
            Node entry = list.getValue().get(i);
            String name = text(entry, path + "[" + i + "]");
            if (name == null) {
                valid = false;
                continue;
            }
            Integer first = lines.putIfAbsent(name, Location.line(entry));
            if (first != null) {
                problems.add(
                        entry,
                        path + "[" + i + "]",
                        Problems.quote(name) + " is given twice (first at line " + first + "); " + what
                                + " must be unique");
                valid = false;
                continue;
            }
            names.add(name);
        }
        return valid ? names : null;
    }

    /** A file path, relative to the pipeline file's directory. */
    Path path(Node value, String path) {
        String text = text(value, path);
        return text == null ? null : resolve(value, path, text);
    }

    /** The path {@code text}, written at {@code value}, relative to the pipeline file's directory. */
    Path resolve(Node value, String path, String text) {
        if (text.isBlank()) {
            problems.add(value, path, "expected a file path but found nothing");
            return null;
        }
        try {
            return directory.resolve(text);
        } catch (InvalidPathException e) {
            problems.add(value, path, "expected a file path but found " + Problems.quote(text) + ": " + e.getReason());
            return null;
        }
    }

    /**
     * Plain Java values (maps, lists, strings, numbers, booleans, null) of a YAML value, for a node's config and a
     * collection's items. A whole number is an Integer or a Long, a decimal a Double; one that does not fit is a
     * problem (quote it to pass it as text). Returns {@code null} — as it does for YAML's null — after a problem, so
     * callers check {@link Problems#isEmpty()} before using the value.
     */
    Object plain(Node value, String path) {
        return plain(value, path, 0);
    }

    private Object plain(Node value, String path, int depth) {
        if (depth > Limits.NESTING_DEPTH) {
            // Aliases can nest a value deeper than the file does.
            problems.add(value, path, "the value nests deeper than " + Limits.NESTING_DEPTH + " levels");
            return null;
        }
        if (value instanceof ScalarNode scalar) {
            return scalar(scalar, path);
        }
        if (value instanceof SequenceNode list) {
            List<Object> items = new ArrayList<>();
            for (int i = 0; i < list.getValue().size(); i++) {
                items.add(plain(list.getValue().get(i), path + "[" + i + "]", depth + 1));
            }
            return items;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (NodeTuple tuple : ((MappingNode) value).getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                problems.add(
                        tuple.getKeyNode(),
                        path,
                        "expected a plain key but found " + YamlTree.kind(tuple.getKeyNode()));
                continue;
            }
            // A key given twice is reported by YamlTree.checkDuplicateKeys; the first one counts.
            map.putIfAbsent(key.getValue(), plain(tuple.getValueNode(), path + "." + key.getValue(), depth + 1));
        }
        return map;
    }

    private Object scalar(ScalarNode scalar, String path) {
        String text = scalar.getValue();
        if (!scalar.isPlain()) {
            return text;
        }
        if (PLAIN_INTEGER.matcher(text).matches()) {
            try {
                long number = Long.parseLong(text);
                return number == (int) number ? (Object) (int) number : (Object) number;
            } catch (NumberFormatException e) {
                problems.add(
                        scalar,
                        path,
                        "the number " + Problems.quote(text) + " does not fit in 64 bits; quote it to pass it as text");
                return null;
            }
        }
        if (PLAIN_DECIMAL.matcher(text).matches()) {
            double number = Double.parseDouble(text);
            if (Double.isInfinite(number)) {
                problems.add(
                        scalar,
                        path,
                        "the number " + Problems.quote(text)
                                + " is too large for a double; quote it to pass it as text");
                return null;
            }
            return number;
        }
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        return text.equals("null") || text.equals("~") ? null : text;
    }
}
