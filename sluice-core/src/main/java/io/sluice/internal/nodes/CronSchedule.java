package io.sluice.internal.nodes;

import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * A standard five-field cron expression — minute, hour, day of month, month, day of week — with {@code *}, lists,
 * ranges, steps and the English names of months and days. As in Vixie cron, when both day fields are restricted a
 * day matches either.
 */
public final class CronSchedule {

    private static final List<String> FIELDS = List.of("minute", "hour", "day of month", "month", "day of week");
    private static final String[] MONTHS = {
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
    };
    private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

    private final String expression;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek;
    private final boolean dayOfMonthRestricted;
    private final boolean dayOfWeekRestricted;

    private CronSchedule(String expression, String[] fields) {
        this.expression = expression;
        this.minutes = parseField(expression, 0, fields[0], 0, 59, null);
        this.hours = parseField(expression, 1, fields[1], 0, 23, null);
        this.daysOfMonth = parseField(expression, 2, fields[2], 1, 31, null);
        this.months = parseField(expression, 3, fields[3], 1, 12, MONTHS);
        BitSet days = parseField(expression, 4, fields[4], 0, 7, DAYS);
        if (days.get(7)) {
            days.set(0); // 7 is Sunday too
        }
        this.daysOfWeek = days;
        this.dayOfMonthRestricted = !fields[2].equals("*") && !fields[2].equals("?");
        this.dayOfWeekRestricted = !fields[4].equals("*") && !fields[4].equals("?");
    }

    /**
     * Parses an expression such as {@code "*&#47;15 9-17 * * MON-FRI"}.
     *
     * @throws IllegalArgumentException naming the field and what was expected
     */
    public static CronSchedule parse(String expression) {
        if (expression == null) {
            throw new IllegalArgumentException("cron expression: expected 5 fields but found null");
        }
        String[] fields = expression.trim().split("\\s+");
        if (fields.length != 5) {
            throw new IllegalArgumentException("cron expression '" + expression + "': expected 5 fields (minute hour"
                    + " day-of-month month day-of-week) but found " + fields.length);
        }
        return new CronSchedule(expression, fields);
    }

    /** The first time strictly after {@code after}, at a whole minute, that the schedule fires. */
    public ZonedDateTime next(ZonedDateTime after) {
        ZonedDateTime t = after.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        ZonedDateTime limit = t.plusYears(5);
        while (t.isBefore(limit)) {
            if (!months.get(t.getMonthValue())) {
                t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
            } else if (!dayMatches(t)) {
                t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
            } else if (!hours.get(t.getHour())) {
                t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
            } else if (!minutes.get(t.getMinute())) {
                t = t.plusMinutes(1);
            } else {
                return t;
            }
        }
        throw new IllegalArgumentException(
                "cron expression '" + expression + "' never fires (no date within five" + " years matches it)");
    }

    private boolean dayMatches(ZonedDateTime t) {
        boolean dom = daysOfMonth.get(t.getDayOfMonth());
        boolean dow = daysOfWeek.get(t.getDayOfWeek().getValue() % 7);
        if (dayOfMonthRestricted && dayOfWeekRestricted) {
            return dom || dow;
        }
        return dom && dow;
    }

    private static BitSet parseField(String expression, int index, String field, int min, int max, String[] names) {
        BitSet bits = new BitSet(max + 1);
        for (String part : field.split(",", -1)) {
            String range = part;
            int step = 1;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                range = part.substring(0, slash);
                step = number(expression, index, part.substring(slash + 1), 1, max, null);
            }
            int from;
            int to;
            if (range.equals("*") || range.equals("?")) {
                from = min;
                to = max;
            } else if (range.indexOf('-') > 0) {
                int dash = range.indexOf('-');
                from = number(expression, index, range.substring(0, dash), min, max, names);
                to = number(expression, index, range.substring(dash + 1), min, max, names);
                if (to < from) {
                    throw fieldError(expression, index, "range '" + range + "' ends before it starts");
                }
            } else {
                from = number(expression, index, range, min, max, names);
                to = slash >= 0 ? max : from;
            }
            for (int v = from; v <= to; v += step) {
                bits.set(v);
            }
        }
        return bits;
    }

    private static int number(String expression, int index, String text, int min, int max, String[] names) {
        if (names != null) {
            String upper = text.toUpperCase(Locale.ROOT);
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(upper)) {
                    return names == MONTHS ? i + 1 : i;
                }
            }
        }
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw fieldError(
                    expression,
                    index,
                    "expected a number from " + min + " to " + max
                            + (names == null ? "" : " or a name such as " + names[0]) + " but found '" + text + "'");
        }
        if (value < min || value > max) {
            throw fieldError(expression, index, "must be from " + min + " to " + max + ", found " + value);
        }
        return value;
    }

    private static IllegalArgumentException fieldError(String expression, int index, String problem) {
        return new IllegalArgumentException(
                "cron expression '" + expression + "', " + FIELDS.get(index) + " field: " + problem);
    }

    @Override
    public String toString() {
        return expression;
    }
}
