package io.sluice.connectors.net.internal;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read into memory up to a limit: the JDK's {@code ofByteArray} would take whatever a server sends,
 * and one huge answer would end the process.
 */
final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {

    /** The body was larger than allowed; nothing of it is kept. */
    static final class TooLarge extends RuntimeException {
        TooLarge(String message) {
            super(message);
        }
    }

    private final int max;
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    private LimitedBody(int max) {
        this.max = max;
    }

    /** Bodies of at most {@code max} bytes; a larger one completes with {@link TooLarge}. */
    static HttpResponse.BodyHandler<byte[]> handler(int max) {
        return info -> {
            LimitedBody subscriber = new LimitedBody(max);
            long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
            if (declared > max) {
                subscriber.tooLarge(declared);
            }
            return subscriber;
        };
    }

    private void tooLarge(long size) {
        body.completeExceptionally(
                new TooLarge("the body has " + size + " bytes or more, more than max-body (" + max + " bytes)"));
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (body.isDone()) {
            subscription.cancel();
        } else {
            subscription.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (body.isDone()) {
            return;
        }
        for (ByteBuffer buffer : buffers) {
            if ((long) bytes.size() + buffer.remaining() > max) {
                tooLarge((long) bytes.size() + buffer.remaining());
                subscription.cancel();
                return;
            }
            byte[] chunk = new byte[buffer.remaining()];
            buffer.get(chunk);
            bytes.writeBytes(chunk);
        }
    }

    @Override
    public void onError(Throwable error) {
        body.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        body.complete(bytes.toByteArray());
    }
}
