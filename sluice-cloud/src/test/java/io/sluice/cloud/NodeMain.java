package io.sluice.cloud;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** A cloud node as its own process: {@code ID PORT STATUS_PORT DATA_DIR TYPES_FILE [PEER...]}. Runs until killed. */
public final class NodeMain {

    private NodeMain() {}

    public static void main(String[] args) throws InterruptedException {
        List<String> peers = Arrays.asList(args).subList(5, args.length);
        CloudNode node = CloudNode.start(CloudNodeOptions.of(args[0], Path.of(args[3]))
                .withPort(Integer.parseInt(args[1]))
                .withStatusPort(Integer.parseInt(args[2]))
                .withTypes(ObjectType.readAll(Path.of(args[4])))
                .withPeers(peers));
        Runtime.getRuntime().addShutdownHook(new Thread(node::close));
        System.out.println("STARTED " + node.id() + " " + node.port());
        new CountDownLatch(1).await();
    }
}
