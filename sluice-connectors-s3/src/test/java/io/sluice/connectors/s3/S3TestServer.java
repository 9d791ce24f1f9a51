package io.sluice.connectors.s3;

import io.sluice.testkit.ServerProcess;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3-compatible server for tests: s3proxy in this JVM on a free loopback port, over jclouds' in-memory blob
 * store, checking AWS signatures against one key pair. {@link #shared()} starts one per JVM, stopped at exit. s3proxy
 * emulates multipart uploads by keeping each part as an object {@code .mpus-…} at the bucket's root until the upload
 * completes; a test reading a whole bucket sees them.
 */
public final class S3TestServer implements AutoCloseable {

    public static final String ACCESS_KEY = "sluice-test";
    public static final String SECRET_KEY = "sluice-test-secret";

    private static S3TestServer shared;
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private final S3Proxy proxy;
    private final BlobStoreContext context;
    private final String endpoint;
    private final S3Client client;

    private S3TestServer(S3Proxy proxy, BlobStoreContext context, String endpoint) {
        this.proxy = proxy;
        this.context = context;
        this.endpoint = endpoint;
        this.client = S3Client.builder()
                .endpointOverride(URI.create(endpoint))
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    /** Starts a server and waits until it takes requests. */
    static S3TestServer start() {
        try {
            BlobStoreContext context = ContextBuilder.newBuilder("transient")
                    .credentials("unused", "unused")
                    .overrides(new Properties())
                    .build(BlobStoreContext.class);
            int port = ServerProcess.freePort();
            S3Proxy proxy = S3Proxy.builder()
                    .blobStore(context.getBlobStore())
                    .endpoint(URI.create("http://127.0.0.1:" + port))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                    .build();
            proxy.start();
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("s3proxy did not start within 20 s: " + proxy.getState());
                }
                Thread.sleep(10);
            }
            return new S3TestServer(proxy, context, "http://127.0.0.1:" + proxy.getPort());
        } catch (Exception e) {
            throw new IllegalStateException("cannot start s3proxy: " + e, e);
        }
    }

    /** One server for the whole JVM, started on first use and stopped at exit. */
    public static synchronized S3TestServer shared() {
        if (shared == null) {
            shared = start();
            S3TestServer server = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "s3proxy-stop"));
        }
        return shared;
    }

    /** The server's URL. */
    public String endpoint() {
        return endpoint;
    }

    /** How sources and sinks reach it: the endpoint and the key pair. */
    public S3Access access() {
        return S3Access.defaults().withEndpoint(endpoint).withCredentials(ACCESS_KEY, SECRET_KEY);
    }

    /** The standard AWS settings that point a process at this server. */
    public Map<String, String> environment() {
        return Map.of(
                "AWS_ENDPOINT_URL", endpoint,
                "AWS_ACCESS_KEY_ID", ACCESS_KEY,
                "AWS_SECRET_ACCESS_KEY", SECRET_KEY,
                "AWS_REGION", "us-east-1");
    }

    /** A client of the server, for a test's own reads and writes. */
    public S3Client client() {
        return client;
    }

    /** Creates a bucket of a name no other test uses, starting with {@code prefix}; returns its name. */
    public String createBucket(String prefix) {
        String name = prefix + "-" + BUCKETS.incrementAndGet() + "-" + Long.toHexString(System.nanoTime() & 0xffffff);
        client.createBucket(b -> b.bucket(name));
        return name;
    }

    void put(String bucket, String key, byte[] bytes) {
        client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
    }

    void put(String bucket, String key, String text) {
        put(bucket, key, text.getBytes(StandardCharsets.UTF_8));
    }

    byte[] get(String bucket, String key) {
        return client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    /** The keys under {@code prefix}, in listing order. */
    public List<String> keys(String bucket, String prefix) {
        return client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
                .map(S3Object::key)
                .toList();
    }

    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            // stopping at exit: nothing to do about it
        }
        client.close();
        context.close();
    }
}
