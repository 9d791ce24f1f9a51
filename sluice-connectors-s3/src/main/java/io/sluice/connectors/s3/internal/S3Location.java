package io.sluice.connectors.s3.internal;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A location {@code s3://bucket/prefix}: a bucket and a prefix that names a folder — {@code s3://b/data} holds {@code
 * data/…}, never {@code data-old/…}. Slashes around the prefix are dropped; an empty prefix is the whole bucket.
 *
 * @param bucket the bucket's name
 * @param prefix the folder, without slashes around it; empty for the whole bucket
 */
public record S3Location(String bucket, String prefix) {

    // what a bucket name may hold anywhere (legacy AWS buckets, S3-compatible servers); the server judges the rest
    private static final Pattern BUCKET = Pattern.compile("[A-Za-z0-9._-]{1,255}");

    /**
     * Reads {@code s3://bucket[/prefix]}.
     *
     * @throws IllegalArgumentException naming the location and what was expected
     */
    public static S3Location parse(String location) {
        if (location == null || !location.strip().toLowerCase(Locale.ROOT).startsWith("s3://")) {
            throw new IllegalArgumentException("expected a location s3://bucket/prefix but found "
                    + (location == null ? "null" : "'" + location + "'"));
        }
        String rest = location.strip().substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (!BUCKET.matcher(bucket).matches()) {
            throw new IllegalArgumentException("'" + location + "': expected s3://bucket/prefix with a bucket name of"
                    + " letters, digits, dots, hyphens and underscores but found '" + bucket + "'");
        }
        while (prefix.startsWith("/")) {
            prefix = prefix.substring(1);
        }
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        return new S3Location(bucket, prefix);
    }

    /** The prefix of every key under the location: the prefix and a slash, or nothing for the whole bucket. */
    public String dir() {
        return prefix.isEmpty() ? "" : prefix + "/";
    }

    /**
     * Whether {@code key}, under {@link #dir()}, is hidden: a path segment below the location starts with {@code _} or
     * {@code .} (a sink's staging objects, the Hadoop and Spark convention for files in progress), or it names a
     * folder (ends with {@code /}).
     */
    public boolean hidden(String key) {
        if (key.endsWith("/")) {
            return true;
        }
        String relative = key.substring(Math.min(dir().length(), key.length()));
        int start = 0;
        while (start < relative.length()) {
            char first = relative.charAt(start);
            if (first == '_' || first == '.') {
                return true;
            }
            int slash = relative.indexOf('/', start);
            if (slash < 0) {
                return false;
            }
            start = slash + 1;
        }
        return false;
    }

    @Override
    public String toString() {
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }
}
