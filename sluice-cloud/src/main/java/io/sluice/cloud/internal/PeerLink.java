package io.sluice.cloud.internal;

import io.grpc.CallOptions;
import io.grpc.ClientInterceptor;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.sluice.cloud.internal.Wire.Forward;
import io.sluice.cloud.internal.Wire.Forwarded;
import io.sluice.cloud.internal.Wire.Hello;
import io.sluice.cloud.internal.Wire.TypeGroup;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's link to one peer: a gRPC channel, a Hello every {@value #GOSSIP_MS} ms (sooner when local subscriptions
 * change) that learns what the peer's clients want, and the forwarding of objects to it. A peer that does not answer
 * is down: nothing is forwarded to it, what it wanted is forgotten until it answers again, and the objects stay here.
 */
final class PeerLink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PeerLink.class);

    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    static final long GOSSIP_MS = 250;

    private final NodeCore node;
    private final String address;
    private final ManagedChannel channel;
    private final AtomicBoolean asking = new AtomicBoolean();
    private final AtomicInteger forwarding = new AtomicInteger();
    private final Object wake = new Object();
    private volatile Set<TypeGroup> wanted = Set.of();
    private volatile String peerId;
    private volatile boolean up;
    private volatile boolean closed;
    private boolean soon;
    private Thread gossip;

    PeerLink(NodeCore node, String address) {
        this.node = node;
        this.address = address;
        ManagedChannelBuilder<?> builder = Grpc.newChannelBuilder(
                address,
                Wire.credentials(
                        node.options().tls() == null
                                ? null
                                : node.options().tls().trusted()));
        if (node.token() != null) {
            builder.intercept(withToken(node.token()));
        }
        this.channel = builder.build();
    }

    /** Sends {@code authorization: Bearer TOKEN} with every call. */
    static ClientInterceptor withToken(String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    void start() {
        gossip = Thread.ofPlatform().daemon().name("cloud-peer-" + address).start(this::gossipLoop);
    }

    String address() {
        return address;
    }

    String peerId() {
        return peerId;
    }

    boolean up() {
        return up;
    }

    Set<TypeGroup> wanted() {
        return up ? wanted : Set.of();
    }

    boolean wants(TypeGroup typeGroup) {
        return up && wanted.contains(typeGroup);
    }

    int forwarding() {
        return forwarding.get();
    }

    void forwardStarted() {
        forwarding.incrementAndGet();
    }

    /** Asks for a Hello now rather than at the next tick. */
    void gossipSoon() {
        synchronized (wake) {
            soon = true;
            wake.notifyAll();
        }
    }

    /** The peer called us: as good as an answer. */
    void heard(Hello hello) {
        boolean wasUp = up;
        apply(hello);
        if (!wasUp) {
            gossipSoon();
        }
    }

    private void apply(Hello hello) {
        peerId = hello.id();
        wanted = hello.subscriptions() == null ? Set.of() : Set.copyOf(hello.subscriptions());
        if (!up) {
            LOG.info("cloud node '{}': peer '{}' at {} is up", node.id(), peerId, address);
        }
        up = true;
        node.heardFrom(this, hello);
    }

    private void gossipLoop() {
        while (!closed) {
            ask();
            synchronized (wake) {
                if (!soon) {
                    try {
                        wake.wait(GOSSIP_MS);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                soon = false;
            }
        }
    }

    private void ask() {
        if (!asking.compareAndSet(false, true)) {
            return;
        }
        try {
            Hello answer = ClientCalls.blockingUnaryCall(
                    channel, Wire.HELLO, CallOptions.DEFAULT.withDeadlineAfter(2, TimeUnit.SECONDS), node.hello());
            apply(answer);
        } catch (RuntimeException e) {
            down(e);
        } finally {
            asking.set(false);
        }
    }

    private void down(Throwable cause) {
        if (up) {
            LOG.warn("cloud node '{}': peer '{}' at {} is down: {}", node.id(), peerId, address, cause.getMessage());
        }
        up = false;
        wanted = Set.of();
    }

    /** Hands {@code batch} to the peer; the node hears back through {@code forwarded} or {@code notForwarded}. */
    void forward(Forward batch, TypeGroup typeGroup) {
        ClientCalls.asyncUnaryCall(
                channel.newCall(Wire.FORWARD, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS)),
                batch,
                new StreamObserver<Forwarded>() {
                    @Override
                    public void onNext(Forwarded value) {}

                    @Override
                    public void onError(Throwable t) {
                        forwarding.decrementAndGet();
                        down(t);
                        node.notForwarded(batch, typeGroup);
                    }

                    @Override
                    public void onCompleted() {
                        forwarding.decrementAndGet();
                        node.forwarded(batch, typeGroup);
                    }
                });
    }

    @Override
    public void close() {
        closed = true;
        if (gossip != null) {
            gossip.interrupt();
        }
        channel.shutdownNow();
    }

    @Override
    public String toString() {
        return "peer " + peerId + " at " + address + (up ? "" : " (down)") + " wants " + List.copyOf(wanted);
    }
}
