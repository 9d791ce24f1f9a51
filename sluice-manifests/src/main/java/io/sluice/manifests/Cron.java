package io.sluice.manifests;

import io.sluice.Sources;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * A five-field cron expression as Sluice reads it (core's {@code Sources.cron}: minute, hour, day of month, month, day
 * of week; lists, ranges, steps, English names, 7 for Sunday too, and a day that matches either day field when both
 * are restricted), written for the schedulers that start generated manifests. Kubernetes' CronJob reads the same
 * five fields but knows Sunday only as 0. EventBridge reads six — a year last — numbers the days of the week from 1
 * for Sunday, allows no step in that field, and takes only one of the two day fields, the other being {@code ?}.
 */
final class Cron {

    private static final String[] MONTHS = {
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"
    };
    private static final String[] DAYS = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};
    private static final int[] MIN = {0, 0, 1, 1, 0};
    private static final int[] MAX = {59, 23, 31, 12, 7};
    private static final int DAY_OF_MONTH = 2;
    private static final int DAY_OF_WEEK = 4;

    private final String expression;
    private final String[] fields;
    private final BitSet[] values = new BitSet[5];

    private Cron(String expression, String[] fields) {
        this.expression = expression;
        this.fields = fields;
        for (int i = 0; i < 5; i++) {
            values[i] = values(fields[i], MIN[i], MAX[i], i == 3 ? MONTHS : i == DAY_OF_WEEK ? DAYS : null);
        }
    }

    /**
     * Reads {@code expression} as a cron start node does.
     *
     * @throws IllegalArgumentException with core's message, naming the field at fault
     */
    static Cron parse(String expression) {
        Sources.cron(expression); // the one grammar: what a cron source accepts, a schedule accepts
        return new Cron(expression.trim(), expression.trim().split("\\s+"));
    }

    /** The expression as written. */
    @Override
    public String toString() {
        return expression;
    }

    /** The five fields for a CronJob's {@code schedule}: as written, but for a day of week that names 7 for Sunday. */
    String kubernetes() {
        String[] written = fields.clone();
        BitSet days = values[DAY_OF_WEEK];
        if (restricted(DAY_OF_WEEK) && days.get(7)) {
            BitSet folded = (BitSet) days.clone();
            folded.clear(7);
            folded.set(0);
            written[DAY_OF_WEEK] = runs(folded, null, false);
        }
        return String.join(" ", written);
    }

    /**
     * The six-field {@code cron(…)} of an EventBridge schedule that fires at the same minutes.
     *
     * @throws IllegalArgumentException if both day fields are restricted: the expression then fires on days matching
     *     either, which EventBridge cannot say
     */
    String eventBridge() {
        boolean byDate = restricted(DAY_OF_MONTH);
        boolean byWeekday = restricted(DAY_OF_WEEK);
        if (byDate && byWeekday) {
            throw new IllegalArgumentException("cron expression '" + expression + "': fires on the days that match its"
                    + " day of month or its day of week, and an EventBridge schedule takes only one of the two;"
                    + " leave the other '*'");
        }
        BitSet weekdays = (BitSet) values[DAY_OF_WEEK].clone();
        if (weekdays.get(7)) {
            weekdays.clear(7);
            weekdays.set(0);
        }
        return "cron(" + field(0) + " " + field(1) + " " + (byDate ? field(DAY_OF_MONTH) : byWeekday ? "?" : "*") + " "
                + field(3) + " " + (byWeekday ? runs(weekdays, DAYS, true) : "?") + " *)";
    }

    /** As core decides: a day field is restricted unless it is {@code *} or {@code ?}. */
    private boolean restricted(int field) {
        return !fields[field].equals("*") && !fields[field].equals("?");
    }

    /** A field of minutes, hours, days of month or months: {@code *}, {@code start/step}, or a list of runs. */
    private String field(int field) {
        BitSet set = values[field];
        int min = MIN[field];
        int max = MAX[field];
        if (set.cardinality() == max - min + 1) {
            return "*";
        }
        int first = set.nextSetBit(0);
        int second = set.nextSetBit(first + 1);
        if (second > 0 && set.cardinality() >= 3) {
            int step = second - first;
            BitSet progression = new BitSet();
            for (int v = first; v <= max; v += step) {
                progression.set(v);
            }
            if (step > 1 && progression.equals(set)) {
                return first + "/" + step; // EventBridge's own form: its documentation gives '/' after a number only
            }
        }
        return runs(set, null, false);
    }

    /** {@code 1-5,7,9}: runs of three or more as ranges; {@code names} instead of numbers when given. */
    private static String runs(BitSet set, String[] names, boolean fromOne) {
        List<String> parts = new ArrayList<>();
        for (int start = set.nextSetBit(0); start >= 0; ) {
            int end = set.nextClearBit(start) - 1;
            if (end - start >= 2) {
                parts.add(name(start, names, fromOne) + "-" + name(end, names, fromOne));
            } else {
                for (int v = start; v <= end; v++) {
                    parts.add(name(v, names, fromOne));
                }
            }
            start = set.nextSetBit(end + 1);
        }
        return String.join(",", parts);
    }

    private static String name(int value, String[] names, boolean fromOne) {
        return names != null ? names[value] : Integer.toString(fromOne ? value + 1 : value);
    }

    /** The values a field stands for; the expression was checked by core already, so nothing here can be wrong. */
    private static BitSet values(String field, int min, int max, String[] names) {
        BitSet bits = new BitSet(max + 1);
        for (String part : field.split(",")) {
            String range = part;
            int step = 1;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                range = part.substring(0, slash);
                step = Integer.parseInt(part.substring(slash + 1));
            }
            int from;
            int to;
            if (range.equals("*") || range.equals("?")) {
                from = min;
                to = max;
            } else if (range.indexOf('-') > 0) {
                from = number(range.substring(0, range.indexOf('-')), names);
                to = number(range.substring(range.indexOf('-') + 1), names);
            } else {
                from = number(range, names);
                to = slash >= 0 ? max : from;
            }
            for (int v = from; v <= to; v += step) {
                bits.set(v);
            }
        }
        return bits;
    }

    private static int number(String text, String[] names) {
        if (names != null) {
            String upper = text.toUpperCase(Locale.ROOT);
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(upper)) {
                    return names == MONTHS ? i + 1 : i;
                }
            }
        }
        return Integer.parseInt(text);
    }
}
