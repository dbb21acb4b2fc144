package dev.pointsman.cli;

import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.data.BenchmarkLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resolves a {@code --data} value: a benchmark file, or {@value #SAMPLE} for the bundled one. */
final class BenchmarkFiles {
    static final String SAMPLE = "sample";
    static final String SAMPLE_RESOURCE = "samples/routerbench-sample.jsonl";

    private BenchmarkFiles() {}

    static Benchmark load(String data) throws IOException {
        if (SAMPLE.equals(data)) {
            try (InputStream in =
                    BenchmarkFiles.class.getClassLoader().getResourceAsStream(SAMPLE_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(
                            "the bundled sample is missing from the class path");
                }
                return BenchmarkLoader.load(in, "routerbench-sample.jsonl");
            }
        }
        Path file = Path.of(data);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("--data: no such file: " + file);
        }
        return BenchmarkLoader.load(file);
    }
}
