package io.sluice.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Gives the JVMs a test starts a class path of jars only, so that they can share one class data archive: a JVM cannot
 * archive classes it loaded from a directory (one asked to write an archive fails at exit when its class path holds
 * one). A test JVM runs on its module's {@code target/classes} and {@code target/test-classes}; before
 * the first test, each such directory is written once into a jar named by its content, and {@code java.class.path} is
 * set to the jars. Every worker, child JVM and broker the tests start reads its class path from there. The test JVM
 * itself keeps loading from the directories.
 *
 * <p>On only when the build sets {@value #PROPERTY} to the directory for the jars; a JUnit platform listener, so it
 * runs in every module whose tests have the testkit on their class path.
 */
public final class JarredClassPath implements LauncherSessionListener {

    /** The system property naming the directory the jars go to; unset, the class path is left as it is. */
    public static final String PROPERTY = "sluice.test.jarredClassPath";

    private static final String SHARED_ARCHIVE = "-XX:SharedArchiveFile=";

    @Override
    public void launcherSessionOpened(LauncherSession session) {
        String target = System.getProperty(PROPERTY, "");
        if (!target.isBlank()) {
            String classPath = jarred(System.getProperty("java.class.path"), Path.of(target));
            System.setProperty("java.class.path", classPath);
            archive(classPath);
        }
    }

    /**
     * Writes the archive that {@code -XX:SharedArchiveFile=} in {@code SLUICE_WORKER_JAVA_OPTS} names, unless one of
     * the same class path is there: one JVM, {@link WorkerClassTraining}, run with the workers' options. The workers
     * only read it. (Letting each JVM write it as it exits, {@code -XX:+AutoCreateSharedArchive}, made a test module
     * slower: dozens of workers rewrote it.) A JVM whose class path differs from the archive's runs without it.
     */
    private static void archive(String classPath) {
        List<String> options = new ArrayList<>();
        Path archive = null;
        for (String option : ChildJvmCommand.workerJvmOptions()) {
            if (option.startsWith(SHARED_ARCHIVE)) {
                archive = Path.of(option.substring(SHARED_ARCHIVE.length()));
            } else {
                options.add(option);
            }
        }
        if (archive == null) {
            return;
        }
        Path madeFor = archive.resolveSibling(archive.getFileName() + ".classpath");
        try {
            if (Files.exists(archive)
                    && Files.exists(madeFor)
                    && Files.readString(madeFor).equals(classPath)) {
                return;
            }
            Files.createDirectories(archive.getParent());
            Path partial = archive.resolveSibling(archive.getFileName() + ".partial");
            Path log = archive.resolveSibling(archive.getFileName() + ".log");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:ArchiveClassesAtExit=" + partial));
            command.addAll(options);
            command.addAll(List.of("-cp", classPath, WorkerClassTraining.class.getName()));
            Process training = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            if (training.waitFor() == 0 && Files.exists(partial)) {
                Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                Files.writeString(madeFor, classPath);
            } else {
                // The tests still pass without it, only slower: say so where the build's output shows it.
                System.err.println("JarredClassPath: the class data archive " + archive + " was not written (exit "
                        + training.exitValue() + "); see " + log);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the class data archive " + archive, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code classPath} with each directory replaced by a jar of its files in {@code jars}. */
    static String jarred(String classPath, Path jars) {
        List<String> entries = new ArrayList<>();
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry);
            entries.add(Files.isDirectory(path) ? jarOf(path, jars).toString() : entry);
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    /** The jar of {@code directory}'s files, written unless a jar of the same files is there from an earlier run. */
    private static Path jarOf(Path directory, Path jars) {
        try {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(directory)) {
                files = walk.filter(Files::isRegularFile).sorted().toList();
            }
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(directory.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8));
            for (Path file : files) {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                digest.update((directory.relativize(file) + "\0" + attributes.size() + "\0"
                                + attributes.lastModifiedTime().toMillis() + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            String name = directory.getFileName() + "-"
                    + HexFormat.of().formatHex(digest.digest()).substring(0, 16) + ".jar";
            Path jar = jars.resolve(name);
            if (!Files.exists(jar)) {
                Files.createDirectories(jars);
                Path partial = Files.createTempFile(jars, name, ".partial");
                try (OutputStream out = Files.newOutputStream(partial);
                        JarOutputStream jarOut = new JarOutputStream(out)) {
                    for (Path file : files) {
                        jarOut.putNextEntry(new JarEntry(
                                directory.relativize(file).toString().replace('\\', '/')));
                        Files.copy(file, jarOut);
                        jarOut.closeEntry();
                    }
                }
                Files.move(partial, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException("could not jar " + directory + " for the JVMs the tests start", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
