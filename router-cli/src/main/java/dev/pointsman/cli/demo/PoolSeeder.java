package dev.pointsman.cli.demo;

import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.data.BenchmarkRow;
import dev.pointsman.core.spend.SpendSettings;
import dev.pointsman.embed.OnnxEmbedder;
import dev.pointsman.schemas.CatalogModel;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.ObservedOutcome;
import dev.pointsman.schemas.PoolCatalog;
import dev.pointsman.schemas.codec.Float32Vectors;
import dev.pointsman.schemas.codec.WireFormat;
import dev.pointsman.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Declares a pool in {@code router.catalog} from a benchmark's models and seeds its support set:
 * the seed rows are embedded here, with the same embedder as the live queries, and written to
 * {@code router.feedback} with every model's outcome.
 */
public final class PoolSeeder {
    private static final int BATCH = 32;

    private PoolSeeder() {}

    /**
     * The pool's catalog: every model of the data, the embedder the vectors come from, the router
     * the pool runs and its exploration share.
     */
    private static PoolCatalog declare(
            KafkaProducer<byte[], byte[]> producer,
            WireFormat wire,
            String pool,
            String router,
            double exploration,
            Map<String, String> extra,
            Benchmark data,
            OnnxEmbedder embedder) {
        List<CatalogModel> models = catalogModels(data, Map.of());
        Map<String, String> defaults = new HashMap<>(extra);
        defaults.put("embedder", embedder.id());
        defaults.put("dimension", Integer.toString(embedder.dimension()));
        defaults.put("router", router);
        defaults.put("exploration", Double.toString(exploration));
        PoolCatalog catalog =
                PoolCatalog.newBuilder()
                        .setPool(pool)
                        .setModels(models)
                        .setDefaults(defaults)
                        .build();
        publish(producer, wire, catalog);
        return catalog;
    }

    /**
     * A {@code progress} for {@link #seed} that prints a line every 256 examples and at the end.
     */
    public static BiConsumer<Integer, Integer> progress(java.io.PrintStream out) {
        int[] last = {0};
        return (done, total) -> {
            if (done.equals(total) || done - last[0] >= 256) {
                out.printf("seeded %d/%d%n", done, total);
                last[0] = done;
            }
        };
    }

    /**
     * Writes {@code catalog} to {@code router.catalog}: the pool's new models, prices, defaults.
     */
    public static void publish(
            KafkaProducer<byte[], byte[]> producer, WireFormat wire, PoolCatalog catalog) {
        producer.send(
                new ProducerRecord<>(
                        Topics.CATALOG,
                        catalog.getPool().getBytes(StandardCharsets.UTF_8),
                        wire.codec(PoolCatalog.class, Topics.CATALOG).encode(catalog)));
        producer.flush();
    }

    /**
     * Declares the pool in {@code router.catalog}, then embeds {@code rows} and writes them to
     * {@code router.feedback} as examples with every model's outcome.
     *
     * @param router the router the pool runs (its catalog's {@code router})
     * @param exploration the pool's exploration share (its catalog's {@code exploration})
     * @param progress called with (done, total) after each batch
     */
    public static void seed(
            KafkaProducer<byte[], byte[]> producer,
            WireFormat wire,
            String pool,
            String router,
            double exploration,
            Benchmark data,
            List<BenchmarkRow> rows,
            OnnxEmbedder embedder,
            BiConsumer<Integer, Integer> progress) {
        seed(producer, wire, pool, router, exploration, Map.of(), data, rows, embedder, progress);
    }

    /**
     * {@link #seed} with more catalog defaults for the pool ({@code extra}, e.g. {@code
     * shrink.prior}); returns the catalog it declared.
     */
    public static PoolCatalog seed(
            KafkaProducer<byte[], byte[]> producer,
            WireFormat wire,
            String pool,
            String router,
            double exploration,
            Map<String, String> extra,
            Benchmark data,
            List<BenchmarkRow> rows,
            OnnxEmbedder embedder,
            BiConsumer<Integer, Integer> progress) {
        PoolCatalog catalog =
                declare(producer, wire, pool, router, exploration, extra, data, embedder);
        var codec = wire.codec(FeedbackExample.class, Topics.FEEDBACK);
        for (int start = 0; start < rows.size(); start += BATCH) {
            List<BenchmarkRow> batch = rows.subList(start, Math.min(rows.size(), start + BATCH));
            float[][] vectors = embedder.embed(batch.stream().map(BenchmarkRow::prompt).toList());
            for (int i = 0; i < batch.size(); i++) {
                BenchmarkRow row = batch.get(i);
                FeedbackExample example =
                        FeedbackExample.newBuilder()
                                .setExampleId("seed-" + row.id())
                                .setPool(pool)
                                .setVector(Float32Vectors.toBytes(vectors[i]))
                                .setDimension(vectors[i].length)
                                .setEmbedder(embedder.id())
                                .setOutcomes(outcomes(data, row))
                                .setPaid(false)
                                .setTs(Instant.now())
                                .build();
                producer.send(
                        new ProducerRecord<>(
                                Topics.FEEDBACK,
                                example.getExampleId().getBytes(StandardCharsets.UTF_8),
                                codec.encode(example)));
            }
            progress.accept(start + batch.size(), rows.size());
        }
        producer.flush();
        return catalog;
    }

    /**
     * Every model of the data, priced so that a typical query ({@link SpendSettings}' default token
     * counts) costs what it costs on average in the data, times the model's {@code priceFactors}
     * entry (1 where absent); free for quality-only data.
     */
    public static List<CatalogModel> catalogModels(
            Benchmark data, Map<String, Double> priceFactors) {
        int tokens = SpendSettings.DEFAULT_INPUT_TOKENS + SpendSettings.DEFAULT_OUTPUT_TOKENS;
        List<CatalogModel> models = new ArrayList<>();
        for (int m = 0; m < data.models().size(); m++) {
            String name = data.models().get(m);
            double mean = 0;
            if (!data.rows().isEmpty() && data.rows().get(0).costs() != null) {
                for (BenchmarkRow r : data.rows()) {
                    mean += r.costs()[m];
                }
                mean /= data.rows().size();
            }
            double price = mean / tokens * priceFactors.getOrDefault(name, 1.0);
            models.add(
                    CatalogModel.newBuilder()
                            .setName(name)
                            .setInputPrice(price)
                            .setOutputPrice(price)
                            .build());
        }
        return models;
    }

    static Map<String, ObservedOutcome> outcomes(Benchmark data, BenchmarkRow row) {
        Map<String, ObservedOutcome> out = new HashMap<>();
        for (int m = 0; m < data.models().size(); m++) {
            out.put(
                    data.models().get(m),
                    new ObservedOutcome(
                            row.scores()[m], row.costs() == null ? 0 : row.costs()[m], 1.0, null));
        }
        return out;
    }
}
