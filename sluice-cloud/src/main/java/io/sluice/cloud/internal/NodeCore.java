package io.sluice.cloud.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.sluice.cloud.CloudException;
import io.sluice.cloud.CloudNodeOptions;
import io.sluice.cloud.InvalidObjectException;
import io.sluice.cloud.ObjectType;
import io.sluice.cloud.internal.Wire.Define;
import io.sluice.cloud.internal.Wire.Defined;
import io.sluice.cloud.internal.Wire.Delivery;
import io.sluice.cloud.internal.Wire.Forward;
import io.sluice.cloud.internal.Wire.Forwarded;
import io.sluice.cloud.internal.Wire.Hello;
import io.sluice.cloud.internal.Wire.Moved;
import io.sluice.cloud.internal.Wire.Publish;
import io.sluice.cloud.internal.Wire.Published;
import io.sluice.cloud.internal.Wire.Subscribe;
import io.sluice.cloud.internal.Wire.TypeGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cloud node: the gRPC service clients and peers call, the objects it holds and to whom it owes them, and the
 * dispatcher that hands each owed object to a local subscriber of its group or, when its clients want none, to a peer
 * whose clients do.
 *
 * <p>Guarantees: an object is stored (forced to disk) before its publisher hears its id; it stays until every group
 * it is owed to has acknowledged it here or a peer has stored it; an object whose type no group has asked for yet is
 * held for the first groups that do. All state changes happen under one lock, in the order they reach the log.
 */
public final class NodeCore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeCore.class);

    /** Owed to whatever groups first subscribe to the object's type. */
    static final String ANY = "*";

    static final int MAX_IN_FLIGHT = 1000;
    static final int FORWARD_BATCH = 500;
    static final int FORWARDS_PER_PEER = 16;
    static final int COMPACT_FACTOR = 4;

    /** An object this node holds and the groups it still owes it to. */
    static final class Held {
        final String id;
        final String type;
        final JsonNode object;
        final long sentAt;
        final Set<String> owed;

        Held(String id, String type, JsonNode object, long sentAt, Set<String> owed) {
            this.id = id;
            this.type = type;
            this.object = object;
            this.sentAt = sentAt;
            this.owed = owed;
        }
    }

    /** A local subscriber: one Subscribe stream. */
    static final class Sub {
        final TypeGroup typeGroup;
        final ServerCallStreamObserver<Delivery> out;
        final LinkedHashSet<String> inFlight = new LinkedHashSet<>();
        boolean closed;

        Sub(TypeGroup typeGroup, ServerCallStreamObserver<Delivery> out) {
            this.typeGroup = typeGroup;
            this.out = out;
        }

        synchronized void send(Delivery delivery) {
            if (!closed) {
                try {
                    out.onNext(delivery);
                } catch (RuntimeException e) {
                    closed = true; // the stream was cancelled meanwhile; its close puts the objects back
                }
            }
        }
    }

    private final CloudNodeOptions options;
    private final String address;
    private final Object lock = new Object();
    private final Map<String, ObjectType> types = new ConcurrentHashMap<>();
    private final Map<String, Held> objects = new LinkedHashMap<>();
    private final Map<String, Set<String>> known = new HashMap<>();
    private final Map<TypeGroup, ArrayDeque<String>> queues = new HashMap<>();
    private final Map<String, ArrayDeque<String>> unclaimed = new HashMap<>();
    private final Map<TypeGroup, List<Sub>> subs = new HashMap<>();
    private final Map<String, PeerLink> peers = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong compactions = new AtomicLong();
    private final long compactAfter = Long.getLong("sluice.cloud.compactAfter", 200_000);
    private final String idPrefix;
    private final Store store;
    private final Server server;
    private final Thread dispatcher;
    private final StatusServer status;
    private final Metrics metrics = new Metrics();
    private boolean signalled;
    private volatile boolean closed;

    /** Counters exported by the status server. */
    static final class Metrics {
        final AtomicLong published = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong delivered = new AtomicLong();
        final AtomicLong acknowledged = new AtomicLong();
        final AtomicLong forwarded = new AtomicLong();
        final AtomicLong received = new AtomicLong();
    }

    private NodeCore(CloudNodeOptions options) throws IOException {
        this.options = options;
        this.idPrefix = options.id() + "-" + Long.toString(System.currentTimeMillis(), 36) + "-";
        for (ObjectType type : options.types()) {
            types.put(type.name(), type);
        }
        this.store = Store.open(options.dataDir(), options.id(), this::replay, this::compacted);
        for (ObjectType type : options.types()) {
            store.append(Store.Entry.type(type.name(), type.toSchema()));
        }
        ServerServiceDefinition service = ServerServiceDefinition.builder(Wire.SERVICE)
                .addMethod(Wire.PUBLISH, ServerCalls.asyncBidiStreamingCall(this::publish))
                .addMethod(Wire.SUBSCRIBE, ServerCalls.asyncBidiStreamingCall(this::subscribe))
                .addMethod(Wire.DEFINE, ServerCalls.asyncUnaryCall(this::define))
                .addMethod(Wire.HELLO, ServerCalls.asyncUnaryCall(this::hello))
                .addMethod(Wire.FORWARD, ServerCalls.asyncUnaryCall(this::forward))
                .build();
        this.server = Grpc.newServerBuilderForPort(options.port(), serverCredentials(options))
                .addService(options.token() == null ? service : ServerInterceptors.intercept(service, new TokenCheck()))
                .build()
                .start();
        this.address = options.advertise() != null ? options.advertise() : "localhost:" + server.getPort();
        this.dispatcher = Thread.ofPlatform()
                .daemon()
                .name("cloud-dispatch-" + options.id())
                .start(this::dispatchLoop);
        for (String peer : options.peers()) {
            link(peer);
        }
        this.status = options.statusPort() >= 0 ? new StatusServer(this, options.statusPort()) : null;
        LOG.info("cloud node '{}' serves on port {}, peers {}", options.id(), server.getPort(), options.peers());
    }

    private static ServerCredentials serverCredentials(CloudNodeOptions options) throws IOException {
        if (options.tls() == null) {
            return InsecureServerCredentials.create();
        }
        return TlsServerCredentials.create(
                options.tls().certificateChain().toFile(),
                options.tls().privateKey().toFile());
    }

    /** Starts a node; its store is replayed first. */
    public static NodeCore start(CloudNodeOptions options) {
        try {
            return new NodeCore(options);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cloud node '" + options.id() + "': cannot serve on port " + options.port() + ": " + e.getMessage(),
                    e);
        }
    }

    public String id() {
        return options.id();
    }

    public int port() {
        return server.getPort();
    }

    public String address() {
        return address;
    }

    public int statusPort() {
        return status == null ? -1 : status.port();
    }

    String token() {
        return options.token();
    }

    CloudNodeOptions options() {
        return options;
    }

    Metrics metrics() {
        return metrics;
    }

    // ---- the store ----

    private void replay(Store.Entry entry) {
        switch (entry.op()) {
            case "type" -> {
                try {
                    types.putIfAbsent(entry.type(), ObjectType.fromSchema(entry.type(), entry.schema()));
                } catch (IllegalArgumentException e) {
                    LOG.warn(
                            "cloud node '{}': type '{}' in the store is not readable: {}",
                            id(),
                            entry.type(),
                            e.getMessage());
                }
            }
            case "known" ->
                known.computeIfAbsent(entry.type(), t -> new TreeSet<>()).add(entry.group());
            case "put" -> {
                Held held = objects.get(entry.id());
                if (held == null) {
                    objects.put(
                            entry.id(),
                            new Held(
                                    entry.id(),
                                    entry.type(),
                                    entry.obj(),
                                    entry.at(),
                                    new LinkedHashSet<>(entry.groups())));
                } else {
                    held.owed.addAll(entry.groups());
                }
            }
            case "groups" -> {
                Held held = objects.get(entry.id());
                if (held != null) {
                    held.owed.clear();
                    held.owed.addAll(entry.groups());
                }
            }
            case "done" -> {
                Held held = objects.get(entry.id());
                if (held != null && held.owed.remove(entry.group()) && held.owed.isEmpty()) {
                    objects.remove(entry.id());
                }
            }
            default -> LOG.warn("cloud node '{}': unknown store entry '{}'", id(), entry.op());
        }
        if (entry.op().equals("done") || entry.op().equals("put") || entry.op().equals("groups")) {
            Held held = objects.get(entry.id());
            if (held != null && held.owed.isEmpty()) {
                objects.remove(entry.id());
            }
        }
    }

    /** What the rewritten log holds after replay; queues are rebuilt from it as well. */
    private List<Store.Entry> compacted() {
        objects.values().forEach(held -> enqueue(held, held.owed));
        return live();
    }

    /** The entries that say what the node holds now. Under the lock, or before the node serves. */
    private List<Store.Entry> live() {
        List<Store.Entry> entries = new ArrayList<>();
        types.values().forEach(t -> entries.add(Store.Entry.type(t.name(), t.toSchema())));
        known.forEach((type, groups) -> groups.forEach(g -> entries.add(Store.Entry.known(type, g))));
        for (Held held : objects.values()) {
            entries.add(Store.Entry.put(held.id, held.type, held.object, held.sentAt, List.copyOf(held.owed)));
        }
        return entries;
    }

    /**
     * Rewrites the log once it holds {@value #COMPACT_FACTOR} times more entries than there are objects and at least
     * {@code sluice.cloud.compactAfter} (default 200,000), so a node that runs long keeps a log the size of what it
     * holds. Under the lock: publishing waits while it is written.
     */
    private void compactIfDue() {
        synchronized (lock) {
            long entries = store.entries();
            if (entries >= compactAfter && entries > COMPACT_FACTOR * (long) (objects.size() + 1)) {
                store.rewrite(live());
                compactions.incrementAndGet();
            }
        }
    }

    private void enqueue(Held held, Iterable<String> groups) {
        for (String group : groups) {
            if (group.equals(ANY)) {
                unclaimed.computeIfAbsent(held.type, t -> new ArrayDeque<>()).add(held.id);
            } else {
                queues.computeIfAbsent(new TypeGroup(held.type, group), t -> new ArrayDeque<>())
                        .add(held.id);
            }
        }
    }

    /** Marks {@code group} served for {@code id}; the object goes once no group is owed. Under the lock. */
    private void done(String id, String group) {
        Held held = objects.get(id);
        if (held != null && held.owed.remove(group)) {
            store.append(Store.Entry.done(id, group));
            if (held.owed.isEmpty()) {
                objects.remove(id);
            }
        }
    }

    private boolean owes(String id, String group) {
        Held held = objects.get(id);
        return held != null && held.owed.contains(group);
    }

    private void rememberGroup(String type, String group) {
        if (known.computeIfAbsent(type, t -> new TreeSet<>()).add(group)) {
            store.append(Store.Entry.known(type, group));
        }
    }

    // ---- clients ----

    private StreamObserver<Publish> publish(StreamObserver<Published> replies) {
        Object replyLock = new Object();
        return new StreamObserver<>() {
            @Override
            public void onNext(Publish message) {
                String error = null;
                String id = null;
                InvalidObjectException invalid = null;
                try {
                    ObjectType type = message.type() == null ? null : types.get(message.type());
                    if (type == null) {
                        throw new CloudException("type '" + message.type() + "': unknown at cloud node '" + id()
                                + "'; known types: " + new TreeSet<>(types.keySet())
                                + "; define it first (CloudClient.define, or the node's --types file)");
                    }
                    type.validate(message.object());
                    id = idPrefix + sequence.incrementAndGet();
                    synchronized (lock) {
                        Set<String> groups = known.getOrDefault(type.name(), Set.of());
                        Held held = new Held(
                                id,
                                type.name(),
                                message.object(),
                                message.sentAt(),
                                new LinkedHashSet<>(groups.isEmpty() ? Set.of(ANY) : groups));
                        objects.put(id, held);
                        store.append(Store.Entry.put(id, held.type, held.object, held.sentAt, List.copyOf(held.owed)));
                        enqueue(held, held.owed);
                    }
                    metrics.published.incrementAndGet();
                    signal();
                } catch (CloudException e) {
                    metrics.refused.incrementAndGet();
                    error = e.getMessage();
                    invalid = e instanceof InvalidObjectException wrong ? wrong : null;
                }
                Published reply = invalid == null
                        ? new Published(message.seq(), id, error, null, null, null)
                        : new Published(message.seq(), null, error, invalid.type(), invalid.field(), invalid.problem());
                Runnable send = () -> {
                    synchronized (replyLock) {
                        try {
                            replies.onNext(reply);
                        } catch (RuntimeException gone) {
                            // the publisher went away; its objects are stored all the same
                        }
                    }
                };
                if (error == null) {
                    store.sync(send);
                } else {
                    send.run();
                }
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {
                store.sync(() -> {
                    synchronized (replyLock) {
                        try {
                            replies.onCompleted();
                        } catch (RuntimeException gone) {
                            // already closed
                        }
                    }
                });
            }
        };
    }

    private StreamObserver<Subscribe> subscribe(StreamObserver<Delivery> deliveries) {
        ServerCallStreamObserver<Delivery> out = (ServerCallStreamObserver<Delivery>) deliveries;
        return new StreamObserver<>() {
            private Sub sub;

            private boolean refused;

            @Override
            public void onNext(Subscribe message) {
                if (refused) {
                    return;
                }
                if (sub == null) {
                    String group = message.group() == null || message.group().isBlank() ? "default" : message.group();
                    if (message.type() == null || !types.containsKey(message.type())) {
                        out.onError(Status.NOT_FOUND
                                .withDescription("type '" + message.type() + "': unknown at cloud node '" + id()
                                        + "'; known types: " + new TreeSet<>(types.keySet())
                                        + "; define it first (CloudClient.define, or the node's --types file)")
                                .asRuntimeException());
                        refused = true;
                        return;
                    }
                    sub = new Sub(new TypeGroup(message.type(), group), out);
                    synchronized (lock) {
                        subs.computeIfAbsent(sub.typeGroup, t -> new ArrayList<>())
                                .add(sub);
                        rememberGroup(message.type(), group);
                    }
                    LOG.info("cloud node '{}': subscriber of type '{}' group '{}'", id(), message.type(), group);
                    sub.send(new Delivery(null, message.type(), null, 0)); // tells the client it is subscribed
                    signal();
                    peers.values().forEach(PeerLink::gossipSoon);
                }
                if (message.acks() != null && !message.acks().isEmpty()) {
                    synchronized (lock) {
                        for (String id : message.acks()) {
                            if (sub.inFlight.remove(id)) {
                                done(id, sub.typeGroup.group());
                                metrics.acknowledged.incrementAndGet();
                            }
                        }
                    }
                    signal();
                }
            }

            @Override
            public void onError(Throwable t) {
                gone();
            }

            @Override
            public void onCompleted() {
                gone();
                try {
                    out.onCompleted();
                } catch (RuntimeException e) {
                    // already cancelled
                }
            }

            private void gone() {
                if (sub == null) {
                    return;
                }
                synchronized (sub) {
                    sub.closed = true;
                }
                synchronized (lock) {
                    List<Sub> list = subs.get(sub.typeGroup);
                    if (list != null) {
                        list.remove(sub);
                        if (list.isEmpty()) {
                            subs.remove(sub.typeGroup);
                        }
                    }
                    List<String> back = new ArrayList<>(sub.inFlight);
                    ArrayDeque<String> queue = queues.computeIfAbsent(sub.typeGroup, t -> new ArrayDeque<>());
                    for (int i = back.size() - 1; i >= 0; i--) {
                        if (owes(back.get(i), sub.typeGroup.group())) {
                            queue.addFirst(back.get(i));
                        }
                    }
                    sub.inFlight.clear();
                }
                LOG.info(
                        "cloud node '{}': subscriber of type '{}' group '{}' left",
                        id(),
                        sub.typeGroup.type(),
                        sub.typeGroup.group());
                signal();
                peers.values().forEach(PeerLink::gossipSoon);
            }
        };
    }

    private void define(Define message, StreamObserver<Defined> reply) {
        String error = null;
        try {
            learn(message);
        } catch (IllegalArgumentException | CloudException e) {
            error = e.getMessage();
        }
        String answer = error;
        store.sync(() -> {
            reply.onNext(new Defined(answer));
            reply.onCompleted();
        });
    }

    /** Adds a type; the same schema again is fine, another schema under a known name is refused. */
    void learn(Define message) {
        ObjectType type = ObjectType.fromSchema(message.name(), message.schema());
        synchronized (lock) {
            ObjectType before = types.get(type.name());
            if (before == null) {
                types.put(type.name(), type);
                store.append(Store.Entry.type(type.name(), type.toSchema()));
            } else if (!before.equals(type)) {
                throw new CloudException("type '" + type.name() + "': already defined at cloud node '" + id()
                        + "' with another schema; expected " + before.toSchema() + " but found " + type.toSchema()
                        + "; choose another name");
            }
        }
    }

    // ---- peers ----

    private void hello(Hello message, StreamObserver<Hello> reply) {
        PeerLink link = message.address() == null || message.address().equals(address) ? null : link(message.address());
        if (link != null) {
            link.heard(message);
        }
        reply.onNext(hello());
        reply.onCompleted();
    }

    /** What this node tells its peers. */
    Hello hello() {
        List<TypeGroup> wanted;
        synchronized (lock) {
            wanted = new ArrayList<>(subs.keySet());
        }
        List<Define> defined = new ArrayList<>();
        types.values().forEach(t -> defined.add(new Define(t.name(), t.toSchema())));
        return new Hello(id(), address, wanted, defined);
    }

    /** A peer said what its clients want and which types it knows. Called by {@link PeerLink}. */
    void heardFrom(PeerLink peer, Hello message) {
        if (message.types() != null) {
            for (Define type : message.types()) {
                if (!types.containsKey(type.name())) {
                    try {
                        learn(type);
                    } catch (RuntimeException e) {
                        LOG.warn(
                                "cloud node '{}': type '{}' from peer '{}' refused: {}",
                                id(),
                                type.name(),
                                peer.address(),
                                e.getMessage());
                    }
                }
            }
        }
        if (message.subscriptions() != null) {
            synchronized (lock) {
                for (TypeGroup wanted : message.subscriptions()) {
                    rememberGroup(wanted.type(), wanted.group());
                }
            }
        }
        signal();
    }

    private PeerLink link(String peerAddress) {
        if (peerAddress.equals(address) || closed) {
            return null;
        }
        return peers.computeIfAbsent(peerAddress, a -> {
            PeerLink link = new PeerLink(this, a);
            link.start();
            return link;
        });
    }

    private void forward(Forward message, StreamObserver<Forwarded> reply) {
        int stored = 0;
        synchronized (lock) {
            for (Moved moved : message.objects()) {
                Held held = objects.get(moved.id());
                List<String> fresh = new ArrayList<>();
                if (held == null) {
                    held = new Held(
                            moved.id(),
                            moved.type(),
                            moved.object(),
                            moved.sentAt(),
                            new LinkedHashSet<>(moved.groups()));
                    objects.put(held.id, held);
                    fresh.addAll(moved.groups());
                    store.append(Store.Entry.put(held.id, held.type, held.object, held.sentAt, moved.groups()));
                } else {
                    for (String group : moved.groups()) {
                        if (held.owed.add(group)) {
                            fresh.add(group);
                        }
                    }
                    if (!fresh.isEmpty()) {
                        store.append(Store.Entry.groups(held.id, List.copyOf(held.owed)));
                    }
                }
                enqueue(held, fresh);
                stored++;
            }
        }
        metrics.received.addAndGet(stored);
        signal();
        int count = stored;
        store.sync(() -> {
            reply.onNext(new Forwarded(count));
            reply.onCompleted();
        });
    }

    // ---- the dispatcher ----

    void signal() {
        synchronized (lock) {
            signalled = true;
            lock.notifyAll();
        }
    }

    private void dispatchLoop() {
        while (!closed) {
            synchronized (lock) {
                if (!signalled) {
                    try {
                        lock.wait(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                signalled = false;
            }
            try {
                dispatch();
                compactIfDue();
            } catch (RuntimeException e) {
                LOG.error("cloud node '{}': dispatch failed", id(), e);
            }
        }
    }

    private void dispatch() {
        List<Runnable> sends = new ArrayList<>();
        synchronized (lock) {
            for (Iterator<Map.Entry<String, ArrayDeque<String>>> it =
                            unclaimed.entrySet().iterator();
                    it.hasNext(); ) {
                Map.Entry<String, ArrayDeque<String>> entry = it.next();
                Set<String> groups = known.get(entry.getKey());
                if (groups == null || groups.isEmpty()) {
                    continue;
                }
                for (String id : entry.getValue()) {
                    Held held = objects.get(id);
                    if (held != null && held.owed.remove(ANY)) {
                        List<String> fresh = new ArrayList<>();
                        for (String group : groups) {
                            if (held.owed.add(group)) {
                                fresh.add(group);
                            }
                        }
                        store.append(Store.Entry.groups(id, List.copyOf(held.owed)));
                        enqueue(held, fresh);
                    }
                }
                it.remove();
            }
            for (Map.Entry<TypeGroup, ArrayDeque<String>> entry : queues.entrySet()) {
                ArrayDeque<String> queue = entry.getValue();
                if (queue.isEmpty()) {
                    continue;
                }
                TypeGroup typeGroup = entry.getKey();
                List<Sub> local = subs.get(typeGroup);
                if (local != null && !local.isEmpty()) {
                    deliver(typeGroup, queue, local, sends);
                } else {
                    PeerLink peer = peerFor(typeGroup);
                    while (peer != null && !queue.isEmpty() && peer.forwarding() < FORWARDS_PER_PEER) {
                        List<Moved> batch = new ArrayList<>();
                        while (!queue.isEmpty() && batch.size() < FORWARD_BATCH) {
                            String id = queue.poll();
                            if (owes(id, typeGroup.group())) {
                                Held held = objects.get(id);
                                batch.add(
                                        new Moved(id, held.type, held.object, held.sentAt, List.of(typeGroup.group())));
                            }
                        }
                        if (!batch.isEmpty()) {
                            PeerLink target = peer;
                            target.forwardStarted();
                            sends.add(() -> target.forward(new Forward(id(), batch), typeGroup));
                        }
                    }
                }
            }
        }
        for (Runnable send : sends) {
            send.run();
        }
    }

    private void deliver(TypeGroup typeGroup, ArrayDeque<String> queue, List<Sub> local, List<Runnable> sends) {
        boolean progressed = true;
        while (!queue.isEmpty() && progressed) {
            progressed = false;
            for (Sub sub : local) {
                if (queue.isEmpty()) {
                    break;
                }
                if (sub.inFlight.size() >= MAX_IN_FLIGHT || sub.closed) {
                    continue;
                }
                String id = queue.poll();
                progressed = true;
                if (!owes(id, typeGroup.group()) || !sub.inFlight.add(id)) {
                    continue;
                }
                Held held = objects.get(id);
                Delivery delivery = new Delivery(id, held.type, held.object, held.sentAt);
                metrics.delivered.incrementAndGet();
                sends.add(() -> sub.send(delivery));
            }
        }
    }

    private PeerLink peerFor(TypeGroup typeGroup) {
        PeerLink best = null;
        for (PeerLink peer : peers.values()) {
            if (peer.wants(typeGroup) && !id().equals(peer.peerId())) {
                if (best == null || peer.forwarding() < best.forwarding()) {
                    best = peer;
                }
            }
        }
        return best;
    }

    /** A peer stored a batch: those objects are no longer owed here for that group. */
    void forwarded(Forward batch, TypeGroup typeGroup) {
        synchronized (lock) {
            for (Moved moved : batch.objects()) {
                done(moved.id(), typeGroup.group());
            }
        }
        metrics.forwarded.addAndGet(batch.objects().size());
        signal();
    }

    /** A peer did not take a batch: it is owed here again, first in line. */
    void notForwarded(Forward batch, TypeGroup typeGroup) {
        synchronized (lock) {
            ArrayDeque<String> queue = queues.computeIfAbsent(typeGroup, t -> new ArrayDeque<>());
            List<Moved> objects = batch.objects();
            for (int i = objects.size() - 1; i >= 0; i--) {
                if (owes(objects.get(i).id(), typeGroup.group())) {
                    queue.addFirst(objects.get(i).id());
                }
            }
        }
        signal();
    }

    // ---- status ----

    /** The node's status as a JSON-ready map: peers, subscriptions, stored objects by type, types, counters. */
    public Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("id", id());
        status.put("address", address);
        List<Map<String, Object>> peerList = new ArrayList<>();
        for (PeerLink peer : peers.values()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("address", peer.address());
            p.put("id", peer.peerId());
            p.put("up", peer.up());
            p.put(
                    "subscriptions",
                    peer.wanted().stream()
                            .map(t -> t.type() + "/" + t.group())
                            .sorted()
                            .toList());
            peerList.add(p);
        }
        status.put("peers", peerList);
        Map<String, Integer> stored = new TreeMap<>();
        Map<String, Integer> subscribers = new TreeMap<>();
        synchronized (lock) {
            for (Held held : objects.values()) {
                stored.merge(held.type, 1, Integer::sum);
            }
            subs.forEach((tg, list) -> subscribers.put(tg.type() + "/" + tg.group(), list.size()));
            Map<String, List<String>> groups = new TreeMap<>();
            known.forEach((type, g) -> groups.put(type, List.copyOf(g)));
            status.put("groups", groups);
        }
        status.put("subscriptions", subscribers);
        status.put("stored", stored);
        status.put(
                "storedTotal",
                stored.values().stream().mapToInt(Integer::intValue).sum());
        status.put("types", new TreeSet<>(types.keySet()));
        Map<String, Long> counters = new LinkedHashMap<>();
        counters.put("published", metrics.published.get());
        counters.put("refused", metrics.refused.get());
        counters.put("delivered", metrics.delivered.get());
        counters.put("acknowledged", metrics.acknowledged.get());
        counters.put("forwarded", metrics.forwarded.get());
        counters.put("received", metrics.received.get());
        counters.put("compactions", compactions.get());
        status.put("counters", counters);
        return status;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (status != null) {
            status.close();
        }
        peers.values().forEach(PeerLink::close);
        server.shutdownNow();
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dispatcher.interrupt();
        synchronized (lock) {
            store.close();
        }
    }

    /** Refuses calls without {@code authorization: Bearer TOKEN}. */
    private final class TokenCheck implements ServerInterceptor {
        @Override
        public <I, O> ServerCall.Listener<I> interceptCall(
                ServerCall<I, O> call, Metadata headers, ServerCallHandler<I, O> next) {
            String sent = headers.get(PeerLink.AUTHORIZATION);
            if (!("Bearer " + options.token()).equals(sent)) {
                call.close(
                        Status.UNAUTHENTICATED.withDescription("cloud node '" + id() + "': "
                                + (sent == null ? "no token sent" : "wrong token")
                                + "; expected the bearer token the node was started with (--token)"),
                        new Metadata());
                return new ServerCall.Listener<>() {};
            }
            return next.startCall(call, headers);
        }
    }
}
