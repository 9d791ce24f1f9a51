package io.sluice.manifests;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.CronJobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.sluice.ComputationalGraph;
import io.sluice.NodeSpec;
import io.sluice.SluiceException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The Kubernetes resources that run a pipeline on Kafka, built with fabric8's model (not templates): a ConfigMap
 * holding the pipeline file; a Job that creates the graph's topics and keeps those an earlier run left, so that applying the manifests again
 * continues the deployment ({@code sluice kafka plan --create --on-existing continue}); per node a
 * Deployment running {@code sluice worker} for that node, with liveness and readiness probes on the worker's health
 * port; and a coordinator Deployment with its Service, serving the query API and dashboard ({@code sluice serve}).
 *
 * <p>Each node's Deployment has one replica running all of the node's instances (its parallelism): Sluice's KAFKA
 * workers split partitions statically by instance, so replicas of one worker would read the same partitions. With
 * {@link KubernetesOptions#withInstancePerPod} a node is instead a StatefulSet with a pod per instance — the pod's
 * ordinal is the instance, passed as {@code --instance ordinal} and the pod's name in {@code SLUICE_POD_NAME} from the
 * downward API — and a headless Service governing it, so one node can use as many machines as its parallelism.
 *
 * <p><b>The API's token.</b> The coordinator listens on {@code 0.0.0.0}, so every route but the dashboard page and the
 * health probes needs its bearer token. It reads {@code SLUICE_API_TOKEN} from the key {@code token} of a Secret the
 * manifests name — {@code <graph>-api-token}, or {@link KubernetesOptions#withApiTokenSecret} — and never hold. Create
 * it, in the manifests' namespace, before applying them:
 *
 * <pre>
 * kubectl create secret generic shop-api-token -n NAMESPACE --from-literal=token=$(openssl rand -hex 32)
 * </pre>
 *
 * <p>No Secret is generated, not even one with a placeholder: a placeholder of 16 characters or more is a token the
 * server accepts, so a file applied as generated would guard the API with a token anyone who reads these sources
 * knows; and applying the file again — which these manifests are made for, the topic Job continuing the deployment —
 * would put the placeholder back over the real token. Without the Secret the API's pod does not start ({@code
 * CreateContainerConfigError: secret "shop-api-token" not found}) instead of serving with a token nobody chose, and
 * the generated file holds nothing secret, so it can be kept in a repository. The probes read {@code /health/live},
 * which needs no token.
 *
 * <p><b>A schedule.</b> With {@link KubernetesOptions#schedule()} the pipeline is a batch: the ConfigMap and one
 * CronJob ({@code batch/v1}, named after the graph, in UTC) whose every run is one pod. Its init container creates the
 * graph's topics afresh ({@code --on-existing fresh}: a run starts from nothing, as a batch does, rather than finding
 * the end markers of the last run); then one container per node runs the same {@code sluice worker} as a node's
 * Deployment, and the run is over once every worker has ended. One pod, not a CronJob per node, because the nodes of
 * a run must start together after its topics exist. {@code concurrencyPolicy: Forbid}, because a run starting while
 * the last one still works would delete its topics; {@code restartPolicy: OnFailure}, so a worker that dies resumes
 * from its committed offsets, as in a Deployment. No probes — a worker that ended is done, not dead, and the
 * containers of one pod would contend for one health port — and no API: it follows one deployment's topics, and each
 * run replaces them.
 */
public final class KubernetesManifests {

    static final String PIPELINE_DIR = "/etc/sluice";
    static final int API_PORT = 8080;
    static final int HEALTH_PORT = 8081;
    /** The environment variable {@code sluice serve} reads its token from. */
    static final String API_TOKEN_VARIABLE = "SLUICE_API_TOKEN";
    /** The key of the token in its Secret. */
    static final String API_TOKEN_KEY = "token";
    /** The environment variable a worker pod's name reaches {@code sluice worker --instance ordinal} by. */
    static final String POD_NAME_VARIABLE = "SLUICE_POD_NAME";

    private KubernetesManifests() {}

    /** Kubernetes adds 11 characters to a CronJob's name to name its Jobs, whose names must stay within 63. */
    static final int CRON_JOB_NAME_LENGTH = 52;

    /**
     * The resources for {@code graph}, whose pipeline file is {@code pipelineText}: with a schedule in the options,
     * the ConfigMap and a CronJob; else the ConfigMap, the topic Job, the nodes' Deployments and the API.
     *
     * @throws SluiceException if two node ids map to the same Kubernetes name, or a scheduled graph's name is too long
     *     for a CronJob
     */
    public static List<HasMetadata> generate(ComputationalGraph graph, String pipelineText, KubernetesOptions options) {
        String app = dns(graph.name());
        String pipeline = PIPELINE_DIR + "/pipeline.yaml";
        List<HasMetadata> resources = new ArrayList<>();
        resources.add(new ConfigMapBuilder()
                .withNewMetadata()
                .withName(app + "-pipeline")
                .withNamespace(options.namespace())
                .withLabels(labels(graph, null))
                .endMetadata()
                .withData(Map.of("pipeline.yaml", pipelineText))
                .build());
        if (options.schedule() != null) {
            resources.add(cronJob(graph, options, app, pipeline));
            return resources;
        }
        resources.add(new JobBuilder()
                .withNewMetadata()
                .withName(app + "-topics")
                .withNamespace(options.namespace())
                .withLabels(labels(graph, "topics"))
                .endMetadata()
                .withNewSpec()
                .withBackoffLimit(6)
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(labels(graph, "topics"))
                .endMetadata()
                .withSpec(pod(
                        app,
                        container(
                                "topics",
                                options,
                                List.of(
                                        "kafka",
                                        "plan",
                                        pipeline,
                                        "--create",
                                        "--on-existing",
                                        "continue",
                                        "--bootstrap",
                                        options.bootstrap()),
                                false),
                        "OnFailure"))
                .endTemplate()
                .endSpec()
                .build());
        Map<String, String> names = new HashMap<>();
        for (NodeSpec node : graph.nodes()) {
            String name = app + "-" + dns(node.id());
            String clash = names.put(name, node.id());
            if (clash != null) {
                throw new SluiceException("Nodes '" + clash + "' and '" + node.id()
                        + "' both become the Kubernetes name '" + name + "' (lower case, '-' for '_'); rename one");
            }
            List<String> args = new ArrayList<>(List.of(
                    "worker",
                    pipeline,
                    "--node",
                    node.id(),
                    "--bootstrap",
                    options.bootstrap(),
                    "--health-port",
                    Integer.toString(HEALTH_PORT)));
            if (options.instancePerPod()) {
                args.addAll(List.of("--instance", "ordinal"));
                Container worker = new ContainerBuilder(container("worker", options, args, true))
                        .addNewEnv()
                        .withName(POD_NAME_VARIABLE)
                        .withNewValueFrom()
                        .withNewFieldRef()
                        .withFieldPath("metadata.name")
                        .endFieldRef()
                        .endValueFrom()
                        .endEnv()
                        .build();
                resources.add(headlessService(graph, options, name, node.id()));
                resources.add(statefulSet(graph, options, name, node, pod(app, worker, "Always")));
            } else {
                resources.add(deployment(
                        graph,
                        options,
                        name,
                        node.id(),
                        "Recreate",
                        pod(app, container("worker", options, args, true), "Always")));
            }
        }
        Container api = new ContainerBuilder(container(
                        "api",
                        options,
                        List.of(
                                "serve",
                                pipeline,
                                "--bootstrap",
                                options.bootstrap(),
                                "--host",
                                "0.0.0.0",
                                "--port",
                                Integer.toString(API_PORT)),
                        false))
                .addNewEnv()
                .withName(API_TOKEN_VARIABLE)
                .withNewValueFrom()
                .withNewSecretKeyRef()
                .withName(apiTokenSecret(graph, options))
                .withKey(API_TOKEN_KEY)
                .endSecretKeyRef()
                .endValueFrom()
                .endEnv()
                .addNewPort()
                .withName("http")
                .withContainerPort(API_PORT)
                .endPort()
                .withLivenessProbe(probe("/health/live", API_PORT))
                .withReadinessProbe(probe("/health/live", API_PORT))
                .build();
        resources.add(deployment(graph, options, app + "-api", "api", null, pod(app, api, "Always")));
        resources.add(new ServiceBuilder()
                .withNewMetadata()
                .withName(app + "-api")
                .withNamespace(options.namespace())
                .withLabels(labels(graph, "api"))
                .endMetadata()
                .withNewSpec()
                .withSelector(labels(graph, "api"))
                .addNewPort()
                .withName("http")
                .withPort(API_PORT)
                .withTargetPort(new IntOrString(API_PORT))
                .endPort()
                .endSpec()
                .build());
        return resources;
    }

    /** The resources as one multi-document YAML file, ready for {@code kubectl apply -f}. */
    public static String yaml(List<HasMetadata> resources) {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory()
                        .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                        .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                        .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS) // args: ["8081"], not [8081]
                        .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE))
                .setDefaultPropertyInclusion(
                        JsonInclude.Value.construct(JsonInclude.Include.NON_EMPTY, JsonInclude.Include.NON_EMPTY));
        StringBuilder text = new StringBuilder();
        for (HasMetadata resource : resources) {
            try {
                text.append("---\n").append(mapper.writeValueAsString(resource));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return text.toString();
    }

    /** A run of the whole graph at each time of the schedule: see the class comment. */
    private static CronJob cronJob(ComputationalGraph graph, KubernetesOptions options, String app, String pipeline) {
        if (app.length() > CRON_JOB_NAME_LENGTH) {
            throw new SluiceException("Graph '" + graph.name() + "': a scheduled graph's name is its CronJob's, and"
                    + " Kubernetes allows " + CRON_JOB_NAME_LENGTH + " characters there, found " + app.length()
                    + "; shorten it");
        }
        Map<String, String> names = new HashMap<>(Map.of("topics", "the init container that creates the topics"));
        List<Container> workers = new ArrayList<>();
        for (NodeSpec node : graph.nodes()) {
            String name = dns(node.id());
            String clash = names.put(name, "node '" + node.id() + "'");
            if (clash != null) {
                throw new SluiceException("Node '" + node.id() + "' and " + clash + " both become the container name '"
                        + name + "' (lower case, '-' for '_'); rename the node");
            }
            workers.add(container(
                    name,
                    options,
                    List.of("worker", pipeline, "--node", node.id(), "--bootstrap", options.bootstrap()),
                    false));
        }
        Container topics = container(
                "topics",
                options,
                List.of(
                        "kafka",
                        "plan",
                        pipeline,
                        "--create",
                        "--on-existing",
                        "fresh",
                        "--bootstrap",
                        options.bootstrap()),
                false);
        PodSpec pod = new PodSpecBuilder(pod(app, workers.get(0), "OnFailure"))
                .withInitContainers(topics)
                .withContainers(workers)
                .build();
        return new CronJobBuilder()
                .withNewMetadata()
                .withName(app)
                .withNamespace(options.namespace())
                .withLabels(labels(graph, "batch"))
                .endMetadata()
                .withNewSpec()
                .withSchedule(Cron.parse(options.schedule()).kubernetes())
                .withTimeZone("Etc/UTC")
                .withConcurrencyPolicy("Forbid")
                .withNewJobTemplate()
                .withNewMetadata()
                .withLabels(labels(graph, "batch"))
                .endMetadata()
                .withNewSpec()
                .withBackoffLimit(6)
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(labels(graph, "batch"))
                .endMetadata()
                .withSpec(pod)
                .endTemplate()
                .endSpec()
                .endJobTemplate()
                .endSpec()
                .build();
    }

    /** File names {@link #read} takes from a directory. */
    private static final List<String> MANIFEST_SUFFIXES = List.of(".yaml", ".yml", ".json");

    private static final ObjectMapper YAML_READER = new ObjectMapper(new YAMLFactory());

    /**
     * Whether {@code path} holds Kubernetes manifests rather than a pipeline: a directory, or a file whose first
     * document has an {@code apiVersion} and a {@code kind}.
     */
    public static boolean holdsManifests(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            return true;
        }
        try (MappingIterator<JsonNode> documents =
                YAML_READER.readerFor(JsonNode.class).readValues(Files.readString(path))) {
            while (documents.hasNextValue()) {
                JsonNode document = documents.nextValue();
                if (document != null && !document.isNull() && !document.isMissingNode()) {
                    return document.isObject() && document.has("apiVersion") && document.has("kind");
                }
            }
        } catch (JsonProcessingException | RuntimeException e) {
            return false; // not YAML either: the pipeline reader will say what is wrong with it
        }
        return false;
    }

    /**
     * The resources of files {@code sluice generate k8s} wrote, or of any Kubernetes manifests: a YAML or JSON file,
     * each document a resource (a {@code …List} its items), or every {@code .yaml}, {@code .yml} and {@code .json}
     * file of a directory, in the order of their names.
     *
     * @throws SluiceException naming the file and document that is not a Kubernetes resource
     */
    public static List<HasMetadata> read(Path path) throws IOException {
        List<Path> files;
        if (Files.isDirectory(path)) {
            try (Stream<Path> listed = Files.list(path)) {
                files = listed.filter(Files::isRegularFile)
                        .filter(f -> MANIFEST_SUFFIXES.stream()
                                .anyMatch(suffix -> f.getFileName().toString().endsWith(suffix)))
                        .sorted()
                        .toList();
            }
            if (files.isEmpty()) {
                throw new SluiceException(path + " holds no manifests (files ending " + MANIFEST_SUFFIXES + ")");
            }
        } else {
            files = List.of(path);
        }
        KubernetesSerialization serialization = new KubernetesSerialization();
        List<HasMetadata> resources = new ArrayList<>();
        for (Path file : files) {
            int index = 0;
            try (MappingIterator<JsonNode> documents =
                    YAML_READER.readerFor(JsonNode.class).readValues(Files.readString(file))) {
                while (documents.hasNextValue()) {
                    JsonNode document = documents.nextValue();
                    index++;
                    if (document == null || document.isNull() || document.isMissingNode()) {
                        continue;
                    }
                    String where = file + (index > 1 ? ", document " + index : "");
                    if (!document.isObject()
                            || !document.path("apiVersion").isTextual()
                            || !document.path("kind").isTextual()) {
                        throw new SluiceException(where + ": not a Kubernetes resource (no apiVersion and kind);"
                                + " sluice apply takes what sluice generate k8s writes, or a pipeline file");
                    }
                    List<JsonNode> items = new ArrayList<>();
                    if (document.get("kind").asText().endsWith("List")
                            && document.path("items").isArray()) {
                        document.get("items").forEach(items::add);
                    } else {
                        items.add(document);
                    }
                    for (JsonNode item : items) {
                        if (!item.path("metadata").path("name").isTextual()) {
                            throw new SluiceException(
                                    where + ": a " + item.path("kind").asText("resource") + " without metadata.name");
                        }
                        resources.add((HasMetadata) serialization.convertValue(item, KubernetesResource.class));
                    }
                }
            } catch (JsonProcessingException e) {
                throw new SluiceException(
                        file + ": not YAML or JSON: " + e.getOriginalMessage()
                                + (e.getLocation() == null
                                        ? ""
                                        : " (line " + e.getLocation().getLineNr() + ")"),
                        e);
            }
        }
        return resources;
    }

    /** The Secret holding the API's token: the one the options name, else {@code <graph>-api-token}. */
    static String apiTokenSecret(ComputationalGraph graph, KubernetesOptions options) {
        return options.apiTokenSecret() != null ? options.apiTokenSecret() : dns(graph.name()) + "-api-token";
    }

    /** The Service without a cluster IP that a node's StatefulSet names as its governing service. */
    private static Service headlessService(
            ComputationalGraph graph, KubernetesOptions options, String name, String component) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(options.namespace())
                .withLabels(labels(graph, component))
                .endMetadata()
                .withNewSpec()
                .withClusterIP("None")
                .withSelector(labels(graph, component))
                .addNewPort()
                .withName("health")
                .withPort(HEALTH_PORT)
                .withTargetPort(new IntOrString(HEALTH_PORT))
                .endPort()
                .endSpec()
                .build();
    }

    /**
     * A StatefulSet of one pod per instance of {@code node}: replicas equal to its parallelism, pods {@code
     * <name>-<ordinal>} started together ({@code Parallel}: instances need not wait for each other), each running the
     * instance its ordinal names.
     */
    private static StatefulSet statefulSet(
            ComputationalGraph graph, KubernetesOptions options, String name, NodeSpec node, PodSpec pod) {
        return new StatefulSetBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(options.namespace())
                .withLabels(labels(graph, node.id()))
                .endMetadata()
                .withNewSpec()
                .withServiceName(name)
                .withReplicas(node.parallelism())
                .withPodManagementPolicy("Parallel")
                .withNewSelector()
                .withMatchLabels(labels(graph, node.id()))
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(labels(graph, node.id()))
                .endMetadata()
                .withSpec(pod)
                .endTemplate()
                .endSpec()
                .build();
    }

    /** A Deployment of one replica whose selector, pod labels and own labels agree. */
    private static io.fabric8.kubernetes.api.model.apps.Deployment deployment(
            ComputationalGraph graph,
            KubernetesOptions options,
            String name,
            String component,
            String strategy,
            PodSpec pod) {
        DeploymentBuilder deployment = new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(options.namespace())
                .withLabels(labels(graph, component))
                .endMetadata();
        var spec = deployment
                .withNewSpec()
                .withReplicas(1)
                .withNewSelector()
                .withMatchLabels(labels(graph, component))
                .endSelector();
        if (strategy != null) {
            spec.withNewStrategy().withType(strategy).endStrategy();
        }
        return spec.withNewTemplate()
                .withNewMetadata()
                .withLabels(labels(graph, component))
                .endMetadata()
                .withSpec(pod)
                .endTemplate()
                .endSpec()
                .build();
    }

    private static PodSpec pod(String app, Container container, String restartPolicy) {
        return new PodSpecBuilder()
                .withRestartPolicy(restartPolicy)
                .withContainers(container)
                .addNewVolume()
                .withName("pipeline")
                .withNewConfigMap()
                .withName(app + "-pipeline")
                .endConfigMap()
                .endVolume()
                .build();
    }

    private static Container container(String name, KubernetesOptions options, List<String> args, boolean probed) {
        ContainerBuilder container = new ContainerBuilder()
                .withName(name)
                .withImage(options.image())
                .withArgs(args)
                .addNewVolumeMount()
                .withName("pipeline")
                .withMountPath(PIPELINE_DIR)
                .withReadOnly(true)
                .endVolumeMount()
                .withNewResources()
                .withRequests(new java.util.TreeMap<>(Map.of(
                        "cpu",
                        new Quantity(options.cpu()),
                        "memory",
                        new Quantity(options.memory())))) // sorted: the same file every time
                .withLimits(Map.of("memory", new Quantity(options.memory())))
                .endResources();
        if (probed) {
            container
                    .addNewPort()
                    .withName("health")
                    .withContainerPort(HEALTH_PORT)
                    .endPort()
                    .withLivenessProbe(probe("/health/live", HEALTH_PORT))
                    .withReadinessProbe(probe("/health/ready", HEALTH_PORT));
        }
        return container.build();
    }

    private static Probe probe(String path, int port) {
        return new ProbeBuilder()
                .withNewHttpGet()
                .withPath(path)
                .withPort(new IntOrString(port))
                .endHttpGet()
                .withInitialDelaySeconds(10)
                .withPeriodSeconds(10)
                .build();
    }

    private static Map<String, String> labels(ComputationalGraph graph, String component) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("app.kubernetes.io/name", "sluice");
        labels.put("app.kubernetes.io/instance", dns(graph.name()));
        if (component != null) {
            labels.put("app.kubernetes.io/component", dns(component));
        }
        return labels;
    }

    /** A Kubernetes (DNS-1123) name: lower case, '-' for '_'. */
    static String dns(String id) {
        return id.toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
