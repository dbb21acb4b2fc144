package dev.pointsman.flink.job;

import dev.pointsman.core.knn.IndexSpec;
import dev.pointsman.settings.Durations;
import dev.pointsman.settings.Setting;
import dev.pointsman.topics.KafkaConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * {@link JobSettings} as the program arguments of the job jar, both ways: {@link #of} writes the
 * arguments {@code pointsman route --jobmanager} hands to a cluster, {@link #parse} reads them in
 * {@link RoutingJobMain}. The options are the ones {@code pointsman route} takes, with the same
 * names, defaults and rules ({@link JobSettings#ALL}), so a job started either way reads the same.
 */
public final class JobArgs {
    static final String CHECKPOINTS = "checkpoints";
    static final String EXACTLY_ONCE = "exactly-once";
    static final String RESUME_LATEST = "resume-latest";
    static final String NAME = "name";
    static final String INDEX = "index";
    static final String HNSW_M = "hnsw-m";
    static final String HNSW_EF_CONSTRUCTION = "hnsw-ef-construction";
    static final String HNSW_EF = "hnsw-ef";

    /** The job's name in Flink when none is given. */
    public static final String DEFAULT_NAME = "pointsman-routing";

    private JobArgs() {}

    /**
     * What {@link #parse} read.
     *
     * @param settings the job's settings
     * @param name the job's name in Flink
     * @param resumeLatest {@code --resume-latest}: restore from the newest checkpoint or savepoint
     *     under a local {@code --checkpoints} directory, for a cluster that restarts the job's
     *     {@code main} without high availability (docker-compose's application mode)
     */
    public record Parsed(JobSettings settings, String name, boolean resumeLatest) {}

    /** The arguments that make {@link #parse} return {@code s} (every setting written out). */
    public static List<String> of(JobSettings s, String name) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(JobSettings.BOOTSTRAP.name(), s.bootstrapServers());
        values.put(JobSettings.GROUP.name(), s.group());
        values.put(JobSettings.SHARDS.name(), Integer.toString(s.shards()));
        values.put(JobSettings.K.name(), Integer.toString(s.k()));
        values.put(JobSettings.CAPACITY.name(), Integer.toString(s.capacity()));
        values.put(JobSettings.MERGE_TIMEOUT.name(), Durations.format(s.mergeTimeout()));
        values.put(JobSettings.SEARCH_BATCH.name(), Integer.toString(s.searchBatch()));
        values.put(JobSettings.REPLICAS.name(), Integer.toString(s.replicas()));
        values.put(JobSettings.DECIDERS.name(), Integer.toString(s.deciders()));
        values.put(JobSettings.SEARCH_WAIT.name(), Durations.format(s.searchWait()));
        values.put(JobSettings.CATALOG_WAIT.name(), Durations.format(s.catalogWait()));
        if (s.schemaRegistry() != null) {
            values.put(JobSettings.SCHEMA_REGISTRY.name(), s.schemaRegistry());
        }
        values.put(JobSettings.TRAINING_WINDOW.name(), Integer.toString(s.trainingWindow()));
        values.put(JobSettings.RETRAIN_EVERY.name(), Integer.toString(s.retrainEvery()));
        values.put(JobSettings.RETRAIN_INTERVAL.name(), Durations.format(s.retrainInterval()));
        values.put(
                JobSettings.CHECKPOINT_INTERVAL.name(), Durations.format(s.checkpointInterval()));
        values.put(JobSettings.ROUTER.name(), s.router().name());
        if (s.metricsPort() != null) {
            values.put(JobSettings.METRICS_PORT.name(), s.metricsPort().toString());
        }
        if (s.kafka().file() != null) {
            values.put(KafkaConfig.FILE.name(), s.kafka().file());
        }
        values.put(CHECKPOINTS, s.checkpoints().toString());
        values.put(INDEX, s.index().kind().name().toLowerCase(Locale.ROOT));
        values.put(HNSW_M, Integer.toString(s.index().m()));
        values.put(HNSW_EF_CONSTRUCTION, Integer.toString(s.index().efConstruction()));
        values.put(HNSW_EF, Integer.toString(s.index().ef()));
        values.put(NAME, name);
        List<String> args = new ArrayList<>();
        values.forEach(
                (key, value) -> {
                    args.add("--" + key);
                    args.add(value);
                });
        if (s.delivery() == DeliveryGuarantee.EXACTLY_ONCE) {
            args.add("--" + EXACTLY_ONCE);
        }
        return args;
    }

    /**
     * Reads {@code --option value} (or {@code --option=value}) arguments; an unknown option, a
     * missing value or a value that breaks its setting's rule fails naming the option.
     */
    public static Parsed parse(List<String> args) {
        Map<String, Setting<?>> settings = new HashMap<>();
        for (Setting<?> setting : JobSettings.ALL) {
            settings.put(setting.name(), setting);
        }
        Map<String, String> values = new HashMap<>();
        boolean exactlyOnce = false;
        boolean resumeLatest = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new IllegalArgumentException("expected an option, got '" + arg + "'");
            }
            String key = arg.substring(2);
            String value = null;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            }
            if (key.equals(EXACTLY_ONCE)) {
                exactlyOnce = value == null || Boolean.parseBoolean(value);
                continue;
            }
            if (key.equals(RESUME_LATEST)) {
                resumeLatest = value == null || Boolean.parseBoolean(value);
                continue;
            }
            if (!settings.containsKey(key) && !List.of(extraOptions()).contains(key)) {
                throw new IllegalArgumentException("unknown option --" + key + "\n" + usage());
            }
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException("--" + key + " needs a value");
                }
                value = args.get(++i);
            }
            values.put(key, value);
        }
        String checkpoints = values.get(CHECKPOINTS);
        if (checkpoints == null) {
            throw new IllegalArgumentException("--" + CHECKPOINTS + " must be set");
        }
        JobSettings.Builder b =
                JobSettings.builder(
                                value(values, JobSettings.BOOTSTRAP),
                                JobSettings.checkpointUri(checkpoints))
                        .group(value(values, JobSettings.GROUP))
                        .shards(value(values, JobSettings.SHARDS))
                        .k(value(values, JobSettings.K))
                        .capacity(value(values, JobSettings.CAPACITY))
                        .mergeTimeout(value(values, JobSettings.MERGE_TIMEOUT))
                        .replicas(value(values, JobSettings.REPLICAS))
                        .deciders(value(values, JobSettings.DECIDERS))
                        .searchBatch(
                                value(values, JobSettings.SEARCH_BATCH),
                                value(values, JobSettings.SEARCH_WAIT))
                        .catalogWait(value(values, JobSettings.CATALOG_WAIT))
                        .schemaRegistry(value(values, JobSettings.SCHEMA_REGISTRY))
                        .training(
                                value(values, JobSettings.TRAINING_WINDOW),
                                value(values, JobSettings.RETRAIN_EVERY),
                                value(values, JobSettings.RETRAIN_INTERVAL))
                        .checkpointInterval(value(values, JobSettings.CHECKPOINT_INTERVAL))
                        .router(value(values, JobSettings.ROUTER))
                        .metricsPort(value(values, JobSettings.METRICS_PORT))
                        .kafka(KafkaConfig.load(value(values, KafkaConfig.FILE)))
                        .delivery(
                                exactlyOnce
                                        ? DeliveryGuarantee.EXACTLY_ONCE
                                        : DeliveryGuarantee.AT_LEAST_ONCE)
                        .index(
                                IndexSpec.of(
                                        values.getOrDefault(INDEX, "exact"),
                                        integer(values, HNSW_M, IndexSpec.EXACT.m()),
                                        integer(
                                                values,
                                                HNSW_EF_CONSTRUCTION,
                                                IndexSpec.EXACT.efConstruction()),
                                        integer(values, HNSW_EF, IndexSpec.EXACT.ef())));
        String name = values.getOrDefault(NAME, DEFAULT_NAME);
        if (name.isBlank()) {
            throw new IllegalArgumentException("--" + NAME + " must not be blank");
        }
        return new Parsed(b.build(), name, resumeLatest);
    }

    /** The options {@link #parse} takes, with their help, for {@code --help}. */
    public static String usage() {
        StringBuilder out = new StringBuilder("options:\n");
        for (Setting<?> s : JobSettings.ALL) {
            out.append(String.format("  %-24s %s", s.option(), s.description()));
            if (s.defaultText() != null) {
                out.append(" Default: ").append(s.defaultText()).append('.');
            }
            out.append('\n');
        }
        out.append(
                        String.format(
                                "  %-24s %s%n",
                                "--" + CHECKPOINTS,
                                "Where checkpoints go: a directory every process of the cluster"
                                        + " reaches, or a URI (s3://bucket/path). Required."))
                .append(
                        String.format(
                                "  %-24s %s%n",
                                "--" + EXACTLY_ONCE,
                                "Write decisions in transactions committed on checkpoints."))
                .append(
                        String.format(
                                "  %-24s %s%n",
                                "--" + RESUME_LATEST,
                                "Restore from the newest checkpoint or savepoint under a local"
                                        + " --checkpoints directory, if there is one."))
                .append(
                        String.format(
                                "  %-24s %s%n",
                                "--" + INDEX,
                                "exact or hnsw, with --hnsw-m, --hnsw-ef-construction, --hnsw-ef."))
                .append(
                        String.format(
                                "  %-24s %s%n",
                                "--" + NAME, "The job's name in Flink. Default: " + DEFAULT_NAME));
        return out.toString();
    }

    private static String[] extraOptions() {
        return new String[] {CHECKPOINTS, NAME, INDEX, HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF};
    }

    private static <T> T value(Map<String, String> values, Setting<T> setting) {
        String text = values.get(setting.name());
        return text == null ? setting.check(setting.defaultValue()) : setting.parse(text);
    }

    private static int integer(Map<String, String> values, String key, int defaultValue) {
        String text = values.get(key);
        try {
            return text == null ? defaultValue : Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "--" + key + " must be an integer, got '" + text + "'");
        }
    }
}
