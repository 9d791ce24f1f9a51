package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class KafkaCommandTest {

    @Test
    void devBrokerTakesClientsUntilStopped() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> commandLine.execute("kafka", "dev"));

        await().atMost(Duration.ofMinutes(1)).until(() -> out.toString().contains("Kafka broker ready at "));
        Matcher address = Pattern.compile("ready at (\\S+) ").matcher(out.toString());
        assertThat(address.find()).isTrue();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, address.group(1)))) {
            assertThat(admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS))
                    .isNotBlank();
        }

        CommandLine dev =
                commandLine.getSubcommands().get("kafka").getSubcommands().get("dev");
        ((KafkaCommand.Dev) dev.getCommand()).stop();
        assertThat(exit.get(1, TimeUnit.MINUTES)).isZero();
    }

    public static final class Tiny implements io.sluice.GraphFactory {
        @Override
        public io.sluice.ComputationalGraph create() {
            return io.sluice.ComputationalGraph.builder("tiny")
                    .start("in", io.sluice.Sources.collection(java.util.List.of(1)))
                    .end("out", io.sluice.Sinks.collect())
                    .parallelism(3)
                    .edge("in -> out", io.sluice.Partitioning.roundRobin())
                    .build();
        }
    }

    @Test
    void planPrintsTheTopicsWithoutACluster() {
        StringWriter out = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setOut(new PrintWriter(out, true));

        assertThat(commandLine.execute("kafka", "plan", Tiny.class.getName())).isZero();
        assertThat(out.toString())
                .startsWith("Topics of graph 'tiny':")
                .contains("tiny.in  ", "partitions=3", "tiny.__results.out", "tiny.__status");
    }

    @Test
    void serveAnswersForAGraphRunningOnKafkaElsewhere() throws Exception {
        String bootstrap = io.sluice.testkit.KafkaBroker.shared().bootstrapServers();
        io.sluice.kafka.KafkaOptions options =
                io.sluice.kafka.KafkaOptions.of(bootstrap).withDeleteTopicsOnClose(true);
        try (io.sluice.Deployment running = new Tiny().create().deploy(io.sluice.SystemType.KAFKA, options)) {
            assertThat(running.awaitCompletion(Duration.ofMinutes(1))).isTrue();

            StringWriter out = new StringWriter();
            CommandLine serve = Main.commandLine();
            serve.setOut(new PrintWriter(out, true));
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() ->
                    serve.execute("serve", "--factory", Tiny.class.getName(), "--bootstrap", bootstrap, "--port", "0"));
            await().atMost(Duration.ofMinutes(1)).until(() -> out.toString().contains("Serving graph 'tiny'"));
            String api =
                    out.toString().substring(out.toString().indexOf("http://")).strip();

            StringWriter status = new StringWriter();
            CommandLine statusCommand = Main.commandLine();
            statusCommand.setOut(new PrintWriter(status, true));
            assertThat(statusCommand.execute("status", "--api", api)).isZero();
            assertThat(status.toString()).contains("on KAFKA: COMPLETED").containsPattern("out\\s+END\\s+COMPLETED");

            ((ServeCommand) serve.getSubcommands().get("serve").getCommand()).stop();
            assertThat(exit.get(1, TimeUnit.MINUTES)).isZero();
        }
    }

    @Test
    void deployRunsAYamlPipelineAsOneProcessPerNode(@org.junit.jupiter.api.io.TempDir java.nio.file.Path logs) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine deploy = Main.commandLine();
        deploy.setOut(new PrintWriter(out, true));
        deploy.setErr(new PrintWriter(err, true));

        int exit = deploy.execute(
                "deploy",
                "../examples/wordcount.yaml",
                "--bootstrap",
                io.sluice.testkit.KafkaBroker.shared().bootstrapServers(),
                "--logs",
                logs.toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("4 worker processes", ": COMPLETED", "Results of counts: 86");
        assertThat(logs.resolve("count.log")).exists();
    }

    @Test
    void deployRefusesAnEarlierDeploymentsTopicsUntilToldToStartFresh(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path pipeline = dir.resolve("redeployed.yaml");
        java.nio.file.Files.writeString(pipeline, """
                graph: redeployed
                nodes:
                  - id: numbers
                    source: collection
                    items: [1, 2, 3]
                  - id: out
                    sink: collect
                edges:
                  - numbers -> out
                """);
        String bootstrap = io.sluice.testkit.KafkaBroker.shared().bootstrapServers();
        String logs = dir.resolve("logs").toString();

        Outcome first = deploy(pipeline, "--bootstrap", bootstrap, "--logs", logs, "--keep-topics");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("Results of out: 3");

        Outcome again = deploy(pipeline, "--bootstrap", bootstrap, "--logs", logs);
        assertThat(again.exit()).isEqualTo(Main.EXIT_FAILED);
        assertThat(again.err())
                .contains("Graph 'redeployed': an earlier deployment left 4 of its 4 topics on Kafka at '" + bootstrap
                        + "'")
                .contains("sluice deploy --on-existing continue", "sluice deploy --on-existing fresh");

        Outcome fresh = deploy(pipeline, "--bootstrap", bootstrap, "--logs", logs, "--on-existing", "fresh");
        assertThat(fresh.exit()).as(fresh.err()).isZero();
        assertThat(fresh.out()).contains(": COMPLETED", "Results of out: 3");

        Outcome wrong = deploy(pipeline, "--bootstrap", bootstrap, "--on-existing", "overwrite");
        assertThat(wrong.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(wrong.err()).contains("--on-existing: expected refuse, fresh or continue but found 'overwrite'");
    }

    private record Outcome(int exit, String out, String err) {}

    private static Outcome deploy(java.nio.file.Path pipeline, String... options) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine deploy = Main.commandLine();
        deploy.setOut(new PrintWriter(out, true));
        deploy.setErr(new PrintWriter(err, true));
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("deploy", pipeline.toString()));
        args.addAll(java.util.List.of(options));
        int exit = deploy.execute(args.toArray(String[]::new));
        return new Outcome(exit, out.toString(), err.toString());
    }

    @Test
    void planCreatesThePipelinesTopicsOnRequest() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine plan = Main.commandLine();
        plan.setOut(new PrintWriter(out, true));
        String bootstrap = io.sluice.testkit.KafkaBroker.shared().bootstrapServers();

        assertThat(plan.execute("kafka", "plan", "../examples/routing.yaml", "--create", "--bootstrap", bootstrap))
                .isZero();

        assertThat(out.toString()).contains("routing.byKind.book", "Created (or found) every topic on " + bootstrap);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .contains("routing.orders", "routing.byKind.toy", "routing.__status");
        }
    }

    @Test
    void workerWithoutRequiredOptionsIsAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine commandLine = Main.commandLine();
        commandLine.setErr(new PrintWriter(err, true));

        assertThat(commandLine.execute("worker", "--node", "x")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString()).contains("Missing required option: '--bootstrap=HOST:PORT'");
    }
}
