package io.sluice.cloud;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * A cloud client as its own process: {@code NODE PUBLISH_TYPE COUNT SUBSCRIBE_TYPE GROUP}. Publishes COUNT objects of
 * PUBLISH_TYPE first (printing {@code PUBLISHED id}), then subscribes to SUBSCRIBE_TYPE (printing {@code SUBSCRIBED},
 * then {@code GOT id json} for each object, acknowledged after it is printed). Runs until killed.
 */
public final class ClientMain {

    private ClientMain() {}

    public static void main(String[] args) throws InterruptedException {
        String node = args[0];
        String publishType = args[1];
        int count = Integer.parseInt(args[2]);
        String subscribeType = args[3];
        String group = args[4];
        CloudClient client = CloudClient.connect(node);
        List<CompletableFuture<String>> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ObjectNode object = JsonNodeFactory.instance.objectNode();
            object.put("id", publishType.toLowerCase() + "-" + i);
            object.put("amount", 10 * i + 0.5);
            ids.add(client.publish(publishType, object));
        }
        for (CompletableFuture<String> id : ids) {
            System.out.println("PUBLISHED " + id.join());
        }
        System.out.flush();
        client.subscribe(subscribeType, group, object -> {
            System.out.println("GOT " + object.id() + " " + object.object());
            System.out.flush();
            object.ack();
        });
        System.out.println("SUBSCRIBED " + subscribeType);
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
