package io.sluice.cli;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.SystemType;
import io.sluice.examples.Examples;
import io.sluice.kafka.KafkaOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Function;
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

    /** Deploys on the chosen system; on Kafka, the example's topics are deleted afterwards so it can run again. */
    private Function<ComputationalGraph, Deployment> deployer() {
        return switch (system) {
            case "local" -> graph -> graph.deploySystem(SystemType.LOCAL);
            case "kafka" -> {
                if (bootstrap == null) {
                    throw new IllegalArgumentException(
                            "--system kafka needs --bootstrap HOST:PORT; start a broker" + " with: sluice kafka dev");
                }
                KafkaOptions options = KafkaOptions.of(bootstrap).withDeleteTopicsOnClose(true);
                yield graph -> graph.deploy(SystemType.KAFKA, options);
            }
            default -> throw new IllegalArgumentException("--system must be local or kafka, found '" + system + "'");
        };
    }

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

    @Option(
            names = "--system",
            defaultValue = "local",
            paramLabel = "SYSTEM",
            description = "local or kafka (default: ${DEFAULT-VALUE})")
    String system;

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            description = "the Kafka cluster for --system kafka (start one with: sluice kafka dev)")
    String bootstrap;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (name == null) {
            out.println("Examples (run one with: sluice example NAME):");
            Examples.ALL.forEach(e -> out.printf("  %-10s %s%n", e.name(), e.description()));
            out.flush();
            return 0;
        }
        Examples.run(name, input, output, out, deployer());
        out.flush();
        return 0;
    }
}
