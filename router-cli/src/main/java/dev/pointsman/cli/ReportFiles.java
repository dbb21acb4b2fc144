package dev.pointsman.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.pointsman.core.eval.EvalReport;
import dev.pointsman.core.eval.EvalReport.DatasetResult;
import dev.pointsman.core.eval.Evaluation;
import dev.pointsman.core.route.Predictions;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes the {@code --report} JSON and the {@code --predictions} JSON lines. */
final class ReportFiles {
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportFiles() {}

    /** What the run was, for the report's header fields. */
    record RunInfo(String data, String embedder, String truncation, int maxTokens, int seeds) {}

    static void writeReport(Path file, RunInfo info, EvalReport report) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("data", info.data());
        root.put("embedder", info.embedder());
        root.put("truncation", info.truncation());
        root.put("max_tokens", info.maxTokens());
        root.put("seeds", info.seeds());
        root.put("metric", report.metric());
        root.put("models", report.models());
        Map<String, Object> datasets = new LinkedHashMap<>();
        for (DatasetResult d : report.datasets().values()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("n_test", d.nTest());
            if (d.split() != null) {
                entry.put("split", d.split());
            }
            Map<String, Object> rows = new LinkedHashMap<>();
            d.rows()
                    .forEach(
                            (name, r) -> {
                                Map<String, Object> row = new LinkedHashMap<>();
                                row.put(report.metric(), r.quality());
                                row.put("headroom", r.headroom());
                                row.put("lift", r.lift());
                                rows.put(name, row);
                            });
            entry.put("rows", rows);
            datasets.put(d.name(), entry);
        }
        root.put("datasets", datasets);
        createParent(file);
        JSON.writeValue(file.toFile(), root);
    }

    /** Streams every test prediction as one JSON object per line (shared/EVALUATION.md). */
    static final class PredictionsWriter implements Evaluation.Listener, Closeable {
        private final BufferedWriter out;
        private final JsonGenerator json;
        private final List<String> models;

        PredictionsWriter(Path file, List<String> models) throws IOException {
            createParent(file);
            this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            this.json = new ObjectMapper().getFactory().createGenerator(out);
            this.json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            this.models = models;
        }

        @Override
        public void onPredictions(
                String dataset,
                String router,
                int seed,
                List<String> ids,
                Predictions predictions) {
            try {
                for (int i = 0; i < ids.size(); i++) {
                    json.writeStartObject();
                    json.writeStringField("id", ids.get(i));
                    json.writeStringField("dataset", dataset);
                    json.writeStringField("router", router);
                    json.writeNumberField("seed", seed);
                    writeMap("scores", predictions.scores()[i]);
                    if (predictions.costs() != null) {
                        writeMap("costs", predictions.costs()[i]);
                    }
                    json.writeEndObject();
                    json.flush();
                    out.write('\n');
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void writeMap(String field, double[] values) throws IOException {
            json.writeObjectFieldStart(field);
            for (int m = 0; m < values.length; m++) {
                json.writeNumberField(models.get(m), values[m]);
            }
            json.writeEndObject();
        }

        @Override
        public void close() throws IOException {
            json.close();
            out.close();
        }
    }

    static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }
}
