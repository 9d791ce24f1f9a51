package io.sluice.connectors.s3;

import io.sluice.EndNode;
import io.sluice.StartNode;
import io.sluice.connectors.s3.internal.S3Location;
import io.sluice.connectors.s3.internal.Settings;
import io.sluice.spi.Connector;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The {@code s3} connector: {@code source: s3://bucket/prefix} and {@code sink: s3://bucket/prefix} in a pipeline,
 * found through {@link java.util.ServiceLoader}. It maps the settings given with a location to {@link S3Source} and
 * {@link S3Sink}, refusing a bad value with the setting, the location, what was expected and what was found.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>applies to</th><th>value</th></tr>
 *   <tr><td>{@code format}</td><td>both</td><td>{@code lines} (default), {@code json-lines}, {@code csv}</td></tr>
 *   <tr><td>{@code gzip}</td><td>both</td><td>{@code true} or {@code false}; a source by default gunzips keys ending
 *       with {@code .gz}, a sink does not gzip</td></tr>
 *   <tr><td>{@code watch}</td><td>source</td><td>a duration: list again every so often, never end</td></tr>
 *   <tr><td>{@code roll-size}</td><td>sink</td><td>a size: {@code 128MB} (default), {@code 512KB}, bytes</td></tr>
 *   <tr><td>{@code roll-interval}</td><td>sink</td><td>a duration: {@code 1m} (default)</td></tr>
 *   <tr><td>{@code part-size}</td><td>sink</td><td>a size from {@code 5MB} to {@code 1GB}: {@code 8MB} (default)</td></tr>
 *   <tr><td>{@code columns}</td><td>sink</td><td>CSV column names separated by commas</td></tr>
 *   <tr><td>{@code endpoint}</td><td>both</td><td>an S3-compatible server's URL, over {@code AWS_ENDPOINT_URL}</td></tr>
 *   <tr><td>{@code region}</td><td>both</td><td>over {@code AWS_REGION}</td></tr>
 *   <tr><td>{@code path-style}</td><td>both</td><td>{@code true} or {@code false}</td></tr>
 *   <tr><td>{@code timeout}</td><td>both</td><td>a duration: {@code 30s} (default)</td></tr>
 * </table>
 */
public final class S3Connector implements Connector {

    private static final Set<String> COMMON = Set.of("format", "gzip", "endpoint", "region", "path-style", "timeout");
    private static final Set<String> SOURCE_ONLY = Set.of("watch");
    private static final Set<String> SINK_ONLY = Set.of("roll-size", "roll-interval", "part-size", "columns");
    private static final Set<String> ALL = union(COMMON, SOURCE_ONLY, SINK_ONLY);

    @Override
    public String name() {
        return "s3";
    }

    @Override
    public Set<String> schemes() {
        return Set.of("s3");
    }

    @Override
    public Set<String> settings() {
        return ALL;
    }

    @Override
    public Supplier<? extends StartNode<?>> source(String location, Map<String, String> settings) {
        S3Location parsed = S3Location.parse(location);
        Settings read = new Settings(location, settings);
        for (String key : new TreeSet<>(SINK_ONLY)) {
            read.refuse(key, "applies to sinks only; a source takes " + new TreeSet<>(union(COMMON, SOURCE_ONLY)));
        }
        Format<?> format = read.format("format");
        Boolean gzip = read.bool("gzip");
        Duration watch = read.duration("watch");
        S3Access access = access(read);
        read.check();
        Format<?> chosen = format == null ? Format.LINES : format;
        S3Source<?> source = S3Source.of(parsed).format(chosen);
        if (gzip != null) {
            source = source.gzip(gzip);
        }
        if (watch != null) {
            source = source.watch(watch);
        }
        return source.access(access);
    }

    @Override
    public Supplier<? extends EndNode<?>> sink(String location, Map<String, String> settings) {
        S3Location parsed = S3Location.parse(location);
        Settings read = new Settings(location, settings);
        for (String key : new TreeSet<>(SOURCE_ONLY)) {
            read.refuse(key, "applies to sources only; a sink takes " + new TreeSet<>(union(COMMON, SINK_ONLY)));
        }
        Format<?> format = read.format("format");
        Boolean gzip = read.bool("gzip");
        Long rollSize = read.size("roll-size", 1, "1 byte");
        Duration rollInterval = read.duration("roll-interval");
        Long partSize = read.size("part-size", S3Sink.MIN_PART_SIZE, "5MB");
        if (partSize != null && partSize > S3Sink.MAX_PART_SIZE) {
            read.problem("setting 'part-size' of " + location + ": expected a size of at most 1GB, found '"
                    + settings.get("part-size") + "'");
            partSize = null;
        }
        List<String> columns = read.names("columns");
        if (columns != null && format != Format.CSV) {
            read.problem("setting 'columns' of " + location + " applies to format csv only; give format: csv");
        }
        S3Access access = access(read);
        read.check();
        S3Sink sink = S3Sink.of(parsed).format(format == null ? Format.LINES : format);
        if (gzip != null) {
            sink = sink.gzip(gzip);
        }
        if (rollSize != null) {
            sink = sink.rollSize(rollSize);
        }
        if (rollInterval != null) {
            sink = sink.rollInterval(rollInterval);
        }
        if (partSize != null) {
            sink = sink.partSize(partSize);
        }
        if (columns != null) {
            sink = sink.columns(columns);
        }
        try {
            return sink.access(access).check();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("settings of " + location + ": " + e.getMessage(), e);
        }
    }

    private static S3Access access(Settings read) {
        S3Access access = S3Access.defaults();
        String endpoint = read.text("endpoint");
        if (endpoint != null) {
            try {
                access = access.withEndpoint(endpoint);
            } catch (IllegalArgumentException e) {
                read.problem("setting 'endpoint': " + e.getMessage().replace("S3Access.endpoint: ", ""));
            }
        }
        String region = read.text("region");
        if (region != null) {
            access = access.withRegion(region);
        }
        Boolean pathStyle = read.bool("path-style");
        if (pathStyle != null) {
            access = access.withPathStyle(pathStyle);
        }
        Duration timeout = read.duration("timeout");
        if (timeout != null) {
            try {
                access = access.withTimeout(timeout);
            } catch (IllegalArgumentException e) {
                read.problem("setting 'timeout': " + e.getMessage().replace("S3Access.timeout: ", ""));
            }
        }
        return access;
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        Set<String> all = new TreeSet<>();
        for (Set<String> set : sets) {
            all.addAll(set);
        }
        return Set.copyOf(all);
    }
}
