package io.sluice.connectors.s3.internal;

import io.sluice.connectors.s3.Format;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the settings a pipeline gives next to an {@code s3://} location, strictly, collecting every problem: each
 * reader returns the value, or {@code null} when the setting is absent or malformed (the problem is then noted), and
 * {@link #check} throws one {@link IllegalArgumentException} naming them all, in the form {@code setting 'roll-size'
 * of s3://b/p: expected a size such as 64MB, found 'lots'}.
 */
public final class Settings {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([a-z]*)");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    private final String location;
    private final Map<String, String> settings;
    private final List<String> problems = new ArrayList<>();

    public Settings(String location, Map<String, String> settings) {
        this.location = location;
        this.settings = settings;
    }

    /** Notes that {@code key} is given, but does not apply here: {@code applies to sinks only}. */
    public void refuse(String key, String why) {
        if (settings.containsKey(key)) {
            problems.add("setting '" + key + "' of " + location + " " + why);
        }
    }

    public String text(String key) {
        String value = settings.get(key);
        if (value != null && value.isBlank()) {
            problem(key, "a value", value);
            return null;
        }
        return value == null ? null : value.strip();
    }

    public Format<?> format(String key) {
        return read(key, "a format among lines, json-lines (or jsonl), csv", text -> {
            try {
                return Format.of(text);
            } catch (IllegalArgumentException e) {
                return null;
            }
        });
    }

    public Boolean bool(String key) {
        return read(key, "true or false", text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> null;
        });
    }

    /** A positive duration: {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h}, or ISO-8601 ({@code PT2S}). */
    public Duration duration(String key) {
        return read(key, "a positive duration such as 250ms, 10s, 5m or PT2S", Settings::parseDuration);
    }

    /**
     * A size in bytes of at least {@code least}: {@code 64MB}, {@code 512KiB}, {@code 1GB}, or a number of bytes; KB,
     * MB and GB are binary (1024), as KiB, MiB and GiB.
     */
    public Long size(String key, long least, String leastText) {
        Long size = read(key, "a size such as 64MB", Settings::parseSize);
        if (size != null && size < least) {
            problems.add("setting '" + key + "' of " + location + ": expected a size of at least " + leastText
                    + ", found '" + settings.get(key) + "'");
            return null;
        }
        return size;
    }

    /** Names separated by commas: {@code id, name, price}. */
    public List<String> names(String key) {
        return read(key, "column names separated by commas, such as id,name,price", text -> {
            List<String> names =
                    Arrays.stream(text.split(",")).map(String::strip).toList();
            return names.stream().anyMatch(String::isEmpty)
                            || names.size() != names.stream().distinct().count()
                    ? null
                    : names;
        });
    }

    private <V> V read(String key, String expected, Function<String, V> parse) {
        String text = settings.get(key);
        if (text == null) {
            return null;
        }
        V value = text.isBlank() ? null : parse.apply(text.strip());
        if (value == null) {
            problem(key, expected, text);
        }
        return value;
    }

    private void problem(String key, String expected, String found) {
        problems.add("setting '" + key + "' of " + location + ": expected " + expected + ", found '" + found + "'");
    }

    /** Notes a problem in full. */
    public void problem(String problem) {
        problems.add(problem);
    }

    /**
     * Throws if any problem was noted.
     *
     * @throws IllegalArgumentException naming every problem, separated by {@code "; "}
     */
    public void check() {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text);
        try {
            Duration value;
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                value = switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            } else {
                value = Duration.parse(text);
            }
            return value.isPositive() ? value : null;
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            return null;
        }
    }

    static Long parseSize(String text) {
        Matcher m = SIZE.matcher(text.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return null;
        }
        long unit =
                switch (m.group(2)) {
                    case "", "b" -> 1L;
                    case "k", "kb", "kib" -> 1024L;
                    case "m", "mb", "mib" -> 1024L * 1024;
                    case "g", "gb", "gib" -> 1024L * 1024 * 1024;
                    default -> 0L;
                };
        if (unit == 0) {
            return null;
        }
        try {
            return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
        } catch (ArithmeticException | NumberFormatException e) {
            return null;
        }
    }
}
