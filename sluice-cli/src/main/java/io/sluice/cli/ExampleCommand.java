package io.sluice.cli;

import io.sluice.examples.Examples;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice example [NAME]}: runs a bundled example graph on the LOCAL system, or lists them. */
@Command(
        name = "example",
        mixinStandardHelpOptions = true,
        description = "Run a bundled example graph on the embedded LOCAL system; without a name, list the examples.")
final class ExampleCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "wordcount, revenue or airports")
    String name;

    @Option(
            names = "--input",
            paramLabel = "FILE",
            description = "the text file wordcount reads (default: a bundled text)")
    Path input;

    @Option(
            names = "--output",
            paramLabel = "DIR",
            defaultValue = "target/sluice-examples",
            description = "where examples write their files (default: ${DEFAULT-VALUE})")
    Path output;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (name == null) {
            out.println("Examples (run one with: sluice example NAME):");
            Examples.ALL.forEach(e -> out.printf("  %-10s %s%n", e.name(), e.description()));
            out.flush();
            return 0;
        }
        Examples.run(name, input, output, out);
        out.flush();
        return 0;
    }
}
