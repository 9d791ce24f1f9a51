package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command line the README and the docs show is one the {@code sluice} command takes: commands and options. */
class DocumentedCommandsTest {

    private static final Pattern SHOWN = Pattern.compile("`(?:bin/)?sluice ([a-z][^`]*)`");

    @Test
    void theReadmeAndTheDocsNameOnlyCommandsAndOptionsThatExist() throws Exception {
        List<Path> pages = new ArrayList<>(List.of(Path.of("../README.md")));
        try (Stream<Path> docs = Files.list(Path.of("../docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Path page : pages) {
            Matcher shown = SHOWN.matcher(Files.readString(page));
            while (shown.find()) {
                checked++;
                String problem = problem(shown.group(1));
                if (problem != null) {
                    wrong.add(page.getFileName() + ": `sluice " + shown.group(1) + "`: " + problem);
                }
            }
        }
        assertThat(checked).isGreaterThan(10);
        assertThat(wrong).isEmpty();
    }

    /** What is wrong with {@code sluice <line>}, or null. */
    private static String problem(String line) {
        CommandLine command = Main.commandLine();
        String[] words = line.split("\\s+");
        int i = 0;
        while (i < words.length && command.getSubcommands().containsKey(words[i])) {
            command = command.getSubcommands().get(words[i]);
            i++;
        }
        if (i == 0) {
            return "no command '" + words[0] + "'";
        }
        for (; i < words.length; i++) {
            String word = words[i].replaceAll("[\\[\\]]", "");
            if (word.startsWith("--")) {
                String option = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
                if (command.getCommandSpec().findOption(option) == null) {
                    return "'" + command.getCommandName() + "' has no option " + option;
                }
            }
        }
        return null;
    }
}
