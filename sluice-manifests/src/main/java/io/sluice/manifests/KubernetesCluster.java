package io.sluice.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.ServerSideApplicable;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.sluice.SluiceException;
import java.io.File;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * A Kubernetes cluster reached through a kube config, to apply generated manifests to ({@code sluice apply}). Applying
 * is server-side apply as the field manager {@value #FIELD_MANAGER}: the API server merges each manifest into what it
 * holds, owns the fields Sluice sets, leaves those others set alone, and refuses — unless {@link
 * ApplyOptions#forceConflicts()} — to take over a field another manager set. Applying the same manifests again changes
 * nothing. A dry run asks the API server to do all of it but store it ({@code dryRun=All}), so what it reports is what
 * the server would have done, defaults and admission included.
 *
 * <p>Nothing is ever deleted: a resource the manifests no longer hold (a node removed, a pipeline that became a
 * schedule) stays until deleted by hand.
 *
 * <pre>{@code
 * try (KubernetesCluster cluster = KubernetesCluster.connect(ApplyOptions.defaults().withNamespace("streams"))) {
 *     ApplyResult result = cluster.apply(KubernetesManifests.generate(graph, text, kubernetesOptions));
 * }
 * }</pre>
 *
 * <p>Every failure is a {@link SluiceException} naming the context and the API server's address: no kube config, a
 * context it does not have, a cluster that does not answer, credentials it refuses, an account not allowed to read
 * or change a resource, a namespace that does not exist.
 *
 * <p>Not thread-safe: one caller at a time.
 */
public final class KubernetesCluster implements AutoCloseable {

    /** The field manager Sluice applies as, in every resource's {@code managedFields}. */
    public static final String FIELD_MANAGER = "sluice";

    /** How many changed fields a resource reports at most. */
    static final int FIELDS_REPORTED = 8;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;
    private final String context;
    private final String server;
    private final String namespace;
    private final ApplyOptions options;

    private KubernetesCluster(
            KubernetesClient client, String context, String server, String namespace, ApplyOptions options) {
        this.client = client;
        this.context = context;
        this.server = server;
        this.namespace = namespace;
        this.options = options;
    }

    /**
     * Reads the kube config the options name (or kubectl's) and checks that its cluster answers.
     *
     * @throws SluiceException if there is no kube config, it has no such context, or the cluster cannot be reached or
     *     refuses the credentials
     */
    public static KubernetesCluster connect(ApplyOptions options) {
        Objects.requireNonNull(options, "options");
        Config config = config(options);
        NamedContext current = config.getCurrentContext();
        String context = current != null ? current.getName() : "in-cluster";
        String server = stripSlash(config.getMasterUrl());
        String namespace = options.namespace() != null
                ? options.namespace()
                : config.getNamespace() != null ? config.getNamespace() : "default";
        config.setRequestRetryBackoffLimit(0); // a cluster that does not answer is reported at once, not in minutes
        config.setConnectionTimeout(10_000);
        KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(config)
                .withHttpClientFactory(new JdkHttpClientFactory())
                .build();
        KubernetesCluster cluster = new KubernetesCluster(client, context, server, namespace, options);
        try {
            client.getKubernetesVersion();
        } catch (KubernetesClientException e) {
            if (unreachable(e) != null || e.getCode() == 401) {
                client.close();
                throw cluster.failure("reach it", e);
            }
            // Any other answer means the cluster is there; the requests that matter say what they may not do.
        }
        return cluster;
    }

    /** The kube config context in use ({@code in-cluster} for a pod's service account). */
    public String context() {
        return context;
    }

    /** The API server's address. */
    public String server() {
        return server;
    }

    /** The namespace of resources that name none: the options', else the context's, else {@code default}. */
    public String namespace() {
        return namespace;
    }

    /**
     * Applies {@code resources} in their order (a ConfigMap before the pods that mount it), or with a dry run asks what
     * applying them would change.
     *
     * @throws SluiceException at the first resource the cluster refuses, naming it, the context and the server; those
     *     before it stay applied
     */
    public ApplyResult apply(List<HasMetadata> resources) {
        return apply(resources, applied -> {});
    }

    /**
     * As {@link #apply(List)}, telling {@code each} of every resource as soon as it is applied, so that a caller can
     * show how far it got when a later one is refused.
     */
    public ApplyResult apply(List<HasMetadata> resources, Consumer<ApplyResult.Resource> each) {
        for (HasMetadata resource : resources) { // before anything is applied, as kubectl does
            String ns = resource.getMetadata().getNamespace();
            if (ns != null && options.namespace() != null && !ns.equals(options.namespace())) {
                throw new SluiceException(resource.getKind() + " '"
                        + resource.getMetadata().getName()
                        + "' is in namespace '" + ns + "', not in '" + options.namespace() + "' as --namespace asks;"
                        + " generate it for '" + options.namespace() + "', or apply it without --namespace");
            }
        }
        List<ApplyResult.Resource> applied = new ArrayList<>();
        for (HasMetadata resource : resources) {
            ApplyResult.Resource done = apply(resource);
            applied.add(done);
            each.accept(done);
        }
        return new ApplyResult(context, server, options.dryRun(), applied);
    }

    private ApplyResult.Resource apply(HasMetadata resource) {
        String kind = resource.getKind();
        String name = resource.getMetadata().getName();
        boolean namespaced =
                resource instanceof Namespaced || resource.getMetadata().getNamespace() != null;
        String ns = null;
        if (namespaced) {
            ns = resource.getMetadata().getNamespace() != null
                    ? resource.getMetadata().getNamespace()
                    : namespace;
        }
        String what = kind + " '" + name + "'" + (ns == null ? "" : " in namespace '" + ns + "'");
        Resource<HasMetadata> handle = ns == null
                ? client.resource(resource)
                : client.resource(resource).inNamespace(ns);
        HasMetadata live;
        try {
            live = handle.get();
        } catch (KubernetesClientException e) {
            throw failure("read " + what, e);
        }
        HasMetadata result;
        try {
            ServerSideApplicable<HasMetadata> apply =
                    (options.dryRun() ? handle.dryRun() : handle).fieldManager(FIELD_MANAGER);
            result = (options.forceConflicts() ? apply.forceConflicts() : apply).serverSideApply();
        } catch (KubernetesClientException e) {
            SluiceException failure = failure((options.dryRun() ? "dry-run apply " : "apply ") + what, e);
            if (e.getCode() == 422 && kind.equals("Job") && live != null) {
                throw new SluiceException(
                        failure.getMessage() + "; a Job cannot be changed once created: delete it (kubectl delete job "
                                + name + (ns == null ? "" : " -n " + ns) + ") and apply again",
                        e);
            }
            throw failure;
        }
        if (live == null) {
            return new ApplyResult.Resource(kind, ns, name, ApplyResult.Change.CREATED, List.of());
        }
        List<String> fields = changes(comparable(live), comparable(result));
        return new ApplyResult.Resource(
                kind, ns, name, fields.isEmpty() ? ApplyResult.Change.UNCHANGED : ApplyResult.Change.CHANGED, fields);
    }

    @Override
    public void close() {
        client.close();
    }

    /** The resource as the user's manifests speak of it: without what the server keeps for itself. */
    private static JsonNode comparable(HasMetadata resource) {
        ObjectNode json = JSON.valueToTree(resource);
        json.remove("status");
        JsonNode metadata = json.get("metadata");
        if (metadata instanceof ObjectNode m) {
            m.remove(List.of("resourceVersion", "generation", "managedFields", "creationTimestamp", "uid", "selfLink"));
        }
        return json;
    }

    /** The paths where {@code before} and {@code after} differ, in document order; walked without recursion. */
    static List<String> changes(JsonNode before, JsonNode after) {
        Set<String> changed = new LinkedHashSet<>();
        Deque<Object[]> pending = new ArrayDeque<>();
        pending.push(new Object[] {"", before, after});
        while (!pending.isEmpty() && changed.size() <= FIELDS_REPORTED) {
            Object[] next = pending.pop();
            String path = (String) next[0];
            JsonNode a = (JsonNode) next[1];
            JsonNode b = (JsonNode) next[2];
            if (a != null && b != null && a.equals(b)) {
                continue;
            }
            if (a instanceof ObjectNode x && b instanceof ObjectNode y) {
                Set<String> keys = new LinkedHashSet<>();
                x.fieldNames().forEachRemaining(keys::add);
                y.fieldNames().forEachRemaining(keys::add);
                List<String> inOrder = new ArrayList<>(keys);
                for (int i = inOrder.size() - 1; i >= 0; i--) {
                    String key = inOrder.get(i);
                    pending.push(new Object[] {path.isEmpty() ? key : path + "." + key, x.get(key), y.get(key)});
                }
            } else if (a != null && b != null && a.isArray() && b.isArray() && a.size() == b.size()) {
                for (int i = a.size() - 1; i >= 0; i--) {
                    pending.push(new Object[] {path + "[" + i + "]", a.get(i), b.get(i)});
                }
            } else {
                changed.add(path.isEmpty() ? "(the whole resource)" : path);
            }
        }
        List<String> fields = new ArrayList<>(changed);
        return fields.size() <= FIELDS_REPORTED ? fields : fields.subList(0, FIELDS_REPORTED);
    }

    /** The client configuration of the kube config the options name, or kubectl's, or the pod's service account. */
    private static Config config(ApplyOptions options) {
        if (options.kubeconfig() != null) {
            Path file = options.kubeconfig();
            if (!Files.isRegularFile(file)) {
                throw new SluiceException("Kube config " + file + " does not exist");
            }
            return checkedContext(Config.fromKubeconfig(options.context(), file.toFile()), options, file.toString());
        }
        List<String> files = Config.getKubeconfigFilenames().stream()
                .filter(f -> new File(f).isFile())
                .toList();
        if (!files.isEmpty()) {
            return checkedContext(
                    Config.autoConfigure(options.context()), options, String.join(File.pathSeparator, files));
        }
        if (System.getenv("KUBERNETES_SERVICE_HOST") != null && options.context() == null) {
            return Config.autoConfigure(null); // inside a pod: its service account
        }
        throw new SluiceException("No kube config: " + String.join(" and ", Config.getKubeconfigFilenames())
                + " do" + (Config.getKubeconfigFilenames().size() == 1 ? "es" : "") + " not exist, and this is not"
                + " a pod; set KUBECONFIG, pass --kubeconfig FILE, or configure kubectl (kubectl config"
                + " set-cluster …)");
    }

    private static Config checkedContext(Config config, ApplyOptions options, String source) {
        List<String> names = config.getContexts() == null
                ? List.of()
                : config.getContexts().stream().map(NamedContext::getName).toList();
        if (options.context() != null && !names.contains(options.context())) {
            throw new SluiceException(
                    "Kube config " + source + " has no context '" + options.context() + "'; its contexts: " + names);
        }
        if (config.getCurrentContext() == null) {
            throw new SluiceException(
                    "Kube config " + source + " names no current context; pass --context NAME, one" + " of " + names);
        }
        return config;
    }

    /** A failure to {@code doing}, in words naming the context and the server, with what to do about it. */
    private SluiceException failure(String doing, KubernetesClientException e) {
        String where = "the cluster of context '" + context + "' at " + server;
        Throwable cause = unreachable(e);
        if (cause != null) {
            return new SluiceException(
                    "Cannot reach " + where + ": " + describe(cause) + "; check that it is up and that '" + context
                            + "' is the context you mean (--context, kubectl config current-context)",
                    e);
        }
        String message = serverMessage(e);
        return switch (e.getCode()) {
            case 401 ->
                new SluiceException(
                        "Unauthorized: " + where + " refused the kube config's credentials to " + doing + " (" + message
                                + "); log in again, they may have expired",
                        e);
            case 403 ->
                new SluiceException(
                        "Forbidden: " + where + " does not allow this account to " + doing + ": " + message
                                + "; sluice apply needs get and patch (create for new resources) on what it applies",
                        e);
            case 404 -> {
                Status status = e.getStatus();
                boolean noNamespace = status != null
                        && status.getDetails() != null
                        && "namespaces".equals(status.getDetails().getKind());
                yield noNamespace
                        ? new SluiceException(
                                "Namespace '" + status.getDetails().getName() + "' does not exist in " + where
                                        + "; create it (kubectl create namespace "
                                        + status.getDetails().getName()
                                        + ") or choose another (--namespace)",
                                e)
                        : new SluiceException("Cannot " + doing + " in " + where + ": not found (" + message + ")", e);
            }
            case 409 ->
                new SluiceException(
                        "Conflict: " + where + " refused to " + doing + ": " + message
                                + "; another field manager owns these fields: let sluice take them over with"
                                + " --force-conflicts",
                        e);
            default ->
                new SluiceException(
                        where.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + where.substring(1) + " refused to "
                                + doing + ": " + (e.getCode() > 0 ? e.getCode() + " " : "") + message,
                        e);
        };
    }

    /** The API server's own words, or the client's when the server gave none. */
    private static String serverMessage(KubernetesClientException e) {
        Status status = e.getStatus();
        if (status != null
                && status.getMessage() != null
                && !status.getMessage().isBlank()) {
            return status.getMessage();
        }
        return String.valueOf(e.getMessage());
    }

    /** The cause that says no answer came at all (refused, unknown host, timeout, TLS), or {@code null}. */
    private static Throwable unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException
                    || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException
                    || t instanceof HttpTimeoutException
                    || t instanceof InterruptedIOException
                    || t instanceof SSLException) {
                return t;
            }
        }
        return null;
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        String kind =
                switch (cause) {
                    case ConnectException c -> "connection refused";
                    case UnknownHostException u -> "unknown host";
                    case HttpTimeoutException h -> "no answer in time";
                    case InterruptedIOException i -> "no answer in time";
                    case SSLException s -> "TLS failed";
                    default -> cause.getClass().getSimpleName();
                };
        return message == null || message.isBlank() || kind.equalsIgnoreCase(message)
                ? kind
                : kind + " (" + message + ")";
    }

    private static String stripSlash(String url) {
        return url != null && url.endsWith("/") ? url.substring(0, url.length() - 1) : String.valueOf(url);
    }
}
