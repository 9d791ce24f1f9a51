package io.sluice.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two nodes and their clients over TLS, with a self-signed certificate for localhost made by openssl. */
class CloudTlsTest {

    record Order(String id, double amount) {}

    @TempDir
    Path dir;

    private CloudTls certificate() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process openssl = new ProcessBuilder(
                        "openssl",
                        "req",
                        "-x509",
                        "-newkey",
                        "rsa:2048",
                        "-nodes",
                        "-keyout",
                        key.toString(),
                        "-out",
                        cert.toString(),
                        "-days",
                        "1",
                        "-subj",
                        "/CN=localhost",
                        "-addext",
                        "subjectAltName=DNS:localhost,IP:127.0.0.1")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile())
                .start();
        assertThat(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0)
                .as("openssl made a certificate")
                .isTrue();
        return new CloudTls(cert, key, cert);
    }

    @Test
    void nodesAndClientsSpeakTlsAndAPlainTextClientIsNotServed() throws Exception {
        CloudTls tls = certificate();
        List<ObjectType> types = List.of(ObjectType.of("Order", Order.class));
        try (CloudNode b = CloudNode.start(CloudNodeOptions.of("B", dir.resolve("b"))
                        .withTypes(types)
                        .withTls(tls));
                CloudNode a = CloudNode.start(CloudNodeOptions.of("A", dir.resolve("a"))
                        .withTypes(types)
                        .withTls(tls)
                        .withPeers(List.of(b.address())));
                CloudClient subscriber = CloudClient.connect(b.address(), null, tls.trusted());
                CloudClient publisher = CloudClient.connect(a.address(), null, tls.trusted());
                CloudClient plain = CloudClient.connect(a.address())) {
            Set<String> got = ConcurrentHashMap.newKeySet();
            subscriber.subscribe("Order", "books", order -> {
                got.add(order.id());
                order.ack();
            });

            String id = publisher.publish("Order", new Order("o-1", 1)).join();

            await().atMost(Duration.ofSeconds(30)).until(() -> got.contains(id));
            assertThatThrownBy(() -> plain.publish("Order", Map.of("id", "o-2", "amount", 2))
                            .join())
                    .cause()
                    .isInstanceOf(CloudException.class)
                    .hasMessageContaining("UNAVAILABLE");
        }
    }
}
