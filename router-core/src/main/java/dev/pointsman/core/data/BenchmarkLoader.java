package dev.pointsman.core.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the project's benchmark format: one JSON object per line with {@code id}, {@code dataset},
 * {@code prompt}, {@code scores} (model → 0..1), optional {@code costs} (model → USD ≥ 0) and
 * optional {@code split}. Extra fields are ignored. The first violation stops the load with a
 * {@link BenchmarkFormatException} naming the file, line and reason.
 */
public final class BenchmarkLoader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BenchmarkLoader() {}

    public static Benchmark load(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return load(reader, file.getFileName().toString());
        }
    }

    public static Benchmark load(InputStream in, String sourceName) throws IOException {
        return load(new InputStreamReader(in, StandardCharsets.UTF_8), sourceName);
    }

    public static Benchmark load(Reader reader, String sourceName) throws IOException {
        List<ParsedRow> parsed = new ArrayList<>();
        BufferedReader lines = new BufferedReader(reader);
        String text;
        int lineNo = 0;
        while ((text = lines.readLine()) != null) {
            lineNo++;
            if (!text.isBlank()) {
                parsed.add(parse(text, sourceName, lineNo));
            }
        }
        if (parsed.isEmpty()) {
            throw new BenchmarkFormatException(sourceName, lineNo, "the file holds no rows");
        }
        return assemble(parsed, sourceName);
    }

    private record ParsedRow(
            int line,
            String id,
            String dataset,
            String prompt,
            String split,
            JsonNode scores,
            JsonNode costs) {}

    private static ParsedRow parse(String text, String source, int line) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BenchmarkFormatException(
                    source, line, "malformed JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new BenchmarkFormatException(source, line, "expected a JSON object");
        }
        String id = requiredText(node, "id", source, line);
        String dataset = requiredText(node, "dataset", source, line);
        String prompt = requiredText(node, "prompt", source, line);
        JsonNode split = node.get("split");
        if (split != null && !split.isNull() && !split.isTextual()) {
            throw new BenchmarkFormatException(source, line, "'split' must be a string");
        }
        JsonNode scores = node.get("scores");
        if (scores == null || !scores.isObject() || scores.isEmpty()) {
            throw new BenchmarkFormatException(
                    source, line, "missing 'scores' (an object of model → score)");
        }
        JsonNode costs = node.get("costs");
        if (costs != null && costs.isNull()) {
            costs = null;
        }
        if (costs != null && !costs.isObject()) {
            throw new BenchmarkFormatException(
                    source, line, "'costs' must be an object of model → USD");
        }
        return new ParsedRow(
                line,
                id,
                dataset,
                prompt,
                split == null || split.isNull() ? null : split.asText(),
                scores,
                costs);
    }

    private static String requiredText(JsonNode node, String field, String source, int line) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new BenchmarkFormatException(
                    source, line, "missing or empty string field '" + field + "'");
        }
        return value.asText();
    }

    private static Benchmark assemble(List<ParsedRow> parsed, String source) {
        ParsedRow first = parsed.get(0);
        List<String> models = new ArrayList<>(new TreeSet<>(fieldNames(first.scores())));
        boolean hasCosts = first.costs() != null;
        Set<String> ids = new HashSet<>();
        List<BenchmarkRow> rows = new ArrayList<>(parsed.size());
        for (ParsedRow p : parsed) {
            if (!ids.add(p.id())) {
                throw new BenchmarkFormatException(
                        source, p.line(), "duplicate id '" + p.id() + "'");
            }
            if ((p.costs() != null) != hasCosts) {
                throw new BenchmarkFormatException(
                        source,
                        p.line(),
                        hasCosts
                                ? "row has no 'costs' but line " + first.line() + " has"
                                : "row has 'costs' but line " + first.line() + " has none");
            }
            double[] scores = values(p.scores(), "scores", models, p, source, first.line());
            for (int m = 0; m < scores.length; m++) {
                if (scores[m] < 0 || scores[m] > 1) {
                    throw new BenchmarkFormatException(
                            source,
                            p.line(),
                            "scores." + models.get(m) + " = " + scores[m] + " is outside [0, 1]");
                }
            }
            double[] costs = null;
            if (hasCosts) {
                costs = values(p.costs(), "costs", models, p, source, first.line());
                for (int m = 0; m < costs.length; m++) {
                    if (costs[m] < 0) {
                        throw new BenchmarkFormatException(
                                source,
                                p.line(),
                                "costs." + models.get(m) + " = " + costs[m] + " is negative");
                    }
                }
            }
            rows.add(new BenchmarkRow(p.id(), p.dataset(), p.prompt(), p.split(), scores, costs));
        }
        return new Benchmark(models, rows, hasCosts);
    }

    private static double[] values(
            JsonNode object,
            String field,
            List<String> models,
            ParsedRow row,
            String source,
            int firstLine) {
        double[] out = new double[models.size()];
        for (int m = 0; m < models.size(); m++) {
            String model = models.get(m);
            JsonNode v = object.get(model);
            if (v == null || v.isNull()) {
                throw new BenchmarkFormatException(
                        source,
                        row.line(),
                        field + " lacks model '" + model + "' that line " + firstLine + " has");
            }
            if (!v.isNumber()) {
                throw new BenchmarkFormatException(
                        source, row.line(), field + "." + model + " is not a number: " + v);
            }
            out[m] = v.asDouble();
            if (!Double.isFinite(out[m])) {
                throw new BenchmarkFormatException(
                        source, row.line(), field + "." + model + " is not finite");
            }
        }
        if (object.size() != models.size()) {
            for (String name : fieldNames(object)) {
                if (!models.contains(name)) {
                    throw new BenchmarkFormatException(
                            source,
                            row.line(),
                            field + " has model '" + name + "' that line " + firstLine + " lacks");
                }
            }
        }
        return out;
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
