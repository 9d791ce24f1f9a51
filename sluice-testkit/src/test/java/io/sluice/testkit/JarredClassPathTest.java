package io.sluice.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JarredClassPathTest {

    @TempDir
    Path dir;

    @Test
    void eachDirectoryBecomesAJarOfItsFilesAndJarsStayAsTheyAre() throws Exception {
        Path classes = Files.createDirectories(dir.resolve("classes/io/example"));
        Files.writeString(classes.resolve("A.class"), "a");
        Files.writeString(dir.resolve("classes/app.properties"), "x=1");
        Path library = Files.writeString(dir.resolve("library.jar"), "not read");
        Path jars = dir.resolve("jars");

        String jarred = JarredClassPath.jarred(dir.resolve("classes") + File.pathSeparator + library, jars);

        String[] entries = jarred.split(File.pathSeparator);
        assertThat(entries).hasSize(2);
        assertThat(entries[1]).isEqualTo(library.toString());
        assertThat(Path.of(entries[0]).getParent()).isEqualTo(jars);
        try (JarFile jar = new JarFile(entries[0])) {
            assertThat(jar.stream().map(e -> e.getName()))
                    .containsExactlyInAnyOrder("app.properties", "io/example/A.class");
            assertThat(new String(jar.getInputStream(jar.getEntry("io/example/A.class"))
                            .readAllBytes()))
                    .isEqualTo("a");
        }
    }

    @Test
    void theSameFilesGiveTheSameJarAndAChangedFileANewOne() throws Exception {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Path file = Files.writeString(classes.resolve("A.class"), "a");
        Path jars = dir.resolve("jars");

        String first = JarredClassPath.jarred(classes.toString(), jars);
        assertThat(JarredClassPath.jarred(classes.toString(), jars)).isEqualTo(first);

        Files.writeString(file, "b, recompiled");
        Files.setLastModifiedTime(
                file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 2_000));
        String second = JarredClassPath.jarred(classes.toString(), jars);
        assertThat(second).isNotEqualTo(first);
        try (JarFile jar = new JarFile(second)) {
            assertThat(new String(jar.getInputStream(jar.getEntry("A.class")).readAllBytes()))
                    .isEqualTo("b, recompiled");
        }
    }
}
