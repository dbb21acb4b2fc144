package dev.pointsman.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pointsman.cli.Main;
import dev.pointsman.flink.job.JobArgs;
import dev.pointsman.flink.job.JobSettings;
import dev.pointsman.flink.job.RoutingJobMain;
import dev.pointsman.streams.StreamsApp;
import dev.pointsman.streams.StreamsMain;
import dev.pointsman.topics.KafkaAcls;
import dev.pointsman.topics.Replication;
import dev.pointsman.topics.TopicSpec;
import dev.pointsman.topics.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code k8s/}: both overlays render with {@code kubectl kustomize}, and every rendered object is
 * checked against the schema of its kind. The Flink Kubernetes Operator's FlinkDeployment against
 * the operator's CRD (its openAPIV3Schema, strictly: a field the schema does not declare is an
 * error, as kubeconform's strict mode has it); Strimzi's Kafka, KafkaNodePool and KafkaTopic
 * against Strimzi's API model, from which its CRDs are generated; the built-in kinds against
 * fabric8's Kubernetes model, generated from Kubernetes' OpenAPI. Then what the manifests say is
 * checked against the code: the topics are {@link Topics#all}, and each component's arguments, with
 * the ConfigMap's values and the Secrets' files as the pods would see them, parse into the settings
 * the component would start with.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class K8sManifestsTest {
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final Pattern ENV_REF = Pattern.compile("\\$\\(([A-Z_]+)\\)");

    /**
     * Kinds whose schema is a model class: fabric8's (built-in kinds) or Strimzi's; a field the
     * class does not know lands in its additional properties.
     */
    private static final Map<String, String> MODELS =
            Map.ofEntries(
                    Map.entry("Namespace", "io.fabric8.kubernetes.api.model.Namespace"),
                    Map.entry("ConfigMap", "io.fabric8.kubernetes.api.model.ConfigMap"),
                    Map.entry("Secret", "io.fabric8.kubernetes.api.model.Secret"),
                    Map.entry("Service", "io.fabric8.kubernetes.api.model.Service"),
                    Map.entry("Deployment", "io.fabric8.kubernetes.api.model.apps.Deployment"),
                    Map.entry("StatefulSet", "io.fabric8.kubernetes.api.model.apps.StatefulSet"),
                    Map.entry(
                            "HorizontalPodAutoscaler",
                            "io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler"),
                    Map.entry("Kafka", "io.strimzi.api.kafka.model.kafka.Kafka"),
                    Map.entry("KafkaNodePool", "io.strimzi.api.kafka.model.nodepool.KafkaNodePool"),
                    Map.entry("KafkaTopic", "io.strimzi.api.kafka.model.topic.KafkaTopic"),
                    Map.entry("KafkaUser", "io.strimzi.api.kafka.model.user.KafkaUser"));

    @TempDir Path dir;

    private Map<String, List<JsonNode>> rendered;

    @BeforeAll
    void render() throws Exception {
        assumeTrue(
                kustomizeVersion().matches("v[5-9].*"),
                "needs kubectl with kustomize v5 (this kind of machine has it; got '"
                        + kustomizeVersion()
                        + "')");
        rendered = new LinkedHashMap<>();
        for (String overlay : List.of("gpu", "cpu")) {
            rendered.put(overlay, kustomize(repoRoot().resolve("k8s/overlays/" + overlay)));
        }
    }

    /** Strimzi's CRDs, from its API's test jar, by kind. */
    private static final Map<String, String> STRIMZI_CRDS =
            Map.of(
                    "Kafka", "crds/v1/040-Crd-kafka.yaml",
                    "KafkaTopic", "crds/v1/043-Crd-kafkatopic.yaml",
                    "KafkaNodePool", "crds/v1/045-Crd-kafkanodepool.yaml",
                    "KafkaUser", "crds/v1/044-Crd-kafkauser.yaml");

    @Test
    void everyRenderedObjectMatchesTheSchemaOfItsKind() throws Exception {
        JsonNode flinkSchema = flinkDeploymentSchema();
        Map<String, JsonNode> strimziSchemas = new HashMap<>();
        for (Map.Entry<String, String> crd : STRIMZI_CRDS.entrySet()) {
            strimziSchemas.put(crd.getKey(), crdSchema(crd.getValue(), "v1"));
        }
        for (Map.Entry<String, List<JsonNode>> overlay : rendered.entrySet()) {
            List<String> errors = new ArrayList<>();
            for (JsonNode object : overlay.getValue()) {
                String kind = object.path("kind").asText();
                String where = overlay.getKey() + ": " + kind + " " + name(object);
                if (kind.equals("FlinkDeployment")) {
                    assertThat(object.path("apiVersion").asText())
                            .isEqualTo("flink.apache.org/v1beta1");
                    validateResource(flinkSchema, object, where, errors);
                } else {
                    assertThat(MODELS).as("a schema for %s", where).containsKey(kind);
                    if (kind.startsWith("Kafka")) {
                        assertThat(object.path("apiVersion").asText())
                                .as(where)
                                .isEqualTo("kafka.strimzi.io/v1");
                        validateResource(strimziSchemas.get(kind), object, where, errors);
                    }
                    Object model = YAML.treeToValue(object, Class.forName(MODELS.get(kind)));
                    unknownFields(model, where, errors);
                }
            }
            assertThat(errors).as("schema errors").isEmpty();
            assertThat(overlay.getValue())
                    .extracting(o -> o.path("kind").asText())
                    .contains(
                            "Kafka",
                            "KafkaNodePool",
                            "KafkaTopic",
                            "KafkaUser",
                            "FlinkDeployment",
                            "Deployment",
                            "HorizontalPodAutoscaler",
                            "StatefulSet",
                            "Service",
                            "ConfigMap",
                            "Secret");
        }
    }

    @Test
    void theSchemaCheckCatchesAMisspelledField() throws Exception {
        List<String> errors = new ArrayList<>();
        JsonNode flink = one("gpu", "FlinkDeployment").deepCopy();
        ((ObjectNode) flink.path("spec").path("job")).put("upgradeMod", "savepoint");
        validateResource(flinkDeploymentSchema(), flink, "FlinkDeployment", errors);
        JsonNode pool = all("gpu", "KafkaNodePool").get(0).deepCopy();
        ((ObjectNode) pool.path("spec")).put("replica", 3);
        unknownFields(
                YAML.treeToValue(pool, Class.forName(MODELS.get("KafkaNodePool"))),
                "KafkaNodePool",
                errors);
        validateResource(
                crdSchema(STRIMZI_CRDS.get("KafkaNodePool"), "v1"), pool, "KafkaNodePool", errors);
        JsonNode deployment = one("gpu", "Deployment").deepCopy();
        ((ObjectNode) deployment.path("spec").path("template").path("spec")).put("toleration", 1);
        unknownFields(
                YAML.treeToValue(deployment, Class.forName(MODELS.get("Deployment"))),
                "Deployment",
                errors);
        // the node pool's misspelling twice: Strimzi's model and its CRD
        assertThat(errors).hasSize(4);
        assertThat(errors.get(0)).contains("spec.job.upgradeMod: unknown field");
        assertThat(errors.get(1)).contains("unknown fields [replica]");
        assertThat(errors.get(2)).contains("spec.replica: unknown field");
        assertThat(errors.get(3)).contains("toleration");
    }

    @Test
    void theTopicsAreTheOnesTheComponentsWouldCreate() {
        Map<String, JsonNode> topics = new HashMap<>();
        for (JsonNode t : all("gpu", "KafkaTopic")) {
            assertThat(t.path("metadata").path("labels").path("strimzi.io/cluster").asText())
                    .isEqualTo(name(one("gpu", "Kafka")));
            topics.put(t.path("spec").path("topicName").asText(), t.path("spec"));
        }
        List<TopicSpec> expected =
                Topics.all(12, new Replication((short) 3, 2), Duration.ofDays(7));
        assertThat(topics.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        expected.stream().map(TopicSpec::name).toList());
        for (TopicSpec spec : expected) {
            JsonNode t = topics.get(spec.name());
            assertThat(t.path("partitions").asInt()).as(spec.name()).isEqualTo(spec.partitions());
            assertThat(t.path("replicas").asInt())
                    .as(spec.name())
                    .isEqualTo(spec.replication().replicas());
            Map<String, String> config = new HashMap<>();
            t.path("config")
                    .fields()
                    .forEachRemaining(e -> config.put(e.getKey(), e.getValue().asText()));
            assertThat(config).as(spec.name()).isEqualTo(spec.configs());
        }
        assertThat(env("gpu", one("gpu", "Deployment")).get("PARTITIONS")).isEqualTo("12");
    }

    @Test
    void theJobsArgumentsAreValidJobSettingsAndItsStateGoesToObjectStorage() throws Exception {
        JsonNode flink = one("gpu", "FlinkDeployment");
        JsonNode spec = flink.path("spec");
        assertThat(spec.path("job").path("entryClass").asText())
                .isEqualTo(RoutingJobMain.class.getName());
        assertThat(spec.path("job").path("upgradeMode").asText()).isEqualTo("savepoint");
        JsonNode conf = spec.path("flinkConfiguration");
        assertThat(conf.path("high-availability.type").asText()).isEqualTo("kubernetes");
        assertThat(conf.path("state.backend.type").asText()).isEqualTo("rocksdb");
        assertThat(conf.path("high-availability.storageDir").asText()).startsWith("s3://");

        JsonNode pod = spec.path("podTemplate").path("spec");
        List<String> args = args("gpu", pod, strings(spec.path("job").path("args")));
        JobSettings settings = JobArgs.parse(args).settings();
        assertThat(settings.checkpoints().toString())
                .isEqualTo(conf.path("execution.checkpointing.dir").asText());
        assertThat(JobSettings.savepoints(settings.checkpoints()))
                .isEqualTo(conf.path("execution.checkpointing.savepoint-dir").asText());
        assertThat(settings.bootstrapServers()).isEqualTo("pointsman-kafka-bootstrap:9093");
        assertThat(settings.kafka().properties())
                .containsEntry("client.dns.lookup", "use_all_dns_ips")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
        // The bootstrap address is the Service Strimzi makes for the cluster's plain listener.
        JsonNode listener = one("gpu", "Kafka").path("spec").path("kafka").path("listeners").get(0);
        assertThat(listener.path("tls").asBoolean()).isTrue();
        assertThat(listener.path("authentication").path("type").asText())
                .isEqualTo("scram-sha-512");
        assertThat(
                        one("gpu", "Kafka")
                                .path("spec")
                                .path("kafka")
                                .path("authorization")
                                .path("type")
                                .asText())
                .isEqualTo("simple");
        assertThat(settings.bootstrapServers())
                .isEqualTo(
                        name(one("gpu", "Kafka"))
                                + "-kafka-bootstrap:"
                                + listener.path("port").asInt());
    }

    @Test
    void theEmbedWorkersAskForAGpuUnlessTheCpuOverlayAndTheirArgumentsParse() throws Exception {
        for (String overlay : List.of("gpu", "cpu")) {
            JsonNode pod = one(overlay, "Deployment").path("spec").path("template").path("spec");
            JsonNode container = pod.path("containers").get(0);
            List<String> args = args(overlay, pod, strings(container.path("args")));
            CommandLine.ParseResult parsed =
                    Main.commandLine()
                            .parseArgs(concat("embed-worker", args).toArray(String[]::new));
            CommandLine.ParseResult worker = parsed.subcommand();
            assertThat(worker.matchedOptionValue("--transactional-id", "")).isEqualTo("pod-0");
            boolean gpu = overlay.equals("gpu");
            assertThat(worker.hasMatchedOption("--cuda")).as(overlay).isEqualTo(gpu);
            assertThat(container.path("resources").path("limits").has("nvidia.com/gpu"))
                    .as(overlay)
                    .isEqualTo(gpu);
            assertThat(container.path("image").asText())
                    .isEqualTo(
                            gpu
                                    ? "pointsman/embed-worker-gpu:0.1.0"
                                    : "pointsman/embed-worker:0.1.0");
        }
        JsonNode hpa = one("gpu", "HorizontalPodAutoscaler").path("spec");
        assertThat(hpa.path("scaleTargetRef").path("name").asText())
                .isEqualTo(name(one("gpu", "Deployment")));
        assertThat(hpa.path("metrics").get(0).path("external").path("metric").path("name").asText())
                .isEqualTo("kafka_consumergroup_lag");
    }

    @Test
    void theStreamsAppsArgumentsParseIntoItsSettings() throws Exception {
        JsonNode set = one("gpu", "StatefulSet").path("spec");
        JsonNode pod = set.path("template").path("spec");
        List<String> args = args("gpu", pod, strings(pod.path("containers").get(0).path("args")));
        StreamsApp.Settings s = StreamsMain.parse(args);
        assertThat(s.bootstrap()).isEqualTo("pointsman-kafka-bootstrap:9093");
        assertThat(s.partitions()).isEqualTo(12);
        assertThat(s.standbyReplicas()).isEqualTo(1);
        assertThat(s.api().tokens()).containsOnlyKeys("default");
        assertThat(s.api().advertised())
                .isEqualTo("pod-0." + set.path("serviceName").asText() + ":8080");
        assertThat(s.kafka().properties()).containsEntry("client.dns.lookup", "use_all_dns_ips");
        assertThat(
                        all("gpu", "Service").stream()
                                .filter(svc -> name(svc).equals(set.path("serviceName").asText()))
                                .findFirst()
                                .orElseThrow()
                                .path("spec")
                                .path("clusterIP")
                                .asText())
                .isEqualTo("None");
    }

    @Test
    void eachComponentLogsInAsItsOwnKafkaUserWithExactlyTheAclsItNeeds() throws Exception {
        JsonNode jobPod =
                one("gpu", "FlinkDeployment").path("spec").path("podTemplate").path("spec");
        JobSettings job =
                JobArgs.parse(
                                args(
                                        "gpu",
                                        jobPod,
                                        strings(
                                                one("gpu", "FlinkDeployment")
                                                        .path("spec")
                                                        .path("job")
                                                        .path("args"))))
                        .settings();
        JsonNode workerPod = one("gpu", "Deployment").path("spec").path("template").path("spec");
        String workerGroup =
                Main.commandLine()
                        .parseArgs(
                                concat(
                                                "embed-worker",
                                                args(
                                                        "gpu",
                                                        workerPod,
                                                        strings(
                                                                workerPod
                                                                        .path("containers")
                                                                        .get(0)
                                                                        .path("args"))))
                                        .toArray(String[]::new))
                        .subcommand()
                        .matchedOptionValue("--group", "pointsman-embed-worker");
        JsonNode streamsPod = one("gpu", "StatefulSet").path("spec").path("template").path("spec");
        StreamsApp.Settings streams =
                StreamsMain.parse(
                        args(
                                "gpu",
                                streamsPod,
                                strings(streamsPod.path("containers").get(0).path("args"))));

        Map<JsonNode, List<AclBinding>> expected = new LinkedHashMap<>();
        expected.put(jobPod, KafkaAcls.job("User:" + kafkaUser(jobPod), job.group()));
        expected.put(
                workerPod,
                KafkaAcls.embedWorker("User:" + kafkaUser(workerPod), workerGroup, workerGroup));
        expected.put(
                streamsPod,
                KafkaAcls.streams(
                        "User:" + kafkaUser(streamsPod),
                        streams.applicationId(),
                        streams.api().jobGroup()));
        List<String> users = new ArrayList<>();
        for (Map.Entry<JsonNode, List<AclBinding>> e : expected.entrySet()) {
            String user = kafkaUser(e.getKey());
            users.add(user);
            assertThat(acls(byName("gpu", "KafkaUser", user)))
                    .as("the ACLs of KafkaUser " + user)
                    .containsExactlyInAnyOrderElementsOf(e.getValue());
        }
        assertThat(users).doesNotHaveDuplicates();
        // the embed workers' transactional ids are their pod names, under the granted prefix
        assertThat(strings(workerPod.path("containers").get(0).path("args")))
                .contains("--transactional-id=$(POD_NAME)");
        assertThat(name(one("gpu", "Deployment"))).startsWith(workerGroup);
    }

    /** The KafkaUser whose Secret a pod mounts as its Kafka credentials. */
    private static String kafkaUser(JsonNode pod) {
        for (JsonNode v : pod.path("volumes")) {
            if (v.path("name").asText().equals("kafka-user")) {
                return v.path("secret").path("secretName").asText();
            }
        }
        throw new AssertionError("no kafka-user volume in " + pod);
    }

    /** A KafkaUser's ACL rules as Kafka's bindings for its SCRAM principal. */
    private static List<AclBinding> acls(JsonNode user) {
        List<AclBinding> out = new ArrayList<>();
        for (JsonNode rule : user.path("spec").path("authorization").path("acls")) {
            JsonNode r = rule.path("resource");
            var pattern =
                    new ResourcePattern(
                            switch (r.path("type").asText()) {
                                case "topic" -> ResourceType.TOPIC;
                                case "group" -> ResourceType.GROUP;
                                case "cluster" -> ResourceType.CLUSTER;
                                case "transactionalId" -> ResourceType.TRANSACTIONAL_ID;
                                default -> throw new AssertionError(r.toString());
                            },
                            r.path("name").asText(),
                            r.path("patternType").asText("literal").equals("prefix")
                                    ? PatternType.PREFIXED
                                    : PatternType.LITERAL);
            for (JsonNode op : rule.path("operations")) {
                out.add(
                        new AclBinding(
                                pattern,
                                new AccessControlEntry(
                                        "User:" + name(user),
                                        rule.path("host").asText("*"),
                                        AclOperation.valueOf(
                                                op.asText()
                                                        .replaceAll("([a-z])([A-Z])", "$1_$2")
                                                        .toUpperCase(Locale.ROOT)),
                                        AclPermissionType.ALLOW)));
            }
        }
        return out;
    }

    // ---- rendering -------------------------------------------------------------------------

    private static String kustomizeVersion() {
        try {
            Process p =
                    new ProcessBuilder("kubectl", "version", "--client", "-o", "yaml")
                            .redirectErrorStream(true)
                            .start();
            byte[] out = p.getInputStream().readAllBytes();
            p.waitFor(60, TimeUnit.SECONDS);
            return YAML.readTree(out).path("kustomizeVersion").asText("none");
        } catch (IOException | InterruptedException e) {
            return "none (" + e.getMessage() + ")";
        }
    }

    private static List<JsonNode> kustomize(Path overlay) throws Exception {
        Process p =
                new ProcessBuilder("kubectl", "kustomize", overlay.toString())
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("kubectl kustomize " + overlay).isZero();
        List<JsonNode> objects = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(out)) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(objects::add);
        }
        return objects;
    }

    static Path repoRoot() {
        Path here = Path.of("").toAbsolutePath();
        while (here != null && !Files.isDirectory(here.resolve("k8s"))) {
            here = here.getParent();
        }
        assertThat(here).as("a k8s/ directory above the working directory").isNotNull();
        return here;
    }

    private List<JsonNode> all(String overlay, String kind) {
        return rendered.get(overlay).stream()
                .filter(o -> o.path("kind").asText().equals(kind))
                .toList();
    }

    private JsonNode one(String overlay, String kind) {
        List<JsonNode> found = all(overlay, kind);
        assertThat(found).as("%s in %s", kind, overlay).hasSize(1);
        return found.get(0);
    }

    private static String name(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static List<String> concat(String first, List<String> rest) {
        List<String> out = new ArrayList<>();
        out.add(first);
        out.addAll(rest);
        return out;
    }

    // ---- a pod's view: its environment and mounted files -----------------------------------

    /** The ConfigMap's values a pod gets from envFrom, and POD_NAME as its first pod's name. */
    private Map<String, String> env(String overlay, JsonNode podOwner) {
        JsonNode pod =
                podOwner.path("spec").path("template").path("spec").isMissingNode()
                        ? podOwner
                        : podOwner.path("spec").path("template").path("spec");
        Map<String, String> env = new HashMap<>();
        env.put("POD_NAME", "pod-0");
        for (JsonNode container : pod.path("containers")) {
            for (JsonNode from : container.path("envFrom")) {
                String map = from.path("configMapRef").path("name").asText();
                JsonNode cm = byName(overlay, "ConfigMap", map);
                cm.path("data")
                        .fields()
                        .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
            }
        }
        return env;
    }

    /**
     * {@code args} as the pod's container would run them: {@code $(VAR)} expanded from its
     * environment, and paths under its Secret mounts pointing at those Secrets' files, written out
     * under a temporary directory.
     */
    private List<String> args(String overlay, JsonNode pod, List<String> args) throws IOException {
        Map<String, String> env = env(overlay, pod);
        Map<String, Path> mounts = new HashMap<>();
        JsonNode container = pod.path("containers").get(0);
        for (JsonNode mount : container.path("volumeMounts")) {
            JsonNode volume = null;
            for (JsonNode v : pod.path("volumes")) {
                if (v.path("name").asText().equals(mount.path("name").asText())) {
                    volume = v;
                }
            }
            if (volume == null || (!volume.has("secret") && !volume.has("configMap"))) {
                continue; // a volume claim: nothing the arguments read
            }
            boolean isSecret = volume.has("secret");
            JsonNode source = isSecret ? volume.path("secret") : volume.path("configMap");
            String sourceName = source.path(isSecret ? "secretName" : "name").asText();
            if (isSecret && !rendered(overlay, "Secret", sourceName)) {
                // made by Strimzi: a KafkaUser's credentials or the cluster CA's certificate
                assertThat(strimziSecrets(overlay))
                        .as("who makes Secret " + sourceName)
                        .contains(sourceName);
                continue;
            }
            JsonNode secret = byName(overlay, isSecret ? "Secret" : "ConfigMap", sourceName);
            Path local = dir.resolve(overlay + mount.path("mountPath").asText());
            Files.createDirectories(local);
            Map<String, String> paths = new HashMap<>();
            secret.path("data").fieldNames().forEachRemaining(k -> paths.put(k, k));
            if (source.has("items")) {
                paths.clear();
                for (JsonNode item : source.path("items")) {
                    paths.put(item.path("key").asText(), item.path("path").asText());
                }
            }
            for (Map.Entry<String, String> p : paths.entrySet()) {
                JsonNode value = secret.path("data").path(p.getKey());
                assertThat(value.isMissingNode())
                        .as("key %s of Secret %s", p.getKey(), name(secret))
                        .isFalse();
                Files.write(
                        local.resolve(p.getValue()),
                        isSecret
                                ? Base64.getMimeDecoder().decode(value.asText())
                                : value.asText().getBytes(StandardCharsets.UTF_8));
            }
            mounts.put(mount.path("mountPath").asText(), local);
        }
        List<String> out = new ArrayList<>();
        for (String arg : args) {
            Matcher m = ENV_REF.matcher(arg);
            StringBuilder expanded = new StringBuilder();
            while (m.find()) {
                assertThat(env).as("the variable in " + arg).containsKey(m.group(1));
                m.appendReplacement(expanded, Matcher.quoteReplacement(env.get(m.group(1))));
            }
            m.appendTail(expanded);
            String value = expanded.toString();
            for (Map.Entry<String, Path> mount : mounts.entrySet()) {
                value = value.replace(mount.getKey() + "/", mount.getValue() + "/");
            }
            out.add(value);
        }
        return out;
    }

    private boolean rendered(String overlay, String kind, String name) {
        return all(overlay, kind).stream().anyMatch(o -> name(o).equals(name));
    }

    /** The Secrets Strimzi makes: one per KafkaUser, and the cluster CA's certificate. */
    private List<String> strimziSecrets(String overlay) {
        List<String> out = new ArrayList<>();
        all(overlay, "KafkaUser").forEach(u -> out.add(name(u)));
        all(overlay, "Kafka").forEach(k -> out.add(name(k) + "-cluster-ca-cert"));
        return out;
    }

    private JsonNode byName(String overlay, String kind, String name) {
        return all(overlay, kind).stream()
                .filter(o -> name(o).equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(kind + " " + name + " is not rendered"));
    }

    // ---- schemas -----------------------------------------------------------------------------

    /** The openAPIV3Schema of {@code version} in the CRD at {@code resource} on the class path. */
    private static JsonNode crdSchema(String resource, String version) throws IOException {
        try (InputStream in =
                K8sManifestsTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource + " on the test class path").isNotNull();
            for (JsonNode v : YAML.readTree(in).path("spec").path("versions")) {
                if (v.path("name").asText().equals(version)) {
                    return v.path("schema").path("openAPIV3Schema");
                }
            }
            throw new AssertionError(resource + " has no version " + version);
        }
    }

    /**
     * The FlinkDeployment CRD's schema from the operator's API jar (1.10.0, the newest on Maven
     * Central here). That release predates Flink 2: its flinkVersion enum is extended with the
     * values operator 1.13 takes for Flink 2.0 to 2.2, and nothing else is changed.
     */
    private static JsonNode flinkDeploymentSchema() throws IOException {
        try (InputStream in =
                RoutingJobMain.class
                        .getClassLoader()
                        .getResourceAsStream(
                                "META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml")) {
            assertThat(in).as("the FlinkDeployment CRD on the test class path").isNotNull();
            JsonNode crd = YAML.readTree(in);
            JsonNode schema =
                    crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema");
            ArrayNode versions =
                    (ArrayNode)
                            schema.path("properties")
                                    .path("spec")
                                    .path("properties")
                                    .path("flinkVersion")
                                    .path("enum");
            versions.add("v2_0").add("v2_1").add("v2_2");
            return schema;
        }
    }

    /**
     * A custom resource against its CRD's schema, which leaves out what every object has
     * (apiVersion, kind, metadata: the API server checks those itself).
     */
    static void validateResource(
            JsonNode schema, JsonNode resource, String path, List<String> errors) {
        ObjectNode body = resource.deepCopy();
        body.remove(List.of("apiVersion", "kind", "metadata"));
        validate(schema, body, path, errors);
    }

    /** A structural-schema check of {@code value} (the subset of OpenAPI v3 CRDs use). */
    static void validate(JsonNode schema, JsonNode value, String path, List<String> errors) {
        boolean intOrString = schema.path("x-kubernetes-int-or-string").asBoolean(false);
        String type = schema.path("type").asText("");
        if (intOrString) {
            if (!value.isIntegralNumber() && !value.isTextual()) {
                errors.add(path + ": expected an integer or a string, got " + value);
            }
            return;
        }
        boolean ok =
                switch (type) {
                    case "object" -> value.isObject();
                    case "array" -> value.isArray();
                    case "string" -> value.isTextual();
                    case "integer" -> value.isIntegralNumber();
                    case "number" -> value.isNumber();
                    case "boolean" -> value.isBoolean();
                    default -> true;
                };
        if (!ok) {
            errors.add(path + ": expected " + type + ", got " + value);
            return;
        }
        if (schema.has("enum")) {
            boolean listed = false;
            for (JsonNode allowed : schema.path("enum")) {
                listed |= allowed.asText().equals(value.asText());
            }
            if (!listed) {
                errors.add(path + ": " + value + " is not one of " + schema.path("enum"));
            }
        }
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                validate(schema.path("items"), value.get(i), path + "[" + i + "]", errors);
            }
        }
        if (value.isObject()) {
            for (JsonNode required : schema.path("required")) {
                if (!value.has(required.asText())) {
                    errors.add(path + ": missing " + required.asText());
                }
            }
            boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
            JsonNode properties = schema.path("properties");
            JsonNode additional = schema.path("additionalProperties");
            value.fields()
                    .forEachRemaining(
                            field -> {
                                String at = path + "." + field.getKey();
                                if (properties.has(field.getKey())) {
                                    validate(
                                            properties.get(field.getKey()),
                                            field.getValue(),
                                            at,
                                            errors);
                                } else if (additional.isObject()) {
                                    validate(additional, field.getValue(), at, errors);
                                } else if (!preserve
                                        && !additional.asBoolean(false)
                                        && !path.endsWith(".metadata")) {
                                    errors.add(at + ": unknown field");
                                }
                            });
        }
    }

    /**
     * Fields a model class did not know (its additional properties), anywhere in {@code model}'s
     * tree.
     */
    static void unknownFields(Object model, String path, List<String> errors) {
        if (model == null
                || model instanceof String
                || model instanceof Number
                || model instanceof Boolean
                || model instanceof Enum<?>) {
            return;
        }
        if (model instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                unknownFields(list.get(i), path + "[" + i + "]", errors);
            }
            return;
        }
        if (model instanceof Map<?, ?> map) {
            map.forEach((k, v) -> unknownFields(v, path + "." + k, errors));
            return;
        }
        String pkg = model.getClass().getPackageName();
        if (!pkg.startsWith("io.fabric8.kubernetes.api.model")
                && !pkg.startsWith("io.strimzi.api")) {
            return;
        }
        for (Method m : model.getClass().getMethods()) {
            if (m.getParameterCount() != 0
                    || Modifier.isStatic(m.getModifiers())
                    || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = m.invoke(model);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;
            }
            if (m.getName().equals("getAdditionalProperties")) {
                String error = path + ": unknown fields ";
                if (value instanceof Map<?, ?> extra
                        && !extra.isEmpty()
                        && !errors.contains(error + extra.keySet())) {
                    errors.add(error + extra.keySet()); // once, if two getters lead here
                }
                continue;
            }
            unknownFields(value, path + "." + m.getName().substring(3), errors);
        }
    }
}
