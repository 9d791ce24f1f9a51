package io.sluice.connectors.s3.internal;

import io.sluice.connectors.s3.S3Access;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * One node instance's S3 client, built from {@link S3Access} and the standard AWS settings of this process, with what
 * messages say about where it goes ({@link #where()}: the endpoint or the AWS region, never a credential).
 */
public final class S3Connection implements AutoCloseable {

    private final S3Client client;
    private final String where;
    private final Duration timeout;

    private S3Connection(S3Client client, String where, Duration timeout) {
        this.client = client;
        this.where = where;
        this.timeout = timeout;
    }

    /** A client for {@code access}, completed from this process's environment. */
    public static S3Connection open(S3Access access) {
        return open(access, System.getenv());
    }

    /** What {@link #open(S3Access)} resolves: where requests go and how they are addressed. */
    record Resolved(Optional<URI> endpoint, Region region, boolean pathStyle, boolean crossRegion) {}

    /** Resolves {@code access} against {@code env}, the settings of the process. */
    static Resolved resolve(S3Access access, Map<String, String> env) {
        Optional<URI> endpoint = access.endpoint();
        if (endpoint.isEmpty()) {
            String fromEnv = firstSet(env.get("AWS_ENDPOINT_URL_S3"), env.get("AWS_ENDPOINT_URL"));
            if (fromEnv != null) {
                endpoint = Optional.of(URI.create(fromEnv.strip()));
            }
        }
        boolean crossRegion = false;
        Region region;
        if (access.region().isPresent()) {
            region = Region.of(access.region().get());
        } else {
            String fromEnv = firstSet(env.get("AWS_REGION"), env.get("AWS_DEFAULT_REGION"));
            if (fromEnv != null) {
                region = Region.of(fromEnv.strip());
            } else if (endpoint.isPresent()) {
                region = Region.US_EAST_1; // an S3-compatible server takes any region
            } else {
                region = defaultRegion();
                crossRegion = region == null;
                if (region == null) {
                    region = Region.US_EAST_1;
                }
            }
        }
        boolean pathStyle = access.pathStyle().orElse(endpoint.isPresent());
        return new Resolved(endpoint, region, pathStyle, crossRegion);
    }

    static S3Connection open(S3Access access, Map<String, String> env) {
        Resolved resolved = resolve(access, env);
        AwsCredentialsProvider credentials = access.credentials()
                .<AwsCredentialsProvider>map(c -> StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(c.accessKeyId(), c.secretAccessKey())))
                .orElseGet(() -> DefaultCredentialsProvider.builder().build());
        var builder = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(access.timeout())
                        .socketTimeout(access.timeout())
                        .build())
                .region(resolved.region())
                .credentialsProvider(credentials)
                .forcePathStyle(resolved.pathStyle())
                .crossRegionAccessEnabled(resolved.crossRegion());
        if (resolved.endpoint().isPresent()) {
            // S3-compatible servers (s3proxy, older MinIO, Ceph) refuse the trailing checksums the SDK sends to AWS
            builder.endpointOverride(resolved.endpoint().get())
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        String where = resolved.endpoint().map(URI::toString).orElse("AWS S3 (" + resolved.region() + ")");
        return new S3Connection(builder.build(), where, access.timeout());
    }

    private static Region defaultRegion() {
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            return null;
        }
    }

    private static String firstSet(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    /** The SDK client. */
    public S3Client client() {
        return client;
    }

    /** Where requests go, for messages: {@code http://127.0.0.1:9000} or {@code AWS S3 (eu-west-1)}. */
    public String where() {
        return where;
    }

    /** How long a connection or an answer may take. */
    public Duration timeout() {
        return timeout;
    }

    @Override
    public void close() {
        client.close();
    }
}
