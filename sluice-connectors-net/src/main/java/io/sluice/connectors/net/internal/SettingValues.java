package io.sluice.connectors.net.internal;

import io.sluice.spi.Suggestions;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings a pipeline gives next to a location, read strictly: a value that does not fit its setting is an error
 * naming the location, the setting, what it takes and what was found — never silently the default.
 */
public final class SettingValues {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,18})(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,10})\\s*(|B|KiB|MiB|GiB)");

    private final String location;
    private final Map<String, String> settings;

    public SettingValues(String location, Map<String, String> settings) {
        this.location = location;
        this.settings = settings;
    }

    /** Whether the setting was given. */
    public boolean has(String name) {
        return settings.containsKey(name);
    }

    /** The value as given; the setting must be there. */
    public String text(String name) {
        return settings.get(name);
    }

    /** One of {@code choices}, or {@code otherwise} if not given. */
    public String choice(String name, List<String> choices, String otherwise) {
        String value = settings.get(name);
        if (value == null) {
            return otherwise;
        }
        String given = value.strip();
        if (!choices.contains(given)) {
            throw problem(
                    name,
                    "expected " + String.join(", ", choices.subList(0, choices.size() - 1)) + " or "
                            + choices.getLast() + " but found '" + value + "'"
                            + Suggestions.didYouMean(given.toLowerCase(Locale.ROOT), choices));
        }
        return given;
    }

    /** A whole number from {@code min} to {@code max}, or {@code otherwise} if not given. */
    public long number(String name, long min, long max, long otherwise) {
        String value = settings.get(name);
        if (value == null) {
            return otherwise;
        }
        long number;
        try {
            number = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw problem(name, "expected a whole number from " + min + " to " + max + " but found '" + value + "'");
        }
        if (number < min || number > max) {
            throw problem(name, "expected a whole number from " + min + " to " + max + " but found " + number);
        }
        return number;
    }

    /** A size in bytes — {@code 65536}, {@code 64KiB}, {@code 1MiB} — from 1 to {@link Integer#MAX_VALUE}. */
    public int bytes(String name, int otherwise) {
        String value = settings.get(name);
        if (value == null) {
            return otherwise;
        }
        Matcher m = SIZE.matcher(value.strip());
        long bytes = -1;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            bytes = switch (m.group(2)) {
                case "KiB" -> n << 10;
                case "MiB" -> n << 20;
                case "GiB" -> n << 30;
                default -> n;
            };
        }
        if (bytes < 1 || bytes > Integer.MAX_VALUE) {
            throw problem(
                    name,
                    "expected a size from 1 byte to 2GiB - 1, such as 65536, 64KiB or 1MiB, but found '" + value + "'");
        }
        return (int) bytes;
    }

    /** A duration greater than zero — {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h} or ISO-8601 {@code PT2S}. */
    public Duration duration(String name, Duration otherwise) {
        String value = settings.get(name);
        if (value == null) {
            return otherwise;
        }
        Duration duration = parseDuration(value.strip());
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw problem(
                    name,
                    "expected a duration greater than zero, such as 250ms, 2s, 5m or PT2S, but found '" + value + "'");
        }
        return duration;
    }

    private static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text);
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofSeconds(Math.multiplyExact(n, 60));
                    default -> Duration.ofSeconds(Math.multiplyExact(n, 3600));
                };
            }
            Duration duration = Duration.parse(text);
            duration.toNanos(); // too long for the timers, which count nanoseconds, if this overflows
            return duration;
        } catch (ArithmeticException | DateTimeParseException e) {
            return null;
        }
    }

    /** An error about the setting {@code name}: {@code '<location>': setting '<name>': <problem>}. */
    public IllegalArgumentException problem(String name, String problem) {
        return new IllegalArgumentException("'" + location + "': setting '" + name + "': " + problem);
    }
}
