package io.sluice.manifests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.ComputationalGraph;
import io.sluice.Sinks;
import io.sluice.Sources;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ContainerCondition;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerDependency;
import software.amazon.awssdk.services.ecs.model.CreateServiceRequest;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Secret;

class EcsManifestsTest {

    private static final String PIPELINE = "graph: shop\n";

    private static ComputationalGraph graph() {
        return ComputationalGraph.builder("shop")
                .start("orders", Sources.collection(List.of(1)))
                .end("ledger", Sinks.collect())
                .edge("orders -> ledger")
                .build();
    }

    private static Map<String, Object> generated() {
        return EcsManifests.generate(
                graph(), PIPELINE, EcsOptions.of("kafka:9092").withNetwork(List.of("subnet-1"), List.of("sg-1")));
    }

    @Test
    void everyTaskDefinitionAndServiceIsWritten() {
        assertThat(generated().keySet())
                .containsExactly(
                        "shop-topics-task-definition.json",
                        "shop-orders-task-definition.json",
                        "shop-orders-service.json",
                        "shop-ledger-task-definition.json",
                        "shop-ledger-service.json",
                        "shop-api-task-definition.json",
                        "shop-api-service.json");
    }

    @Test
    void workerTaskDefinitionMatchesTheGoldenFile() throws Exception {
        Path golden = Path.of("src/test/resources/golden/shop-orders-task-definition.json");
        String json = EcsManifests.json(generated().get("shop-orders-task-definition.json"));
        if (!Files.exists(golden)) {
            Files.writeString(golden, json);
        }
        assertThat(json).isEqualTo(Files.readString(golden));
    }

    @Test
    void everyFileReadsBackThroughTheSdkModelUnchanged() throws Exception {
        for (Map.Entry<String, Object> file : generated().entrySet()) {
            Object back = EcsManifests.read(file.getKey(), EcsManifests.json(file.getValue()));
            assertThat(back).as(file.getKey()).isEqualTo(file.getValue());
        }
        RegisterTaskDefinitionRequest worker =
                (RegisterTaskDefinitionRequest) generated().get("shop-orders-task-definition.json");
        assertThat(worker.containerDefinitions().get(0).command().get(0))
                .endsWith("exec /opt/sluice/bin/sluice worker /tmp/pipeline.yaml --node orders --bootstrap kafka:9092"
                        + " --health-port 8081");
        assertThat(worker.containerDefinitions().get(0).environment().get(0).value())
                .isEqualTo(PIPELINE);
        CreateServiceRequest service = (CreateServiceRequest) generated().get("shop-orders-service.json");
        assertThat(service.launchType()).isEqualTo(LaunchType.FARGATE);
        assertThat(service.networkConfiguration().awsvpcConfiguration().subnets())
                .containsExactly("subnet-1");
    }

    @Test
    void withAnInstancePerTaskEachInstanceIsATaskDefinitionAndServiceNamingIt() throws Exception {
        ComputationalGraph wide = ComputationalGraph.builder("shop")
                .start("orders", Sources.collection(List.of(1)))
                .end("ledger", Sinks.collect())
                .parallelism(3)
                .edge("orders -> ledger")
                .build();
        Map<String, Object> files = EcsManifests.generate(
                wide,
                PIPELINE,
                EcsOptions.of("kafka:9092")
                        .withNetwork(List.of("subnet-1"), List.of("sg-1"))
                        .withInstancePerTask(true));

        assertThat(files.keySet())
                .contains(
                        "shop-orders-0-task-definition.json",
                        "shop-ledger-0-task-definition.json",
                        "shop-ledger-1-service.json",
                        "shop-ledger-2-task-definition.json")
                .doesNotContain("shop-ledger-3-task-definition.json", "shop-ledger-task-definition.json");
        for (int i = 0; i < 3; i++) {
            // read back through the SDK's model, as the aws command reads the file
            RegisterTaskDefinitionRequest task = (RegisterTaskDefinitionRequest) EcsManifests.read(
                    "shop-ledger-" + i + "-task-definition.json",
                    EcsManifests.json(files.get("shop-ledger-" + i + "-task-definition.json")));
            assertThat(task.family()).isEqualTo("shop-ledger-" + i);
            assertThat(task.containerDefinitions().get(0).command().get(0))
                    .endsWith("--node ledger --bootstrap kafka:9092 --health-port 8081 --instance " + i);
            CreateServiceRequest service = (CreateServiceRequest) files.get("shop-ledger-" + i + "-service.json");
            assertThat(service.desiredCount()).isEqualTo(1);
            assertThat(service.taskDefinition()).isEqualTo("shop-ledger-" + i);
        }
    }

    @Test
    void apiTaskDefinitionMatchesTheGoldenFile() throws Exception {
        Path golden = Path.of("src/test/resources/golden/shop-api-task-definition.json");
        String json = EcsManifests.json(generated().get("shop-api-task-definition.json"));
        if (!Files.exists(golden)) {
            Files.writeString(golden, json);
        }
        assertThat(json).isEqualTo(Files.readString(golden));
    }

    @Test
    void theApiReadsItsTokenFromASecretTheTaskDefinitionNamesButDoesNotHold() {
        ContainerDefinition api = ((RegisterTaskDefinitionRequest) generated().get("shop-api-task-definition.json"))
                .containerDefinitions()
                .get(0);

        assertThat(api.secrets())
                .containsExactly(Secret.builder()
                        .name("SLUICE_API_TOKEN")
                        .valueFrom("shop-api-token")
                        .build());
        assertThat(api.environment()).extracting(KeyValuePair::name).containsExactly("SLUICE_PIPELINE");
        assertThat(api.command().get(0)).contains(" --host 0.0.0.0 ").doesNotContain("--token");
        for (Map.Entry<String, Object> file : generated().entrySet()) {
            if (file.getValue() instanceof RegisterTaskDefinitionRequest task
                    && !file.getKey().equals("shop-api-task-definition.json")) {
                assertThat(task.containerDefinitions().get(0).secrets())
                        .as(file.getKey() + " serves no API")
                        .isEmpty();
            }
        }
    }

    @Test
    void theTokenSecretAndTheRoleThatReadsItCanBeGiven() {
        String arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop-api-AbCdEf";
        String role = "arn:aws:iam::123456789012:role/sluiceTaskExecution";
        RegisterTaskDefinitionRequest api = (RegisterTaskDefinitionRequest) EcsManifests.generate(
                        graph(),
                        PIPELINE,
                        EcsOptions.of("kafka:9092").withApiTokenSecret(arn).withExecutionRoleArn(role))
                .get("shop-api-task-definition.json");

        assertThat(api.containerDefinitions().get(0).secrets().get(0).valueFrom())
                .isEqualTo(arn);
        assertThat(api.executionRoleArn()).isEqualTo(role);
        assertThatThrownBy(() -> EcsOptions.of("kafka:9092").withApiTokenSecret("shop api token"))
                .hasMessage("EcsOptions.apiTokenSecret: must be the ARN of a Secrets Manager secret, or the ARN or"
                        + " name of an SSM parameter, found 'shop api token'");
    }

    private static final String CLUSTER = "arn:aws:ecs:eu-west-1:123456789012:cluster/streams";
    private static final String EVENTS_ROLE = "arn:aws:iam::123456789012:role/sluiceEvents";

    private static EcsOptions scheduledOptions() {
        return EcsOptions.of("kafka:9092")
                .withNetwork(List.of("subnet-1"), List.of("sg-1"))
                .withCluster(CLUSTER)
                .withScheduleRoleArn(EVENTS_ROLE)
                .withSchedule("0 3 * * MON-FRI");
    }

    private static Map<String, Object> scheduled() {
        return EcsManifests.generate(graph(), PIPELINE, scheduledOptions());
    }

    @Test
    void aScheduledPipelineIsOneTaskDefinitionAndAnEventBridgeRuleStartingIt() throws Exception {
        assertThat(scheduled().keySet())
                .as("no services and no API")
                .containsExactly("shop-task-definition.json", "shop-schedule-rule.json", "shop-schedule-targets.json");

        ObjectMapper json = new ObjectMapper();
        JsonNode rule = json.readTree(EcsManifests.json(scheduled().get("shop-schedule-rule.json")));
        assertThat(rule.get("Name").asText()).isEqualTo("shop-schedule");
        assertThat(rule.get("ScheduleExpression").asText())
                .as("EventBridge's six fields, days of the week by one of the two day fields")
                .isEqualTo("cron(0 3 ? * MON-FRI *)");
        assertThat(rule.get("State").asText()).isEqualTo("ENABLED");

        JsonNode targets = json.readTree(EcsManifests.json(scheduled().get("shop-schedule-targets.json")));
        assertThat(targets.get("Rule").asText()).isEqualTo(rule.get("Name").asText());
        JsonNode target = targets.at("/Targets/0");
        assertThat(target.get("Arn").asText()).isEqualTo(CLUSTER);
        assertThat(target.get("RoleArn").asText()).isEqualTo(EVENTS_ROLE);
        assertThat(target.at("/EcsParameters/TaskDefinitionArn").asText())
                .as("the family registered from shop-task-definition.json, at its latest revision")
                .isEqualTo("arn:aws:ecs:eu-west-1:123456789012:task-definition/shop");
        assertThat(target.at("/EcsParameters/TaskCount").asInt()).isEqualTo(1);
        assertThat(target.at("/EcsParameters/LaunchType").asText()).isEqualTo("FARGATE");
        assertThat(target.at("/EcsParameters/NetworkConfiguration/awsvpcConfiguration/Subnets/0")
                        .asText())
                .isEqualTo("subnet-1");
        assertThat(target.at("/EcsParameters/NetworkConfiguration/awsvpcConfiguration/SecurityGroups/0")
                        .asText())
                .isEqualTo("sg-1");

        RegisterTaskDefinitionRequest task = (RegisterTaskDefinitionRequest) EcsManifests.read(
                "shop-task-definition.json", EcsManifests.json(scheduled().get("shop-task-definition.json")));
        assertThat(task.family()).isEqualTo("shop");
    }

    @Test
    void everyScheduledFileReadsBackThroughTheSdkModelUnchanged() throws Exception {
        for (Map.Entry<String, Object> file : scheduled().entrySet()) {
            Object back = EcsManifests.read(file.getKey(), EcsManifests.json(file.getValue()));
            assertThat(back).as(file.getKey()).isEqualTo(file.getValue());
        }
    }

    @Test
    void scheduledFilesMatchTheGoldenFiles() throws Exception {
        for (Map.Entry<String, Object> file : scheduled().entrySet()) {
            Path golden = Path.of("src/test/resources/golden/scheduled-" + file.getKey());
            String json = EcsManifests.json(file.getValue());
            if (!Files.exists(golden)) {
                Files.writeString(golden, json);
            }
            assertThat(json).as(file.getKey()).isEqualTo(Files.readString(golden));
        }
    }

    @Test
    void theScheduledTaskCreatesFreshTopicsThenRunsEveryWorkerAndEndsWhenAllSucceeded() {
        List<ContainerDefinition> containers =
                ((RegisterTaskDefinitionRequest) scheduled().get("shop-task-definition.json")).containerDefinitions();

        assertThat(containers)
                .extracting(ContainerDefinition::name)
                .containsExactly("topics", "orders", "ledger", "done");
        assertThat(containers.get(0).command().get(0))
                .endsWith("exec /opt/sluice/bin/sluice kafka plan /tmp/pipeline.yaml --create --on-existing fresh"
                        + " --bootstrap kafka:9092");
        ContainerDependency topicsSucceeded = ContainerDependency.builder()
                .containerName("topics")
                .condition(ContainerCondition.SUCCESS)
                .build();
        for (ContainerDefinition worker : containers.subList(1, 3)) {
            assertThat(worker.essential())
                    .as("the first worker to end would stop the others")
                    .isFalse();
            assertThat(worker.dependsOn()).containsExactly(topicsSucceeded);
            assertThat(worker.command().get(0))
                    .endsWith("exec /opt/sluice/bin/sluice worker /tmp/pipeline.yaml --node " + worker.name()
                            + " --bootstrap kafka:9092");
            assertThat(worker.environment().get(0).value()).isEqualTo(PIPELINE);
        }
        ContainerDefinition done = containers.get(3);
        assertThat(done.essential()).isTrue();
        assertThat(done.dependsOn())
                .extracting(ContainerDependency::containerName, ContainerDependency::condition)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("orders", ContainerCondition.SUCCESS),
                        org.assertj.core.groups.Tuple.tuple("ledger", ContainerCondition.SUCCESS));
        assertThat(containers.stream().filter(ContainerDefinition::essential)).containsExactly(done);
    }

    @Test
    void aScheduleSaysWhatEventBridgeStillNeeds() {
        assertThatThrownBy(() -> EcsManifests.generate(
                        graph(), PIPELINE, EcsOptions.of("kafka:9092").withSchedule("0 3 * * *")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "ECS schedule of graph 'shop': an EventBridge target names the cluster by its ARN,"
                                + " expected arn:aws:ecs:REGION:ACCOUNT:cluster/NAME (--cluster, EcsOptions.withCluster) but"
                                + " found 'sluice'; the task runs in awsvpc mode and needs subnets (--subnets,"
                                + " EcsOptions.withNetwork), found none; EventBridge starts the task with a role allowed"
                                + " ecs:RunTask and iam:PassRole (--schedule-role, EcsOptions.withScheduleRoleArn), found none");
    }

    @Test
    void aScheduleEventBridgeCannotSayIsRefusedWhereItIsGiven() {
        assertThatThrownBy(() -> EcsOptions.of("kafka:9092").withSchedule("0 3 1 * MON"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("EcsOptions.schedule: cron expression '0 3 1 * MON': fires on the days that match its day"
                        + " of month or its day of week, and an EventBridge schedule takes only one of the two; leave"
                        + " the other '*'");
        assertThatThrownBy(() -> EcsOptions.of("kafka:9092").withSchedule("0 24 * * *"))
                .hasMessage("EcsOptions.schedule: cron expression '0 24 * * *', hour field: must be from 0 to 23,"
                        + " found 24");
    }

    @Test
    void apiHealthCheckNamesTheHostSoTheApiAnswersIt() throws Exception {
        RegisterTaskDefinitionRequest api =
                (RegisterTaskDefinitionRequest) generated().get("shop-api-task-definition.json");
        List<String> check = api.containerDefinitions().get(0).healthCheck().command();

        HealthCheckRun up = runHealthCheck(check, "HTTP/1.1 200 OK");
        HealthCheckRun misdirected = runHealthCheck(check, "HTTP/1.1 421 Misdirected Request");

        assertThat(up.request()).isEqualTo("GET /health/live HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
        assertThat(up.exit()).as("healthy on 200").isZero();
        assertThat(misdirected.exit()).as("unhealthy otherwise").isNotZero();
    }

    private record HealthCheckRun(String request, int exit) {}

    /** Runs a task's health check as ECS does ({@code CMD bash -c …}), against a socket answering {@code status}. */
    private static HealthCheckRun runHealthCheck(List<String> check, String status) throws Exception {
        assertThat(check.subList(0, 3)).containsExactly("CMD", "bash", "-c");
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(10_000);
            String script = check.get(3).replace("/127.0.0.1/8080 ", "/127.0.0.1/" + server.getLocalPort() + " ");
            Process process = new ProcessBuilder("bash", "-c", script)
                    .redirectErrorStream(true)
                    .start();
            String request;
            try (Socket client = server.accept()) {
                request = head(client.getInputStream());
                client.getOutputStream()
                        .write((status + "\r\nContent-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
            }
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
            return new HealthCheckRun(request, process.exitValue());
        }
    }

    /** A request's head, up to and with the blank line that ends it. */
    private static String head(InputStream in) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        while (!bytes.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            bytes.write(b);
        }
        return bytes.toString(StandardCharsets.US_ASCII);
    }
}
