package dev.pointsman.cli.demo;

import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.data.BenchmarkRow;
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
    private static void declare(
            KafkaProducer<byte[], byte[]> producer,
            WireFormat wire,
            String pool,
            String router,
            double exploration,
            Map<String, String> extra,
            Benchmark data,
            OnnxEmbedder embedder) {
        List<CatalogModel> models = new ArrayList<>();
        for (String name : data.models()) {
            models.add(
                    CatalogModel.newBuilder()
                            .setName(name)
                            .setInputPrice(0)
                            .setOutputPrice(0)
                            .build());
        }
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
        producer.send(
                new ProducerRecord<>(
                        Topics.CATALOG,
                        pool.getBytes(StandardCharsets.UTF_8),
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
     * shrink.prior}).
     */
    public static void seed(
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
    }

    static Map<String, ObservedOutcome> outcomes(Benchmark data, BenchmarkRow row) {
        Map<String, ObservedOutcome> out = new HashMap<>();
        for (int m = 0; m < data.models().size(); m++) {
            out.put(
                    data.models().get(m),
                    new ObservedOutcome(
                            row.scores()[m], row.costs() == null ? 0 : row.costs()[m], 1.0));
        }
        return out;
    }
}
