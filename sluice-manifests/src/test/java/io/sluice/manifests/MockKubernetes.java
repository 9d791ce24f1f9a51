package io.sluice.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.server.mock.crud.KubernetesCrudDispatcherException;
import io.fabric8.kubernetes.client.server.mock.crud.PostHandler;
import io.fabric8.kubernetes.client.server.mock.crud.PutHandler;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.internal.MockDispatcher;
import io.fabric8.mockwebserver.internal.SimpleRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * fabric8's Kubernetes mock server in CRUD mode — objects created, read, patched and listed in memory — with a kube
 * config pointing at it, for tests of {@code sluice apply}. No cluster runs here, so this is what those tests apply to.
 *
 * <p>The mock's CRUD mode knows no server-side apply (it answers an {@code application/apply-patch+yaml} PATCH with 415,
 * and a PATCH of a missing object with 404) and ignores {@code dryRun}. This dispatcher adds the little the tests need:
 * an apply creates the object if it is missing and otherwise merges the manifest into it as an RFC 7386 merge patch
 * (lists replaced, not appended to as the mock's own merge does; our manifests are whole objects), and a dry run
 * answers the same without storing anything. It keeps no field ownership,
 * so conflicts between field managers, defaulting and admission are the real API server's alone; expectations
 * ({@code server().expect()}) answer before the store, for the refusals a test wants.
 */
public final class MockKubernetes implements AutoCloseable {

    private final Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    private final ApplyingDispatcher dispatcher = new ApplyingDispatcher(responses);
    private final KubernetesMockServer server;
    private final Path kubeconfig;

    /** Starts the server on loopback and writes {@code dir/kubeconfig}, context {@code mock}, namespace {@code streams}. */
    public MockKubernetes(Path dir) {
        server = new KubernetesMockServer(
                new Context(new ObjectMapper()), new MockWebServer(), responses, dispatcher, false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        kubeconfig = dir.resolve("kubeconfig");
        try {
            Files.writeString(kubeconfig, kubeconfig(server()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A kube config whose current context {@code mock} reaches {@code url}, in namespace {@code streams}. */
    public static String kubeconfig(String url) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: mock
                    cluster: {server: "%s"}
                contexts:
                  - name: mock
                    context: {cluster: mock, user: tester, namespace: streams}
                current-context: mock
                users:
                  - name: tester
                    user: {token: not-a-secret}
                """.formatted(url);
    }

    /** The kube config file. */
    public Path kubeconfig() {
        return kubeconfig;
    }

    /** The server's address, {@code http://127.0.0.1:PORT}. */
    public String server() {
        return "http://" + server.getHostName() + ":" + server.getPort();
    }

    /** The mock server, for expectations. */
    public KubernetesMockServer mock() {
        return server;
    }

    /** A client of the mock, to look at what it holds. */
    public KubernetesClient client() {
        return server.createClient();
    }

    /** The query of every server-side apply request so far ({@code fieldManager=sluice}, {@code dryRun=All&…}). */
    public List<String> applies() {
        return List.copyOf(dispatcher.applies);
    }

    @Override
    public void close() {
        server.destroy();
    }

    /** CRUD, plus server-side apply and dry runs as the class comment says; expectations first. */
    private static final class ApplyingDispatcher extends KubernetesCrudDispatcher {

        private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

        private final Map<ServerRequest, Queue<ServerResponse>> responses;
        private final MockDispatcher expectations;
        private final PostHandler post;
        private final PutHandler put;
        private final List<String> applies = new CopyOnWriteArrayList<>();

        ApplyingDispatcher(Map<ServerRequest, Queue<ServerResponse>> responses) {
            this.responses = responses;
            this.expectations = new MockDispatcher(responses);
            this.post = new PostHandler((KubernetesAttributesExtractor) attributeExtractor, this);
            this.put = new PutHandler(this);
        }

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            Queue<ServerResponse> expected = responses.get(new SimpleRequest(request.method(), request.getPath()));
            if (expected != null && !expected.isEmpty()) {
                return expectations.dispatch(request);
            }
            return super.dispatch(request);
        }

        @Override
        public synchronized MockResponse handlePatch(RecordedRequest request) {
            String type = request.getHeader("Content-Type");
            if (type == null || !type.startsWith(PatchType.SERVER_SIDE_APPLY.getContentType())) {
                return super.handlePatch(request);
            }
            String[] pathAndQuery = request.getPath().split("\\?", 2);
            String path = pathAndQuery[0];
            String query = pathAndQuery.length > 1 ? pathAndQuery[1] : "";
            applies.add(query);
            boolean dryRun = List.of(query.split("&")).contains("dryRun=All");
            try {
                String body = YAML.readTree(request.getUtf8Body()).toString();
                Map.Entry<?, String> current = findResource(getKey(path));
                if (current == null) {
                    return dryRun
                            ? new MockResponse().setResponseCode(201).setBody(body)
                            : post.handle(path.substring(0, path.lastIndexOf('/')), "application/json", body);
                }
                JsonNode merged = mergePatch(asNode(current.getValue()).deepCopy(), YAML.readTree(body));
                if (dryRun) {
                    return new MockResponse().setResponseCode(200).setBody(merged.toString());
                }
                return put.handle(path, "application/json", merged.toString());
            } catch (KubernetesCrudDispatcherException e) {
                return new MockResponse().setResponseCode(e.getCode()).setBody(e.toStatusBody());
            } catch (IOException e) {
                return new MockResponse().setResponseCode(400).setBody(String.valueOf(e.getMessage()));
            }
        }

        /** RFC 7386: objects merge key by key, {@code null} removes, anything else (a list too) replaces. */
        private static JsonNode mergePatch(JsonNode target, JsonNode patch) {
            if (!patch.isObject()) {
                return patch;
            }
            ObjectNode merged = target.isObject() ? (ObjectNode) target : YAML.createObjectNode();
            patch.properties().forEach(field -> {
                if (field.getValue().isNull()) {
                    merged.remove(field.getKey());
                } else {
                    JsonNode existing = merged.get(field.getKey());
                    merged.set(
                            field.getKey(),
                            mergePatch(existing == null ? YAML.createObjectNode() : existing, field.getValue()));
                }
            });
            return merged;
        }
    }
}
