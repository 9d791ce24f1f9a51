package io.sluice.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.sluice.testkit.Measurement;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Objects per second and delivery latency (p50, p99) of 100,000 objects client → node A → node B → client, next to a
 * bare gRPC streaming relay client → server → client with the same JSON messages, in one run. Prints the figures and
 * asserts only that every object arrived; timings belong in docs/cloud.md, not in assertions.
 */
@Tag("slow")
class CloudThroughputTest {

    private static final int OBJECTS = Integer.getInteger("cloud.bench.objects", Measurement.size(100_000, 10_000));
    private static final int WARM_UP = Measurement.size(10_000, 2_000);
    private static final int WINDOW = CloudClient.MAX_UNANSWERED;
    private static final int PACED = Measurement.size(10_000, 1_000);
    private static final int RATE = 2_000;

    /** Waits until the {@code i}th object is due at {@code rate} per second from {@code start}; 0: at once. */
    static void pace(long start, int i, int rate) {
        if (rate > 0) {
            long due = start + i * 1_000_000_000L / rate;
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
        }
    }

    @TempDir
    Path dir;

    record Tick(long id, long sentNanos) {}

    /** Latencies in nanoseconds of one run, and how long it took. */
    record Run(long[] latencies, long nanos) {
        String report(String name) {
            long[] sorted = latencies.clone();
            Arrays.sort(sorted);
            return String.format(
                    "%-38s %9.0f objects/s   p50 %7.2f ms   p99 %7.2f ms%n",
                    name,
                    sorted.length / (nanos / 1e9),
                    sorted[sorted.length / 2] / 1e6,
                    sorted[(int) (sorted.length * 0.99)] / 1e6);
        }
    }

    @Test
    void measureTheCloudAgainstABareGrpcRelay() throws Exception {
        Run relay;
        Run relayPaced;
        try (Relay warmUp = new Relay()) {
            warmUp.run(WARM_UP, 0);
        }
        try (Relay bare = new Relay()) {
            relay = bare.run(OBJECTS, 0);
        }
        try (Relay bare = new Relay()) {
            relayPaced = bare.run(PACED, RATE);
        }
        Run cloud;
        Run cloudPaced;
        ObjectType tick = ObjectType.of("Tick", Tick.class);
        try (CloudNode b = CloudNode.start(
                        CloudNodeOptions.of("B", dir.resolve("b")).withTypes(List.of(tick)));
                CloudNode a = CloudNode.start(CloudNodeOptions.of("A", dir.resolve("a"))
                        .withTypes(List.of(tick))
                        .withPeers(List.of(b.address())));
                CloudClient publisher = CloudClient.connect(a.address());
                CloudClient subscriber = CloudClient.connect(b.address())) {
            cloudRun(a, publisher, subscriber, WARM_UP, 0);
            cloud = cloudRun(a, publisher, subscriber, OBJECTS, 0);
            cloudPaced = cloudRun(a, publisher, subscriber, PACED, RATE);
        }
        String report = "\nCloud throughput " + Measurement.describe() + ", " + OBJECTS + " objects, one JVM, "
                + Runtime.getRuntime().availableProcessors() + " cores\n"
                + relay.report("bare gRPC relay client->server->client")
                + cloud.report("cloud client->A->B->client (stored)")
                + "paced at " + RATE + " objects/s, " + PACED + " objects:\n"
                + relayPaced.report("bare gRPC relay client->server->client")
                + cloudPaced.report("cloud client->A->B->client (stored)");
        System.out.print(report);
        assertThat(cloud.latencies()).hasSize(OBJECTS);
    }

    private static Run cloudRun(CloudNode a, CloudClient publisher, CloudClient subscriber, int count, int rate)
            throws InterruptedException {
        long[] latencies = new long[count];
        AtomicInteger received = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(1);
        Subscription subscription = subscriber.subscribe("Tick", "bench", object -> {
            long now = System.nanoTime();
            int n = received.getAndIncrement();
            if (n < count) {
                latencies[n] = now - object.object().path("sentNanos").asLong();
            }
            object.ack();
            if (n + 1 == count) {
                all.countDown();
            }
        });
        // the subscription must be known at A before the clock starts, so objects are forwarded, not held
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> a.status().get("peers").toString().contains("Tick/bench"));
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            pace(start, i, rate);
            publisher.publish("Tick", Map.of("id", i, "sentNanos", System.nanoTime()));
        }
        assertThat(all.await(5, TimeUnit.MINUTES)).as("all objects arrived").isTrue();
        long nanos = System.nanoTime() - start;
        subscription.close();
        return new Run(latencies, nanos);
    }

    /** A bare gRPC relay: one server, a client-streaming publish call, a server-streaming subscribe call. */
    static final class Relay implements AutoCloseable {
        private static final ObjectMapper JSON = new ObjectMapper();
        private static final MethodDescriptor.Marshaller<Tick> MARSHALLER = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(Tick value) {
                try {
                    return new ByteArrayInputStream(JSON.writeValueAsBytes(value));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public Tick parse(InputStream stream) {
                try {
                    return JSON.readValue(stream, Tick.class);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        private static final MethodDescriptor<Tick, Tick> PUBLISH = MethodDescriptor.<Tick, Tick>newBuilder()
                .setType(MethodDescriptor.MethodType.CLIENT_STREAMING)
                .setFullMethodName("bench.Relay/Publish")
                .setRequestMarshaller(MARSHALLER)
                .setResponseMarshaller(MARSHALLER)
                .build();
        private static final MethodDescriptor<Tick, Tick> SUBSCRIBE = MethodDescriptor.<Tick, Tick>newBuilder()
                .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
                .setFullMethodName("bench.Relay/Subscribe")
                .setRequestMarshaller(MARSHALLER)
                .setResponseMarshaller(MARSHALLER)
                .build();

        private final Server server;
        private final ManagedChannel publisher;
        private final ManagedChannel subscriber;
        private volatile StreamObserver<Tick> listener;
        private final CountDownLatch subscribed = new CountDownLatch(1);

        Relay() throws IOException {
            server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                    .addService(ServerServiceDefinition.builder("bench.Relay")
                            .addMethod(PUBLISH, ServerCalls.asyncClientStreamingCall(done -> new StreamObserver<>() {
                                @Override
                                public void onNext(Tick tick) {
                                    synchronized (Relay.this) {
                                        listener.onNext(tick);
                                    }
                                }

                                @Override
                                public void onError(Throwable t) {}

                                @Override
                                public void onCompleted() {
                                    done.onNext(new Tick(0, 0));
                                    done.onCompleted();
                                }
                            }))
                            .addMethod(SUBSCRIBE, ServerCalls.asyncServerStreamingCall((request, out) -> {
                                listener = out;
                                subscribed.countDown();
                            }))
                            .build())
                    .build()
                    .start();
            publisher = Grpc.newChannelBuilder("localhost:" + server.getPort(), InsecureChannelCredentials.create())
                    .build();
            subscriber = Grpc.newChannelBuilder("localhost:" + server.getPort(), InsecureChannelCredentials.create())
                    .build();
        }

        Run run(int count, int rate) throws InterruptedException {
            long[] latencies = new long[count];
            AtomicInteger received = new AtomicInteger();
            CountDownLatch all = new CountDownLatch(1);
            Semaphore window = new Semaphore(WINDOW);
            ClientCalls.asyncServerStreamingCall(
                    subscriber.newCall(SUBSCRIBE, CallOptions.DEFAULT), new Tick(0, 0), new StreamObserver<>() {
                        @Override
                        public void onNext(Tick tick) {
                            int n = received.getAndIncrement();
                            latencies[n] = System.nanoTime() - tick.sentNanos();
                            window.release();
                            if (n + 1 == count) {
                                all.countDown();
                            }
                        }

                        @Override
                        public void onError(Throwable t) {}

                        @Override
                        public void onCompleted() {}
                    });
            subscribed.await(30, TimeUnit.SECONDS);
            StreamObserver<Tick> out = ClientCalls.asyncClientStreamingCall(
                    publisher.newCall(PUBLISH, CallOptions.DEFAULT), new StreamObserver<>() {
                        @Override
                        public void onNext(Tick value) {}

                        @Override
                        public void onError(Throwable t) {}

                        @Override
                        public void onCompleted() {}
                    });
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                pace(start, i, rate);
                window.acquire();
                out.onNext(new Tick(i, System.nanoTime()));
            }
            out.onCompleted();
            assertThat(all.await(5, TimeUnit.MINUTES)).isTrue();
            return new Run(latencies, System.nanoTime() - start);
        }

        @Override
        public void close() {
            publisher.shutdownNow();
            subscriber.shutdownNow();
            server.shutdownNow();
        }
    }
}
