package io.sluice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline commands as a user runs them: a real `sluice` process on real files. */
class PipelineCliTest {

    @TempDir
    Path dir;

    private static SluiceProcess.Outcome sluice(String... args) throws Exception {
        return SluiceProcess.run(args);
    }

    @Test
    void runResumesFromCheckpointsSoASecondRunReadsNothingAgain(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        java.nio.file.Files.write(dir.resolve("in.txt"), List.of("a", "b", "c"));
        Path file = dir.resolve("resumable.yaml");
        java.nio.file.Files.writeString(file, """
                graph: resumable
                nodes:
                  - {id: lines, source: lines, path: in.txt}
                  - {id: out, sink: append-lines, path: out.txt}
                edges:
                  - lines -> out
                robustness:
                  level: confirm
                """);
        String checkpoints = dir.resolve("state").toString();

        SluiceProcess.Outcome first = sluice("run", file.toString(), "--checkpoints", checkpoints);
        SluiceProcess.Outcome second = sluice("run", file.toString(), "--checkpoints", checkpoints);

        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("Items CONFIRM: 3 introduced, 3 completely processed, 0 pending");
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(second.out()).contains("Items CONFIRM: 0 introduced");
        assertThat(java.nio.file.Files.readAllLines(dir.resolve("out.txt"))).containsExactly("a", "b", "c");
    }

    @Test
    void runCountsTheWordsOfTheYamlExample() throws Exception {
        SluiceProcess.Outcome run = sluice("run", "../examples/wordcount.yaml", "--results", "200");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("Deployment wordcount-local-", ": COMPLETED")
                .contains("Count[word=the, count=18]", "Count[word=of, count=16]", "Results of counts (86):")
                .contains("Completed in ");
    }

    @Test
    @org.junit.jupiter.api.Tag("slow")
    void runCountsTheWordsWithAProcessPerNodeAndTheSameResults(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        // the example with runtime.mode: multi-process, beside its input
        java.nio.file.Files.copy(Path.of("../examples/two-cities.txt"), dir.resolve("two-cities.txt"));
        String yaml = java.nio.file.Files.readString(Path.of("../examples/wordcount.yaml"))
                .replace("  system: local", "  system: local\n  mode: multi-process");
        Path file = java.nio.file.Files.writeString(dir.resolve("wordcount.yaml"), yaml);

        SluiceProcess.Outcome run = sluice("run", file.toString(), "--results", "200");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("Deployment wordcount-kafka-", ": COMPLETED") // the KAFKA runtime, on the broker it started
                .contains("Count[word=the, count=18]", "Count[word=of, count=16]", "Results of counts (86):");
    }

    @Test
    void runKeepsAStoreOnDiskWithTheRocksdbBackend() throws Exception {
        String example = Files.readString(Path.of("../examples/wordcount.yaml"))
                .replace(
                        "path: two-cities.txt",
                        "path: " + Path.of("../examples/two-cities.txt").toAbsolutePath())
                .replace(
                        "stores: [counts]",
                        "stores: [{name: counts, backend: rocksdb, config: {dir: " + dir.resolve("state") + "}}]");
        assertThat(example).contains("backend: rocksdb");
        Path file = dir.resolve("wordcount-rocksdb.yaml");
        Files.writeString(file, example);

        SluiceProcess.Outcome run = sluice("run", file.toString(), "--results", "200");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("Count[word=the, count=18]", "Results of counts (86):");
    }

    @Test
    void revenueSplitInYamlBalancesToTheCentAsTheJavaOneDoes() throws Exception {
        SluiceProcess.Outcome run = sluice("run", "../examples/revenue.yaml");

        assertThat(run.exit()).as(run.err()).isZero();
        // The same split, computed without any graph.
        long revenue = 0;
        long budget = 0;
        long yours = 0;
        long partner = 0;
        for (io.sluice.examples.RevenueSplit.Payment p : io.sluice.examples.RevenueSplit.payments(10_000, 42)) {
            if (revenue < 50_000_000) {
                budget += p.cents();
            } else {
                yours += p.cents() * 60 / 100;
                partner += p.cents() - p.cents() * 60 / 100;
            }
            revenue += p.cents();
        }
        assertThat(run.out())
                .contains("Totals[aggregator=revenue, cents={budget=" + budget + ", partner=" + partner + ", you="
                        + yours + "}")
                .contains("Totals[aggregator=yourTotal, cents={you=" + yours + "}")
                .contains("Totals[aggregator=partnerTotal, cents={partner=" + partner + "}")
                .contains("Totals[aggregator=budgetTotal, cents={budget=" + budget + "}");
        assertThat(budget + yours + partner).isEqualTo(revenue);
    }

    @Test
    void runRoutesByFieldWithoutCode() throws Exception {
        SluiceProcess.Outcome run = sluice("run", "../examples/routing.yaml");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("Results of out (2):", "{id=1, kind=book, cents=1200}");
    }

    @Test
    void validateReportsEveryProblemAndExitsOne() throws Exception {
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, """
                graph: broken
                nodes:
                  - id: in
                    source: stdin
                  - id: out
                    snk: collect
                edges:
                  - in -> out
                """);

        SluiceProcess.Outcome valid = sluice("validate", "../examples/wordcount.yaml");
        SluiceProcess.Outcome invalid = sluice("validate", broken.toString());

        assertThat(valid.exit()).isZero();
        assertThat(valid.out()).contains("valid graph 'wordcount': 4 nodes, 3 edges, runs on local");
        assertThat(invalid.exit()).isEqualTo(1);
        assertThat(invalid.err())
                .contains(
                        "sluice: broken.yaml: 2 problems",
                        "broken.yaml:6 nodes[1].snk: unknown key 'snk'; expected one of [id, source, sink,",
                        "did you mean 'sink'?",
                        "broken.yaml:5 nodes[1]: expected exactly one of [source, sink, class, use] but found none");
        assertThat(invalid.err()).doesNotContain("\tat ");
    }

    @Test
    void generateWritesKubernetesManifestsForThePipeline() throws Exception {
        SluiceProcess.Outcome generated = sluice(
                "generate", "k8s", "../examples/wordcount.yaml", "-o", dir.toString(), "--bootstrap", "kafka:9092");

        assertThat(generated.exit()).as(generated.err()).isZero();
        String yaml = Files.readString(dir.resolve("wordcount-kubernetes.yaml"));
        assertThat(yaml)
                .contains(
                        "kind: ConfigMap",
                        "name: wordcount-count",
                        "- --node",
                        "- count",
                        "path: /health/ready",
                        "kind: Service",
                        "io.sluice.examples.WordCount$SplitWords");
        SluiceProcess.Outcome ecs = sluice(
                "generate",
                "ecs",
                "../examples/wordcount.yaml",
                "-o",
                dir.resolve("ecs").toString(),
                "--bootstrap",
                "kafka:9092",
                "--subnets",
                "subnet-1,subnet-2",
                "--security-groups",
                "sg-1");
        assertThat(ecs.exit()).as(ecs.err()).isZero();
        assertThat(Files.readString(dir.resolve("ecs/wordcount-count-task-definition.json")))
                .contains("\"family\" : \"wordcount-count\"", "--node count", "FARGATE");
        assertThat(Files.readString(dir.resolve("ecs/wordcount-count-service.json")))
                .contains("subnet-2", "sg-1");
        SluiceProcess.Outcome nomad = sluice("generate", "nomad", "../examples/wordcount.yaml", "-o", dir.toString());
        assertThat(nomad.exit()).isEqualTo(2);
        assertThat(nomad.err()).contains("TARGET must be k8s or ecs, found 'nomad'");
    }

    @Test
    void aScheduledPipelineBecomesACronJobOrAnEventBridgeRuleAndRunsOnceWhenRunHere() throws Exception {
        Path file = dir.resolve("nightly.yaml");
        Files.writeString(file, """
                graph: nightly
                nodes:
                  - {id: numbers, source: generator, count: 3}
                  - {id: out, sink: collect}
                edges: [numbers -> out]
                runtime:
                  schedule: "30 2 * * 1-5"
                """);

        SluiceProcess.Outcome valid = sluice("validate", file.toString());
        SluiceProcess.Outcome run = sluice("run", file.toString());
        SluiceProcess.Outcome k8s =
                sluice("generate", "k8s", file.toString(), "-o", dir.toString(), "--bootstrap", "kafka:9092");
        SluiceProcess.Outcome ecs = sluice(
                "generate",
                "ecs",
                file.toString(),
                "-o",
                dir.resolve("ecs").toString(),
                "--bootstrap",
                "kafka:9092",
                "--cluster",
                "arn:aws:ecs:eu-west-1:123456789012:cluster/streams",
                "--subnets",
                "subnet-1",
                "--schedule-role",
                "arn:aws:iam::123456789012:role/sluiceEvents");
        SluiceProcess.Outcome ecsWithoutRole = sluice(
                "generate", "ecs", file.toString(), "-o", dir.resolve("ecs2").toString(), "--bootstrap", "kafka:9092");

        assertThat(valid.out())
                .contains("valid graph 'nightly': 2 nodes, 1 edges, runs on local at '30 2 * * 1-5' (UTC)");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err())
                .contains("Graph 'nightly' runs at '30 2 * * 1-5' (UTC) once deployed (sluice generate k8s|ecs);"
                        + " running it once now");
        assertThat(run.out()).contains("Results of out (3):", "Completed in ");
        assertThat(k8s.exit()).as(k8s.err()).isZero();
        assertThat(k8s.out()).contains("(a CronJob: the graph runs as a batch at '30 2 * * 1-5', UTC)");
        assertThat(Files.readString(dir.resolve("nightly-kubernetes.yaml")))
                .contains("kind: CronJob", "schedule: 30 2 * * 1-5", "concurrencyPolicy: Forbid", "- fresh")
                .doesNotContain("kind: Deployment");
        assertThat(ecs.exit()).as(ecs.err()).isZero();
        assertThat(Files.readString(dir.resolve("ecs/nightly-schedule-rule.json")))
                .contains("\"ScheduleExpression\" : \"cron(30 2 ? * MON-FRI *)\"");
        assertThat(Files.readString(dir.resolve("ecs/nightly-schedule-targets.json")))
                .contains("arn:aws:iam::123456789012:role/sluiceEvents", "task-definition/nightly");
        assertThat(ecsWithoutRole.exit()).isEqualTo(2);
        assertThat(ecsWithoutRole.err())
                .contains(
                        "sluice: ECS schedule of graph 'nightly': an EventBridge target names the cluster by its ARN");
    }

    @Test
    void graphPrintsDotAndMermaid() throws Exception {
        SluiceProcess.Outcome dot = sluice("graph", "../examples/routing.yaml", "--format", "dot");
        SluiceProcess.Outcome mermaid = sluice("graph", "../examples/routing.yaml");

        assertThat(dot.out()).startsWith("digraph \"routing\" {").contains("\"byKind\" -> \"all\" [label=\"book\"];");
        assertThat(mermaid.out()).startsWith("flowchart LR").contains("byKind -->|toy| all");
    }
}
