package io.sluice.examples;

import io.sluice.ComputationalGraph;
import io.sluice.Deployment;
import io.sluice.DeploymentStatus;
import io.sluice.NodeStatus;
import io.sluice.SystemType;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The runnable examples, by name: what {@code sluice example NAME} runs on the LOCAL system. */
public final class Examples {

    /** An example: its name and what it shows. */
    public record Example(String name, String description) {}

    public static final List<Example> ALL = List.of(
            new Example("wordcount", "counts the words of a text file (a bundled one unless --input names another)"),
            new Example("revenue", "routes payments to budget or profit and splits the profit between two partners"),
            new Example("airports", "computes the great-circle distance of every pair of the ten busiest US airports"));

    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private Examples() {}

    /** Runs an example on the LOCAL system; see {@link #run(String, Path, Path, PrintWriter, Function)}. */
    public static void run(String name, Path input, Path output, PrintWriter out) throws Exception {
        run(name, input, output, out, graph -> graph.deploySystem(SystemType.LOCAL));
    }

    /**
     * Runs an example and prints what it computed and each node's counters.
     *
     * @param input the text file for wordcount; {@code null} for the bundled one
     * @param output the directory examples write files into
     * @param deploy deploys the example's graph on the system of the caller's choice
     * @throws IllegalArgumentException if there is no example of that name, listing those there are
     */
    public static void run(
            String name, Path input, Path output, PrintWriter out, Function<ComputationalGraph, Deployment> deploy)
            throws Exception {
        switch (name) {
            case "wordcount" -> wordCount(input == null ? bundledText(output) : input, out, deploy);
            case "revenue" -> revenue(out, deploy);
            case "airports" -> airports(output.resolve("airport-distances.txt"), out, deploy);
            default ->
                throw new IllegalArgumentException("Example '" + name + "' does not exist; examples: "
                        + ALL.stream().map(Example::name).toList());
        }
    }

    private static void wordCount(Path input, PrintWriter out, Function<ComputationalGraph, Deployment> deploy)
            throws Exception {
        try (Deployment deployment = runToEnd(WordCount.graph(input, 2), deploy)) {
            List<WordCount.Count> ranked = WordCount.ranked(deployment.results("counts"));
            out.println("Top words of " + input + ":");
            ranked.stream().limit(10).forEach(c -> out.printf("  %-12s %d%n", c.word(), c.count()));
            out.println("  (" + ranked.size() + " distinct words)");
            printStatus(deployment.status(), out);
        }
    }

    private static void revenue(PrintWriter out, Function<ComputationalGraph, Deployment> deploy) throws Exception {
        List<RevenueSplit.Payment> payments = RevenueSplit.payments(10_000, 42);
        try (Deployment deployment = runToEnd(RevenueSplit.graph(payments, 50_000_000, 60), deploy)) {
            Map<String, RevenueSplit.Totals> totals = RevenueSplit.totals(deployment);
            out.println("Revenue of " + payments.size() + " payments, after a $500,000.00 budget, split 60/40:");
            totals.forEach((name, t) -> out.printf(
                    "  %-13s %16s  %s%n",
                    name,
                    RevenueSplit.dollars(t.total()),
                    t.cents().entrySet().stream()
                            .map(e -> e.getKey() + " " + RevenueSplit.dollars(e.getValue()))
                            .toList()));
            printStatus(deployment.status(), out);
        }
    }

    private static void airports(Path file, PrintWriter out, Function<ComputationalGraph, Deployment> deploy)
            throws Exception {
        try (Deployment deployment = runToEnd(Airports.graph(Airports.BUSIEST, file), deploy)) {
            List<Airports.Distance> distances = deployment.results("collected");
            out.println(distances.size() + " airport pairs, written to " + file + "; the five farthest apart:");
            distances.stream()
                    .sorted((a, b) -> Double.compare(b.kilometres(), a.kilometres()))
                    .limit(5)
                    .forEach(d -> out.println("  " + d));
            printStatus(deployment.status(), out);
        }
    }

    private static Deployment runToEnd(ComputationalGraph graph, Function<ComputationalGraph, Deployment> deploy)
            throws InterruptedException {
        Deployment deployment = deploy.apply(graph);
        if (!deployment.awaitCompletion(TIMEOUT)) {
            deployment.close();
            throw new IllegalStateException("Example '" + graph.name() + "' did not complete within " + TIMEOUT);
        }
        return deployment;
    }

    /** Prints a line per node: state, items in and out. */
    public static void printStatus(DeploymentStatus status, PrintWriter out) {
        out.println("Deployment " + status.id() + ": " + status.state());
        for (NodeStatus node : status.nodes().values()) {
            out.printf(
                    "  %-13s %-10s %-9s in %,10d  out %,10d%n",
                    node.id(), node.kind(), node.state(), node.itemsIn(), node.itemsOut());
        }
        status.tracking().ifPresent(t -> {
            out.println("Items " + t.summary());
            t.recentFailures().stream()
                    .skip(Math.max(0, t.recentFailures().size() - 5))
                    .forEach(f -> out.println("  failed: " + f.summary()));
        });
    }

    private static Path bundledText(Path directory) throws IOException {
        Files.createDirectories(directory);
        Path text = directory.resolve("two-cities.txt");
        try (InputStream in = Examples.class.getResourceAsStream("two-cities.txt")) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("the bundled text two-cities.txt is missing"));
            }
            Files.copy(in, text, StandardCopyOption.REPLACE_EXISTING);
        }
        return text;
    }
}
