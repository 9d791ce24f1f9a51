package io.sluice.cli;

import io.sluice.manifests.KubernetesManifests;
import io.sluice.manifests.KubernetesOptions;
import io.sluice.yaml.Pipeline;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code sluice generate k8s FILE -o DIR}: Kubernetes manifests that run a pipeline on Kafka. */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = "Generate deployment manifests for a pipeline: k8s (a ConfigMap with the pipeline, a topic Job,"
                + " a Deployment per node with probes, and the API's Deployment and Service).")
final class GenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TARGET", description = "k8s")
    String target;

    @Parameters(index = "1", paramLabel = "FILE", description = "the pipeline (YAML)")
    Path file;

    @Option(
            names = {"-o", "--output"},
            required = true,
            paramLabel = "DIR",
            description = "where to write")
    Path output;

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            description = "the Kafka cluster as the pods reach it (default: the pipeline's runtime.bootstrap)")
    String bootstrap;

    @Option(
            names = "--image",
            defaultValue = "sluice/sluice:0.1.0",
            paramLabel = "IMAGE",
            description = "the image built from docker/Dockerfile (default: ${DEFAULT-VALUE})")
    String image;

    @Option(
            names = "--namespace",
            defaultValue = "default",
            paramLabel = "NAME",
            description = "(default: ${DEFAULT-VALUE})")
    String namespace;

    @Override
    public Integer call() throws IOException {
        if (!target.equals("k8s")) {
            throw new IllegalArgumentException(
                    "TARGET must be k8s, found '" + target + "' (ECS task definitions are" + " not generated yet)");
        }
        Pipeline pipeline = Pipeline.load(file);
        String cluster = bootstrap != null ? bootstrap : pipeline.runtime().bootstrap();
        if (cluster == null) {
            throw new IllegalArgumentException(
                    "no Kafka cluster: pass --bootstrap HOST:PORT or set runtime.bootstrap in " + file);
        }
        KubernetesOptions options =
                KubernetesOptions.of(cluster).withImage(image).withNamespace(namespace);
        String yaml = KubernetesManifests.yaml(KubernetesManifests.generate(
                pipeline.graph(), Files.readString(file, StandardCharsets.UTF_8), options));
        Files.createDirectories(output);
        Path written = output.resolve(pipeline.graph().name() + "-kubernetes.yaml");
        Files.writeString(written, yaml);
        spec.commandLine().getOut().println("Wrote " + written + "; apply it with: kubectl apply -f " + written);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
