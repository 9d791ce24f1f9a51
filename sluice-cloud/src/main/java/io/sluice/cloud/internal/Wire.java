package io.sluice.cloud.internal;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.TlsChannelCredentials;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The gRPC service {@code sluice.cloud.Cloud} described by hand: each message a record sent as JSON, so the build
 * needs neither protobuf nor protoc. It is still gRPC over HTTP/2: any gRPC client that sends these JSON bodies with
 * the same method names can speak to a node.
 */
public final class Wire {

    private Wire() {}

    /** The one mapper for messages; records are read and written by their component names. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .setDefaultPropertyInclusion(
                    JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** The service's name. */
    public static final String SERVICE = "sluice.cloud.Cloud";

    /** A client pushes objects; the node answers each with its id once stored durably, or with an error. */
    public record Publish(long seq, String type, JsonNode object, long sentAt) {}

    /**
     * The answer to one {@link Publish}: {@code id} when stored, {@code error} when refused; when the object did not
     * match its type, {@code type}, {@code field} and {@code problem} say where, so the client raises the same
     * {@link io.sluice.cloud.InvalidObjectException}.
     */
    public record Published(long seq, String id, String error, String type, String field, String problem) {}

    /** The first message of a subscription names type and group; later ones carry acknowledged ids. */
    public record Subscribe(String type, String group, List<String> acks) {}

    /** An object delivered to a subscriber. */
    public record Delivery(String id, String type, JsonNode object, long sentAt) {}

    /** A type a client defines at a node; the node passes it on to its peers. */
    public record Define(String name, JsonNode schema) {}

    /** The answer to a {@link Define}: {@code error} when the name is taken by another schema. */
    public record Defined(String error) {}

    /** One type and group some client of a node subscribes to. */
    public record TypeGroup(String type, String group) {}

    /** What one node tells another every few hundred milliseconds: who it is and what its clients want. */
    public record Hello(String id, String address, List<TypeGroup> subscriptions, List<Define> types) {}

    /** An object moved from one node to another, owed to {@code groups} there. */
    public record Moved(String id, String type, JsonNode object, long sentAt, List<String> groups) {}

    /** Objects a node hands to a peer whose clients want them. */
    public record Forward(String from, List<Moved> objects) {}

    /** The answer to a {@link Forward} once the peer stored the objects durably. */
    public record Forwarded(int stored) {}

    /** Publish: bidirectional stream. */
    public static final MethodDescriptor<Publish, Published> PUBLISH =
            method("Publish", MethodType.BIDI_STREAMING, Publish.class, Published.class);

    /** Subscribe: bidirectional stream, acknowledgements up, deliveries down. */
    public static final MethodDescriptor<Subscribe, Delivery> SUBSCRIBE =
            method("Subscribe", MethodType.BIDI_STREAMING, Subscribe.class, Delivery.class);

    /** Define a type. */
    public static final MethodDescriptor<Define, Defined> DEFINE =
            method("Define", MethodType.UNARY, Define.class, Defined.class);

    /** Node to node: exchange subscriptions and types. */
    public static final MethodDescriptor<Hello, Hello> HELLO =
            method("Hello", MethodType.UNARY, Hello.class, Hello.class);

    /** Node to node: move objects. */
    public static final MethodDescriptor<Forward, Forwarded> FORWARD =
            method("Forward", MethodType.UNARY, Forward.class, Forwarded.class);

    /** Plain text, or TLS trusting the certificates in {@code trusted}. */
    public static ChannelCredentials credentials(java.nio.file.Path trusted) {
        if (trusted == null) {
            return InsecureChannelCredentials.create();
        }
        try {
            return TlsChannelCredentials.newBuilder()
                    .trustManager(trusted.toFile())
                    .build();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(
                    "TLS file '" + trusted + "': cannot read the trusted certificates: " + e.getMessage(), e);
        }
    }

    private static <I, O> MethodDescriptor<I, O> method(String name, MethodType type, Class<I> in, Class<O> out) {
        return MethodDescriptor.<I, O>newBuilder()
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(new JsonMarshaller<>(in))
                .setResponseMarshaller(new JsonMarshaller<>(out))
                .build();
    }

    /** Messages as JSON bytes. */
    static final class JsonMarshaller<T> implements MethodDescriptor.Marshaller<T> {
        private final Class<T> type;

        JsonMarshaller(Class<T> type) {
            this.type = type;
        }

        @Override
        public InputStream stream(T value) {
            try {
                return new ByteArrayInputStream(JSON.writeValueAsBytes(value));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public T parse(InputStream stream) {
            try {
                return JSON.readValue(stream, type);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read a " + type.getSimpleName() + " message", e);
            }
        }
    }
}
