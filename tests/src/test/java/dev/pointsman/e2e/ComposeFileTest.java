package dev.pointsman.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.pointsman.cli.Main;
import dev.pointsman.flink.job.JobArgs;
import dev.pointsman.flink.job.JobSettings;
import dev.pointsman.flink.job.RoutingJobMain;
import dev.pointsman.streams.StreamsApp;
import dev.pointsman.streams.StreamsMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code docker-compose.yml}: Debian's {@code docker-compose config} validates it and its {@code
 * .env} (no container runs here), and what it says is checked against the code: the job's, the
 * embed worker's and the streams app's arguments, with the bind-mounted files as the containers see
 * them, parse into the settings each would start with; Prometheus scrapes the ports those settings
 * serve metrics on; and the Grafana dashboard and the alerting rules query only metrics the
 * components export ({@link #EXPORTED}, which the components' own tests check against their live
 * {@code /metrics}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ComposeFileTest {
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final Pattern METRIC =
            Pattern.compile("\\b(pointsman_[a-z_]+|flink_[A-Za-z_]+)");

    /**
     * The metric names the dashboard and rules may use: the streams app's and the embed worker's
     * (StreamsAppIT and EmbedWorkerIT check each is served), and Flink's JobManager job metrics.
     */
    static final Set<String> EXPORTED =
            Set.of(
                    "pointsman_streams_window_auc",
                    "pointsman_streams_window_global_trend_auc",
                    "pointsman_streams_window_oracle_auc",
                    "pointsman_streams_window_queries",
                    "pointsman_streams_window_mean_cost",
                    "pointsman_streams_window_lambda",
                    "pointsman_streams_window_spend",
                    "pointsman_streams_window_budget",
                    "pointsman_streams_window_ood_share",
                    "pointsman_streams_window_drift_psi",
                    "pointsman_streams_route_decided_total",
                    "pointsman_streams_route_timeouts_total",
                    "pointsman_streams_route_waiting",
                    "pointsman_streams_http_requests_total",
                    "pointsman_streams_feedback_outcomes_total",
                    "pointsman_streams_outcomes_accepted_total",
                    "pointsman_streams_dlq_total",
                    "pointsman_embed_embedded_total",
                    "pointsman_embed_dead_lettered_total",
                    "pointsman_embed_lag_ms",
                    "pointsman_embed_cuda",
                    "flink_jobmanager_job_lastCheckpointDuration",
                    "flink_jobmanager_job_lastCheckpointSize",
                    "flink_jobmanager_job_numRestarts",
                    "flink_jobmanager_job_uptime");

    private JsonNode services;
    private Path root;

    @BeforeAll
    void render() throws Exception {
        root = K8sManifestsTest.repoRoot();
        assumeTrue(
                runs("docker-compose", "version"),
                "needs Debian's docker-compose (.ci/run installs it)");
        Process p =
                new ProcessBuilder("docker-compose", "--profile", "gpu", "config")
                        .directory(root.toFile())
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("docker-compose config").isZero();
        services = YAML.readTree(out).path("services");
    }

    @Test
    void everyPartIsThere() {
        List<String> names = new ArrayList<>();
        services.fieldNames().forEachRemaining(names::add);
        assertThat(names)
                .contains(
                        "kafka",
                        "jobmanager",
                        "taskmanager",
                        "embed-worker",
                        "embed-worker-gpu",
                        "streams",
                        "prometheus",
                        "grafana");
    }

    @Test
    void theJobRunsInApplicationModeWithRocksDbAndCheckpointsOnAVolume() throws Exception {
        JsonNode jm = services.path("jobmanager");
        List<String> command = K8sManifestsTest.strings(jm.path("command"));
        assertThat(command.subList(0, 3))
                .containsExactly(
                        "standalone-job", "--job-classname", RoutingJobMain.class.getName());
        Map<String, String> flink = flinkProperties(jm);
        assertThat(flink).containsEntry("state.backend.type", "rocksdb");
        JobArgs.Parsed parsed = JobArgs.parse(asMounted(jm, command.subList(3, command.size())));
        JobSettings s = parsed.settings();
        assertThat(parsed.resumeLatest()).as("resumes after a restart without HA").isTrue();
        assertThat(s.checkpoints().toString()).isEqualTo(flink.get("execution.checkpointing.dir"));
        assertThat(JobSettings.savepoints(s.checkpoints()))
                .isEqualTo(flink.get("execution.checkpointing.savepoint-dir"));
        assertThat(mountTargets(jm)).contains("/checkpoints");
        assertThat(mountTargets(services.path("taskmanager"))).contains("/checkpoints");
        assertThat(flinkProperties(services.path("taskmanager")))
                .containsEntry("jobmanager.rpc.address", "jobmanager");
        assertThat(s.bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(s.kafka().properties()).containsEntry("client.dns.lookup", "use_all_dns_ips");
    }

    @Test
    void theWorkersAndTheStreamsAppParseTheirArgumentsAndPrometheusScrapesThem() throws Exception {
        Set<String> targets = new HashSet<>();
        JsonNode prometheus = YAML.readTree(root.resolve("deploy/prometheus.yml").toFile());
        for (JsonNode job : prometheus.path("scrape_configs")) {
            for (JsonNode sc : job.path("static_configs")) {
                sc.path("targets").forEach(t -> targets.add(t.asText()));
            }
        }
        for (String worker : List.of("embed-worker", "embed-worker-gpu")) {
            JsonNode service = services.path(worker);
            List<String> args =
                    asMounted(service, K8sManifestsTest.strings(service.path("command")));
            CommandLine.ParseResult parsed =
                    Main.commandLine()
                            .parseArgs(
                                    K8sManifestsTest.concat("embed-worker", args)
                                            .toArray(String[]::new))
                            .subcommand();
            assertThat(parsed.hasMatchedOption("--cuda")).isEqualTo(worker.endsWith("gpu"));
            assertThat(targets)
                    .contains(worker + ":" + parsed.matchedOptionValue("--metrics-port", 0));
        }
        JsonNode streams = services.path("streams");
        StreamsApp.Settings s =
                StreamsMain.parse(
                        asMounted(streams, K8sManifestsTest.strings(streams.path("command"))));
        assertThat(s.api().tokens()).containsKey("support");
        assertThat(targets).contains("streams:" + s.api().port());
        assertThat(s.api().advertised()).isEqualTo("streams:" + s.api().port());
        String promPort =
                flinkProperties(services.path("jobmanager")).get("metrics.reporter.prom.port");
        assertThat(targets).contains("jobmanager:" + promPort, "taskmanager:" + promPort);
    }

    @Test
    void theDashboardAndTheAlertsQueryOnlyExportedMetrics() throws Exception {
        String dashboard =
                Files.readString(root.resolve("deploy/grafana/dashboards/pointsman.json"));
        JsonNode parsed = new ObjectMapper().readTree(dashboard);
        assertThat(parsed.path("panels").size()).isGreaterThan(10);
        Set<String> used = new HashSet<>();
        for (String text :
                List.of(dashboard, Files.readString(root.resolve("deploy/alerts.yml")))) {
            Matcher m = METRIC.matcher(text);
            while (m.find()) {
                used.add(m.group(1));
            }
        }
        assertThat(used).isNotEmpty().isSubsetOf(EXPORTED);
        assertThat(used).contains("pointsman_streams_window_global_trend_auc");
        JsonNode provisioning =
                YAML.readTree(
                        root.resolve("deploy/grafana/provisioning/dashboards/pointsman.yml")
                                .toFile());
        String mounted =
                mountTargets(services.path("grafana")).stream()
                        .filter(t -> t.endsWith("dashboards"))
                        .findFirst()
                        .orElseThrow();
        assertThat(provisioning.path("providers").get(0).path("options").path("path").asText())
                .isEqualTo(mounted);
    }

    @Test
    void prometheusTakesItsConfigurationAndTheAlertingRules(@TempDir Path dir) throws Exception {
        assumeTrue(runs("promtool", "--version"), "needs promtool (.ci/run installs prometheus)");
        JsonNode prometheus = services.path("prometheus");
        assertThat(mountTargets(prometheus))
                .contains("/etc/prometheus/prometheus.yml", "/etc/prometheus/alerts.yml");
        // the configuration names the rules where the container mounts them; here, beside it
        Files.copy(root.resolve("deploy/alerts.yml"), dir.resolve("alerts.yml"));
        Files.writeString(
                dir.resolve("prometheus.yml"),
                Files.readString(root.resolve("deploy/prometheus.yml"))
                        .replace("/etc/prometheus/alerts.yml", "alerts.yml"));
        Process p =
                new ProcessBuilder("promtool", "check", "config", "prometheus.yml")
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("4 rules found");
    }

    /** {@code args} with each bind mount's target replaced by its source on this machine. */
    private static List<String> asMounted(JsonNode service, List<String> args) {
        Map<String, String> binds = new HashMap<>();
        for (JsonNode v : service.path("volumes")) {
            if (v.path("type").asText().equals("bind")) {
                binds.put(v.path("target").asText(), v.path("source").asText());
            }
        }
        List<String> out = new ArrayList<>();
        for (String arg : args) {
            String value = arg;
            for (Map.Entry<String, String> b : binds.entrySet()) {
                value = value.replace(b.getKey(), b.getValue());
            }
            out.add(value);
        }
        return out;
    }

    /** Where each volume is mounted: long syntax, or short ({@code source:target[:mode]}). */
    private static Set<String> mountTargets(JsonNode service) {
        Set<String> out = new HashSet<>();
        for (JsonNode v : service.path("volumes")) {
            out.add(v.isTextual() ? v.asText().split(":")[1] : v.path("target").asText());
        }
        return out;
    }

    private static Map<String, String> flinkProperties(JsonNode service) throws IOException {
        Properties p = new Properties();
        p.load(
                new java.io.StringReader(
                        service.path("environment").path("FLINK_PROPERTIES").asText()));
        Map<String, String> out = new HashMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k).strip()));
        return out;
    }

    private static boolean runs(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
