package io.sluice.cloud.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.sluice.EndNode;
import io.sluice.NodeContext;
import io.sluice.cloud.CloudClient;
import io.sluice.cloud.CloudException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** The end node of a {@code cloud://} sink: publishes each item; a flush waits until the node stored them all. */
public final class CloudSink implements EndNode<Object> {

    private final String node;
    private final String type;
    private final String token;
    private final java.nio.file.Path trusted;
    private final List<CompletableFuture<String>> unanswered = new ArrayList<>();
    private CloudClient client;

    public CloudSink(String node, String type, String token, java.nio.file.Path trusted) {
        this.trusted = trusted;
        this.node = node;
        this.type = type;
        this.token = token;
    }

    @Override
    public void open(NodeContext context) {
        client = CloudClient.connect(node, token, trusted);
    }

    @Override
    public void process(Object item) {
        Object object = item;
        if (item instanceof String text) {
            try {
                object = Wire.JSON.readTree(text);
            } catch (JsonProcessingException e) {
                throw new CloudException("cloud sink of type '" + type + "': an item is not JSON; expected a JSON"
                        + " object but found '" + (text.length() > 60 ? text.substring(0, 57) + "..." : text) + "'");
            }
        }
        unanswered.add(client.publish(type, object));
        if (unanswered.size() >= 1000) {
            flush();
        }
    }

    @Override
    public void flush() {
        try {
            for (CompletableFuture<String> answer : unanswered) {
                answer.join();
            }
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        } finally {
            unanswered.clear();
        }
    }

    @Override
    public void onComplete() {
        flush();
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
