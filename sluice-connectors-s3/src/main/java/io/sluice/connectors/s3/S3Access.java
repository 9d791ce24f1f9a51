package io.sluice.connectors.s3;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How a source or sink reaches S3: the endpoint, region, addressing style, timeout and credentials. What is not set
 * here comes from the standard AWS settings of the process that runs the node — so a worker on ECS or Kubernetes uses
 * its own role:
 *
 * <ul>
 *   <li><b>endpoint</b>: {@code AWS_ENDPOINT_URL_S3}, then {@code AWS_ENDPOINT_URL} (an S3-compatible server such as
 *       MinIO or {@code sluice s3 dev}); otherwise AWS's own endpoint for the region;
 *   <li><b>region</b>: {@code AWS_REGION}, the {@code aws.region} system property, the profile's region, then the
 *       instance's; {@code us-east-1} when an endpoint is given, or when none is found (buckets in other regions are
 *       then reached through S3's redirect);
 *   <li><b>path style</b> ({@code http://host/bucket/key} rather than {@code http://bucket.host/key}): on when an
 *       endpoint is given, off for AWS;
 *   <li><b>credentials</b>: the AWS default chain — {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, the
 *       {@code aws.accessKeyId} system properties, web identity, {@code AWS_PROFILE}, the container's or the
 *       instance's role. Credentials are never printed, logged or put in a message.
 * </ul>
 *
 * <pre>{@code
 * S3.source("s3://logs/2024").access(S3Access.defaults().withEndpoint("http://127.0.0.1:9000"))
 * }</pre>
 *
 * @param endpoint the endpoint, overriding {@code AWS_ENDPOINT_URL_S3} and {@code AWS_ENDPOINT_URL}
 * @param region the region, overriding the AWS settings
 * @param pathStyle whether to address buckets by path, overriding the default above
 * @param timeout how long to wait for the endpoint to accept a connection and to answer each read; a request is tried
 *     three times before it fails. {@value #DEFAULT_TIMEOUT_SECONDS} s by default
 * @param credentials a key pair to use instead of the default chain (tests, tools); prefer the chain in production
 */
public record S3Access(
        Optional<URI> endpoint,
        Optional<String> region,
        Optional<Boolean> pathStyle,
        Duration timeout,
        Optional<Credentials> credentials) {

    /** The timeout unless set otherwise, in seconds. */
    public static final int DEFAULT_TIMEOUT_SECONDS = 30;

    public S3Access {
        Objects.requireNonNull(endpoint, "endpoint");
        endpoint.ifPresent(S3Access::checkEndpoint);
        Objects.requireNonNull(region, "region");
        region.ifPresent(r -> {
            if (r.isBlank()) {
                throw new IllegalArgumentException("S3Access.region: expected a region such as eu-west-1 but found ''");
            }
        });
        Objects.requireNonNull(pathStyle, "pathStyle");
        if (timeout == null || !timeout.isPositive() || timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException(
                    "S3Access.timeout: expected a positive duration of at most 24 days but found " + timeout);
        }
        Objects.requireNonNull(credentials, "credentials");
    }

    /** Everything from the standard AWS settings, and the default timeout. */
    public static S3Access defaults() {
        return new S3Access(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Duration.ofSeconds(DEFAULT_TIMEOUT_SECONDS),
                Optional.empty());
    }

    /**
     * Talks to {@code endpoint}, an S3-compatible server: {@code http://127.0.0.1:9000}.
     *
     * @throws IllegalArgumentException if it is not an http or https URL with a host
     */
    public S3Access withEndpoint(String endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        URI uri;
        try {
            uri = URI.create(endpoint.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("S3Access.endpoint: expected a URL such as http://127.0.0.1:9000 but"
                    + " found '" + endpoint + "'");
        }
        return new S3Access(Optional.of(uri), region, pathStyle, timeout, credentials);
    }

    /** Uses {@code region}: {@code eu-west-1}. */
    public S3Access withRegion(String region) {
        return new S3Access(endpoint, Optional.of(region), pathStyle, timeout, credentials);
    }

    /** Addresses buckets by path ({@code true}) or by host name ({@code false}). */
    public S3Access withPathStyle(boolean pathStyle) {
        return new S3Access(endpoint, region, Optional.of(pathStyle), timeout, credentials);
    }

    /** Waits at most {@code timeout} to connect and for each answer. */
    public S3Access withTimeout(Duration timeout) {
        return new S3Access(endpoint, region, pathStyle, timeout, credentials);
    }

    /** Signs requests with this key pair instead of the AWS default chain. */
    public S3Access withCredentials(String accessKeyId, String secretAccessKey) {
        return new S3Access(
                endpoint, region, pathStyle, timeout, Optional.of(new Credentials(accessKeyId, secretAccessKey)));
    }

    private static void checkEndpoint(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("S3Access.endpoint: expected an http or https URL with a host, such as"
                    + " http://127.0.0.1:9000, but found '" + uri + "'");
        }
    }

    /**
     * An access key pair. Its {@code toString} shows neither the key id nor the secret, so a record holding it can be
     * printed.
     *
     * @param accessKeyId the access key id
     * @param secretAccessKey the secret access key
     */
    public record Credentials(String accessKeyId, String secretAccessKey) {

        public Credentials {
            if (accessKeyId == null || accessKeyId.isBlank() || secretAccessKey == null || secretAccessKey.isEmpty()) {
                throw new IllegalArgumentException("S3Access.credentials: expected an access key id and a secret");
            }
        }

        @Override
        public String toString() {
            return "Credentials[given]";
        }
    }
}
