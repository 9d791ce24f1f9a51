package io.sluice.spi;

import io.sluice.SluiceException;
import io.sluice.StoreSpec;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the settings of one store for its backend ({@link StoreSpec#config()}), collecting every problem, so that a
 * store with misspelt or malformed settings fails when its graph deploys with one error naming them all. Each reader
 * returns the setting's value, or its fallback when the setting is absent or malformed (the problem is then noted);
 * {@link #check} throws if any was noted.
 *
 * <pre>{@code
 * StoreSettings read = StoreSettings.read("redis", node, spec, SETTINGS);
 * int cacheEntries = read.whole("cache-entries", 10_000, 0, 100_000_000, "entries", "no cache");
 * Duration timeout = read.positiveDuration("connect-timeout", Duration.ofSeconds(5));
 * read.check();
 * }</pre>
 *
 * <p>Not thread-safe: one reader reads one store's settings on one thread.
 */
public final class StoreSettings {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    private final String backend;
    private final String prefix;
    private final Map<String, String> config;
    private final List<String> problems = new ArrayList<>();

    private StoreSettings(String backend, String prefix, Map<String, String> config) {
        this.backend = backend;
        this.prefix = prefix;
        this.config = config;
    }

    /**
     * A reader of {@code spec}'s settings for {@code backend}, which has already noted each setting not in {@code
     * known}, with a did-you-mean.
     */
    public static StoreSettings read(String backend, String node, StoreSpec spec, Collection<String> known) {
        StoreSettings settings =
                new StoreSettings(backend, "Store '" + spec.name() + "' of node '" + node + "': ", spec.config());
        for (String key : new TreeSet<>(spec.config().keySet())) {
            if (!known.contains(key)) {
                settings.problem("the " + backend + " backend has no setting '" + key + "'; expected one of " + known
                        + Suggestions.didYouMean(key, known));
            }
        }
        return settings;
    }

    /** The setting's text as given, or {@code null}. */
    public String get(String key) {
        return config.get(key);
    }

    /** Whether the store's config gives the setting. */
    public boolean has(String key) {
        return config.containsKey(key);
    }

    /** Notes a problem, a phrase such as {@code setting 'x' of the redis backend must be …; found '…'}. */
    public void problem(String problem) {
        problems.add(problem);
    }

    /**
     * A whole number from {@code min} to {@code max}.
     *
     * @param unit what it counts, for the message: {@code entries}
     */
    public int whole(String key, int fallback, int min, int max, String unit) {
        return whole(key, fallback, min, max, unit, null);
    }

    /**
     * A whole number from {@code min} to {@code max}, where the message explains what {@code min} means: {@code
     * expected 0 (no cache) to 100}.
     */
    public int whole(String key, int fallback, int min, int max, String unit, String minMeaning) {
        String text = config.get(key);
        if (text == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // noted below, with the rule
        }
        problem("setting '" + key + "' of the " + backend + " backend must be a whole number of " + unit
                + "; expected " + min + (minMeaning == null ? "" : " (" + minMeaning + ")") + " to " + max
                + " but found '" + text + "'");
        return fallback;
    }

    /** {@code true} or {@code false}, in any case. */
    public boolean bool(String key, boolean fallback) {
        String text = config.get(key);
        if (text == null) {
            return fallback;
        }
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> {
                problem("setting '" + key + "' of the " + backend + " backend must be true or false; found '" + text
                        + "'");
                yield fallback;
            }
        };
    }

    /**
     * A duration above zero that fits an {@code int} of milliseconds (a socket timeout): {@code 250ms}, {@code 2s},
     * {@code 5m}, {@code 1h}, or ISO-8601 ({@code PT2S}), as the YAML format takes them.
     */
    public Duration positiveDuration(String key, Duration fallback) {
        String text = config.get(key);
        if (text == null) {
            return fallback;
        }
        Duration value = parseDuration(text);
        if (value != null && value.isPositive() && value.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) <= 0) {
            return value;
        }
        problem("setting '" + key + "' of the " + backend + " backend must be a positive duration such as 250ms, 2s,"
                + " 5m or PT2S; found '" + text + "'");
        return fallback;
    }

    /** A duration of at least {@code least}, written as {@link #positiveDuration} reads it. */
    public Duration duration(String key, Duration fallback, Duration least) {
        String text = config.get(key);
        if (text == null) {
            return fallback;
        }
        Duration value = parseDuration(text);
        if (value != null && value.compareTo(least) >= 0) {
            return value;
        }
        problem("setting '" + key + "' of the " + backend + " backend must be a duration of at least "
                + least.toMillis() + "ms such as 250ms, 2s, 5m or PT2S; found '" + text + "'");
        return fallback;
    }

    /**
     * Throws one error naming every problem noted, each on its own line after the store and node.
     *
     * @throws SluiceException if any problem was noted
     */
    public void check() {
        if (!problems.isEmpty()) {
            throw new SluiceException(prefix + String.join("\n" + prefix, problems));
        }
    }

    /** The first of {@code candidates} that is set and not blank, as it is; or {@code null}. */
    public static String firstSet(String... candidates) {
        for (String candidate : candidates) {
            if (candidate != null && !candidate.isBlank()) {
                return candidate;
            }
        }
        return null;
    }

    private static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.strip());
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
            return Duration.parse(text.strip());
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            return null; // noted by the caller, with the rule
        }
    }
}
