package io.sluice.cloud;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.CallOptions;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.sluice.cloud.internal.Wire;
import io.sluice.cloud.internal.Wire.Define;
import io.sluice.cloud.internal.Wire.Defined;
import io.sluice.cloud.internal.Wire.Delivery;
import io.sluice.cloud.internal.Wire.Publish;
import io.sluice.cloud.internal.Wire.Published;
import io.sluice.cloud.internal.Wire.Subscribe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of one cloud node: defines types, publishes objects, subscribes by type.
 *
 * <pre>{@code
 * try (CloudClient client = CloudClient.connect("localhost:7000")) {
 *     client.define(ObjectType.of("Order", Order.class));
 *     String id = client.publish("Order", new Order("o-1", 250)).join();
 *     client.subscribe("Invoice", "billing", invoice -> {
 *         System.out.println(invoice.object());
 *         invoice.ack();
 *     });
 * }
 * }</pre>
 *
 * <p>Thread-safe. Publishing is pipelined over one gRPC stream: {@link #publish} returns at once (blocking only when
 * {@value #MAX_UNANSWERED} objects are unanswered) and its future completes with the object's id once the node has
 * stored it durably. A handler of a subscription runs on a gRPC thread, one object at a time per subscription.
 */
public final class CloudClient implements AutoCloseable {

    /** How many published objects may wait for the node's answer before {@link #publish} blocks. */
    public static final int MAX_UNANSWERED = 5000;

    private static final Logger LOG = LoggerFactory.getLogger(CloudClient.class);

    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final String address;
    private final ManagedChannel channel;
    private final Object publishLock = new Object();
    private final Map<Long, CompletableFuture<String>> unanswered = new ConcurrentHashMap<>();
    private final Semaphore room = new Semaphore(MAX_UNANSWERED);
    private final AtomicLong sequence = new AtomicLong();
    private StreamObserver<Publish> publishing;
    private static final int ACK_BATCH = 64;
    private final java.util.Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService ackTimer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "cloud-client-acks");
        thread.setDaemon(true);
        return thread;
    });

    private CloudClient(String address, String token, Path trusted) {
        this.address = address;
        ManagedChannelBuilder<?> builder = Grpc.newChannelBuilder(address, Wire.credentials(trusted));
        if (token != null) {
            Metadata headers = new Metadata();
            headers.put(AUTHORIZATION, "Bearer " + token);
            builder.intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        this.channel = builder.build();
    }

    /** A client of the node at {@code address} ({@code host:port}); connects on first use. */
    public static CloudClient connect(String address) {
        return connect(address, null);
    }

    /** A client of the node at {@code address} sending {@code token} as its bearer token; null sends none. */
    public static CloudClient connect(String address, String token) {
        return connect(address, token, null);
    }

    /**
     * A client of the node at {@code address} over TLS, trusting the certificates in the PEM file {@code trusted}
     * (null: plain text), sending {@code token} as its bearer token (null: none).
     */
    public static CloudClient connect(String address, String token, Path trusted) {
        Objects.requireNonNull(address, "address");
        return new CloudClient(address, token, trusted);
    }

    /** The node's {@code host:port}. */
    public String address() {
        return address;
    }

    /**
     * Defines {@code type} at the node, which passes it on to its peers. Defining the same type again is fine.
     *
     * @throws CloudException if the node knows the name with another schema, or cannot be reached
     */
    public void define(ObjectType type) {
        Defined answer;
        try {
            answer = ClientCalls.blockingUnaryCall(
                    channel,
                    Wire.DEFINE,
                    CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                    new Define(type.name(), type.toSchema()));
        } catch (StatusRuntimeException e) {
            throw failure("cannot define type '" + type.name() + "'", e);
        }
        if (answer.error() != null) {
            throw new CloudException(answer.error());
        }
    }

    /**
     * Publishes {@code object} — a {@link JsonNode}, a record, a map — as an object of {@code type}.
     *
     * @return the object's id once the node stored it; fails with a {@link CloudException} if the node refuses it
     *     (unknown type, a field that does not match, naming it) or cannot be reached
     */
    public CompletableFuture<String> publish(String type, Object object) {
        JsonNode json = object instanceof JsonNode node ? node : Wire.JSON.valueToTree(object);
        try {
            room.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(new CloudException("publishing to '" + address + "': interrupted"));
        }
        long seq = sequence.incrementAndGet();
        CompletableFuture<String> answer = new CompletableFuture<>();
        answer.whenComplete((id, e) -> room.release());
        unanswered.put(seq, answer);
        synchronized (publishLock) {
            if (publishing == null) {
                publishing = ClientCalls.asyncBidiStreamingCall(
                        channel.newCall(Wire.PUBLISH, CallOptions.DEFAULT), new PublishAnswers());
            }
            publishing.onNext(new Publish(seq, type, json, System.currentTimeMillis()));
        }
        return answer;
    }

    /** Answers on the publish stream; when it breaks, every unanswered object fails and the next opens a new one. */
    private final class PublishAnswers implements StreamObserver<Published> {
        @Override
        public void onNext(Published reply) {
            CompletableFuture<String> answer = unanswered.remove(reply.seq());
            if (answer != null) {
                if (reply.field() != null) {
                    answer.completeExceptionally(
                            new InvalidObjectException(reply.type(), reply.field(), reply.problem()));
                } else if (reply.error() != null) {
                    answer.completeExceptionally(new CloudException(reply.error()));
                } else {
                    answer.complete(reply.id());
                }
            }
        }

        @Override
        public void onError(Throwable t) {
            broken(failure("publishing to '" + address + "' failed", t));
        }

        @Override
        public void onCompleted() {
            broken(new CloudException("publishing to '" + address + "': the node ended the stream"));
        }

        private void broken(CloudException e) {
            synchronized (publishLock) {
                publishing = null;
            }
            for (Long seq : List.copyOf(unanswered.keySet())) {
                CompletableFuture<String> answer = unanswered.remove(seq);
                if (answer != null) {
                    answer.completeExceptionally(e);
                }
            }
        }
    }

    /**
     * Subscribes to objects of {@code type} as a member of {@code group}: every group gets each object, the members of
     * one group share them. Objects published before the subscription and not yet taken by the group come too.
     * {@code handler} gets each object and should {@link CloudObject#ack} it once processed; an object it throws on
     * stays unacknowledged until the subscription ends, then goes to another member.
     *
     * @throws CloudException if the node does not know the type (naming the types it knows) or cannot be reached
     */
    public Subscription subscribe(String type, String group, Consumer<CloudObject> handler) {
        Objects.requireNonNull(handler, "handler");
        ClientSubscription subscription = new ClientSubscription(type, group, handler);
        subscriptions.add(subscription);
        subscription.ended().whenComplete((v, e) -> subscriptions.remove(subscription));
        subscription.start();
        try {
            subscription.subscribed.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof CloudException cloud
                    ? cloud
                    : new CloudException("subscribing to '" + type + "' at '" + address + "' failed", e.getCause());
        } catch (TimeoutException e) {
            subscription.close();
            throw new CloudException("subscribing to '" + type + "' at '" + address + "': no answer within 10 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            subscription.close();
            throw new CloudException("subscribing to '" + type + "' at '" + address + "': interrupted");
        }
        return subscription;
    }

    private final class ClientSubscription implements Subscription, StreamObserver<Delivery> {
        private final String type;
        private final String group;
        private final Consumer<CloudObject> handler;
        private final CompletableFuture<Void> subscribed = new CompletableFuture<>();
        private final CompletableFuture<Void> ended = new CompletableFuture<>();
        private StreamObserver<Subscribe> requests;
        private boolean closed;

        ClientSubscription(String type, String group, Consumer<CloudObject> handler) {
            this.type = type;
            this.group = group == null || group.isBlank() ? "default" : group;
            this.handler = handler;
        }

        synchronized void start() {
            requests = ClientCalls.asyncBidiStreamingCall(channel.newCall(Wire.SUBSCRIBE, CallOptions.DEFAULT), this);
            requests.onNext(new Subscribe(type, group, null));
        }

        @Override
        public String type() {
            return type;
        }

        @Override
        public String group() {
            return group;
        }

        @Override
        public CompletableFuture<Void> ended() {
            return ended;
        }

        private final List<String> acks = new ArrayList<>();
        private boolean flushDue;

        /** Acknowledgements go in batches: at once when 64 wait, otherwise within a millisecond. */
        private synchronized void ack(String id) {
            if (closed) {
                return;
            }
            acks.add(id);
            if (acks.size() >= ACK_BATCH) {
                flushAcks();
            } else if (!flushDue) {
                flushDue = true;
                try {
                    ackTimer.schedule(this::flushAcksLater, 1, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException closing) {
                    flushDue = false;
                    flushAcks();
                }
            }
        }

        private synchronized void flushAcksLater() {
            flushDue = false;
            flushAcks();
        }

        private void flushAcks() {
            if (!acks.isEmpty() && !closed) {
                requests.onNext(new Subscribe(null, null, List.copyOf(acks)));
            }
            acks.clear();
        }

        @Override
        public void onNext(Delivery delivery) {
            if (delivery.id() == null) {
                subscribed.complete(null);
                return;
            }
            CloudObject object = new CloudObject(
                    delivery.id(), delivery.type(), delivery.object(), delivery.sentAt(), () -> ack(delivery.id()));
            try {
                handler.accept(object);
            } catch (RuntimeException e) {
                // not acknowledged: the node gives it to another member when this subscription ends
                LOG.warn(
                        "subscription to '{}' at '{}': the handler failed on object '{}'; it stays unacknowledged",
                        type,
                        address,
                        delivery.id(),
                        e);
            }
        }

        @Override
        public void onError(Throwable t) {
            CloudException e = failure("subscription to '" + type + "' at '" + address + "'", t);
            subscribed.completeExceptionally(e);
            synchronized (this) {
                if (closed) {
                    ended.complete(null);
                    return;
                }
                closed = true;
            }
            ended.completeExceptionally(e);
        }

        @Override
        public void onCompleted() {
            synchronized (this) {
                closed = true;
            }
            subscribed.completeExceptionally(new CloudException("subscription to '" + type + "' ended at once"));
            ended.complete(null);
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                flushAcks();
                closed = true;
                try {
                    requests.onCompleted();
                } catch (RuntimeException e) {
                    // the stream is gone already
                }
            }
        }
    }

    private static CloudException failure(String what, Throwable t) {
        if (t instanceof CloudException cloud) {
            return cloud;
        }
        Status status = Status.fromThrowable(t);
        String description = status.getDescription();
        if (status.getCode() == Status.Code.NOT_FOUND || status.getCode() == Status.Code.UNAUTHENTICATED) {
            return new CloudException(description, t);
        }
        return new CloudException(
                what + ": " + status.getCode() + (description == null ? "" : " (" + description + ")"), t);
    }

    /** Closes every stream and the connection; unacknowledged objects of its subscriptions go back to the node. */
    @Override
    public void close() {
        List.copyOf(subscriptions).forEach(Subscription::close);
        synchronized (publishLock) {
            if (publishing != null) {
                try {
                    publishing.onCompleted();
                } catch (RuntimeException e) {
                    // already broken
                }
            }
        }
        ackTimer.shutdown();
        channel.shutdown();
        try {
            if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            channel.shutdownNow();
        }
    }
}
