package io.sluice.testkit;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.List;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The run {@link JarredClassPath} archives the classes of: what a test's worker loads as it starts. It creates and
 * closes a Kafka producer and consumer (no broker is needed for that) and loads, without initialising, every class of
 * the project's own jars on the class path (the {@code sluice-*} jars and the jars of the module's own classes).
 */
public final class WorkerClassTraining {

    private WorkerClassTraining() {}

    public static void main(String[] args) throws IOException {
        Properties config = new Properties();
        config.put("bootstrap.servers", "127.0.0.1:9");
        config.put("client.id", "class-training");
        config.put("max.block.ms", "100");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.partitionsFor("training"); // never answered: max.block.ms above ends it
        } catch (RuntimeException expected) {
            // no broker: only the classes were wanted
        }
        config.put("group.id", "class-training");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("training"));
        }
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.endsWith(".jar") && (name.startsWith("sluice-") || name.startsWith("classes-"))) {
                loadAll(entry);
            }
        }
    }

    private static void loadAll(String jar) throws IOException {
        ClassLoader loader = WorkerClassTraining.class.getClassLoader();
        try (JarFile file = new JarFile(jar)) {
            for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                String entry = entries.nextElement().getName();
                if (entry.endsWith(".class") && !entry.endsWith("module-info.class")) {
                    try {
                        Class.forName(entry.substring(0, entry.length() - 6).replace('/', '.'), false, loader);
                    } catch (Throwable unloadable) { // a class whose dependencies are absent from the class path
                        // is not archived; a worker that needs it loads it as usual
                    }
                }
            }
        }
    }
}
