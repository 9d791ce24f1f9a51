package io.sluice.connectors.s3.crash;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Watches what a reader of a prefix sees while a crash test runs — the part files, not the hidden staging objects —
 * every 50 ms, and says afterwards which files it saw that went away or changed, if only for a while: output that
 * became visible before it was committed, which a restart then took back (and may have written again alike). A sink
 * that commits in two phases never lets that happen.
 */
final class Visibility implements AutoCloseable {

    private final S3Client client;
    private final String bucket;
    private final String prefix;
    private final Map<String, String> seen = new ConcurrentHashMap<>(); // key -> ETag and size when first seen
    private final Set<String> takenBack = ConcurrentHashMap.newKeySet(); // seen, then gone or changed in a later look
    private final Set<String> everListed = ConcurrentHashMap.newKeySet(); // every key, hidden ones too
    private final Thread thread;
    private volatile boolean running = true;

    Visibility(S3Client client, String bucket, String prefix) {
        this.client = client;
        this.bucket = bucket;
        this.prefix = prefix;
        this.thread = Thread.ofPlatform().daemon().name("visibility-" + prefix).start(this::watch);
    }

    private void watch() {
        while (running) {
            try {
                Map<String, String> now = new HashMap<>();
                for (S3Object object : visible()) {
                    now.put(object.key(), object.eTag() + " " + object.size());
                }
                seen.forEach((key, first) -> {
                    String last = now.get(key);
                    if (!first.equals(last)) {
                        takenBack.add(key + (last == null ? " (gone)" : " (changed)"));
                    }
                });
                now.forEach(seen::putIfAbsent);
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            } catch (SdkException e) {
                // a listing that failed is a look missed, not a finding
            }
        }
    }

    private List<S3Object> visible() {
        return client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
                .peek(o -> everListed.add(o.key()))
                .filter(o -> !o.key().substring(prefix.length()).startsWith("_")
                        && !o.key().contains("/_")
                        && !o.key().contains("/."))
                .toList();
    }

    /**
     * How many keys it has listed, staged objects included: a sink's progress, as each checkpoint stages a new
     * object.
     */
    int listed() {
        return everListed.size();
    }

    /** The files seen during the run. */
    int seen() {
        return seen.size();
    }

    /**
     * The files seen during the run that a later look found gone or holding other bytes — even if they came back,
     * written again alike — and those gone or changed now, each with what became of it.
     */
    List<String> retracted() {
        Map<String, String> now = new HashMap<>();
        for (S3Object object : visible()) {
            now.put(object.key(), object.eTag() + " " + object.size());
        }
        Set<String> retracted = new TreeSet<>(takenBack);
        seen.forEach((key, first) -> {
            String last = now.get(key);
            if (!first.equals(last)) {
                retracted.add(key + (last == null ? " (gone)" : " (changed)"));
            }
        });
        return new ArrayList<>(retracted);
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
