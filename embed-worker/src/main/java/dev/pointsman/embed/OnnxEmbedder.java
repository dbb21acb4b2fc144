package dev.pointsman.embed;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.pointsman.core.vector.Vectors;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns prompts into unit-length sentence vectors with a Hugging Face tokenizer and ONNX Runtime:
 * tokenize without special tokens, keep as many tokens as fit in {@code maxTokens} beside [CLS],
 * the model's query prefix and [SEP] by the configured {@link Truncation}, wrap them, run the
 * encoder in length-sorted batches (less padding), pool by the model's rule and L2-normalise.
 * Models that are not {@linkplain EmbeddingModel#batchInvariant() batch-invariant} run one text per
 * call, so a vector depends on its text alone (the cache and the streaming worker rely on that).
 * Thread-safe: ONNX Runtime sessions and the tokenizer may be called concurrently.
 */
public final class OnnxEmbedder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxEmbedder.class);

    static {
        // DJL's tokenizer looks for a CUDA build of its native library when the host has a GPU,
        // and downloads it: a worker on a GPU host without network access would then fail to
        // start. Tokenizing needs no GPU, so use the CPU library the jar carries and never fetch.
        setIfAbsent("RUST_FLAVOR", "cpu");
        setIfAbsent("ai.djl.offline", "true");
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null && System.getenv(property) == null) {
            System.setProperty(property, value);
        }
    }

    private final EmbedderConfig config;
    private final HuggingFaceTokenizer tokenizer;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final long[] prefix;
    private final long[] suffix;
    private final boolean wantsTokenTypes;
    private final boolean onCuda;
    private final @Nullable String cpuReason;
    private final int dimension;
    private final int batchSize;
    private final java.util.concurrent.ExecutorService nativeThread;

    public OnnxEmbedder(EmbedderConfig config) {
        this.config = config;
        EmbeddingModel model = config.model();
        nativeThread = newNativeThread(model.id());
        try (InputStream json = model.openTokenizer()) {
            Map<String, String> options = new HashMap<>();
            options.put("addSpecialTokens", "false");
            options.put("truncation", "false");
            options.put("padding", "false");
            options.put("modelMaxLength", "1000000");
            tokenizer = onLargeStack(() -> HuggingFaceTokenizer.newInstance(json, options));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the tokenizer of " + model.id(), e);
        }
        // The tokenizer's own post-processor knows the special tokens: encode "" with them on.
        long[] specials = onLargeStack(() -> tokenizer.encode("", true, false).getIds());
        if (specials.length != 2) {
            throw new IllegalStateException(
                    model.id()
                            + ": expected [CLS] and [SEP] around a sentence, got "
                            + specials.length
                            + " special tokens");
        }
        // [CLS], then the model's query prefix (E5's "query: "), kept whatever the truncation.
        long[] queryPrefix =
                model.queryPrefix().isEmpty()
                        ? new long[0]
                        : onLargeStack(
                                () -> tokenizer.encode(model.queryPrefix(), false, false).getIds());
        if (queryPrefix.length + 2 >= config.maxTokens()) {
            throw new IllegalArgumentException(
                    model.id()
                            + ": max tokens "
                            + config.maxTokens()
                            + " leave no room after its query prefix");
        }
        prefix = new long[1 + queryPrefix.length];
        prefix[0] = specials[0];
        System.arraycopy(queryPrefix, 0, prefix, 1, queryPrefix.length);
        suffix = new long[] {specials[1]};

        batchSize = model.batchInvariant() ? config.batchSize() : 1;
        // Loading the native library runs large static initialisers: on the native thread too.
        env = onLargeStack(OrtEnvironment::getEnvironment);
        byte[] onnx;
        try {
            onnx = model.onnxBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ONNX model of " + model.id(), e);
        }
        SessionAttempt attempt = onLargeStack(() -> createSession(onnx, model));
        OrtSession created = attempt.session();
        String reason = attempt.cpuReason();
        session = created;
        onCuda = config.cuda() && reason == null;
        cpuReason = onCuda ? null : (config.cuda() ? reason : "CPU requested");
        wantsTokenTypes = session.getInputNames().contains("token_type_ids");
        dimension = embed(List.of("dimension probe"))[0].length;
        LOG.info(
                "embedder {} ready: {} dims, {} ({}), batch {}",
                config.embedderId(),
                dimension,
                onCuda ? "CUDA" : "CPU",
                onCuda ? "device 0" : cpuReason,
                batchSize);
    }

    private record SessionAttempt(OrtSession session, @Nullable String cpuReason) {}

    private SessionAttempt createSession(byte[] onnx, EmbeddingModel model) {
        String reason = null;
        if (config.cuda()) {
            try (OrtSession.SessionOptions cudaOptions = sessionOptions()) {
                cudaOptions.addCUDA(0);
                return new SessionAttempt(env.createSession(onnx, cudaOptions), null);
            } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
                reason = "CUDA execution provider unavailable: " + e.getMessage();
                LOG.warn("{}: {}; embedding on CPU", model.id(), reason);
            }
        }
        try (OrtSession.SessionOptions cpuOptions = sessionOptions()) {
            return new SessionAttempt(env.createSession(onnx, cpuOptions), reason);
        } catch (OrtException e) {
            throw new IllegalStateException(
                    "cannot create an ONNX Runtime session for " + model.id(), e);
        }
    }

    /**
     * Runs {@code work} on this embedder's native thread, which has a 64 MiB stack. ONNX Runtime
     * recurses deeply in native code (graph optimisation, some kernels); on a default 1 MiB Java
     * thread stack it can overflow, which kills the JVM with SIGSEGV and no error report (seen on
     * the main thread once Kafka's jars were on the class path). ONNX Runtime parallelises each
     * call on its own threads, so funnelling calls through one thread costs little.
     */
    private <T> T onLargeStack(java.util.concurrent.Callable<T> work) {
        try {
            return nativeThread.submit(work).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for ONNX Runtime", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static java.util.concurrent.ExecutorService newNativeThread(String name) {
        return java.util.concurrent.Executors.newSingleThreadExecutor(
                r -> {
                    Thread t = new Thread(null, r, "onnx-" + name, 64L * 1024 * 1024);
                    t.setDaemon(true);
                    return t;
                });
    }

    private OrtSession.SessionOptions sessionOptions() throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        if (config.intraOpThreads() > 0) {
            options.setIntraOpNumThreads(config.intraOpThreads());
        }
        return options;
    }

    public EmbedderConfig config() {
        return config;
    }

    /** See {@link EmbedderConfig#embedderId()}. */
    public String id() {
        return config.embedderId();
    }

    public int dimension() {
        return dimension;
    }

    /** Texts per ONNX Runtime call: the configured batch size, or 1 for quantised models. */
    public int effectiveBatchSize() {
        return batchSize;
    }

    /** Whether the CUDA execution provider is in use. */
    public boolean onCuda() {
        return onCuda;
    }

    /** Why embedding runs on CPU, or null on CUDA. */
    public @Nullable String cpuReason() {
        return cpuReason;
    }

    /** The token ids the encoder sees for {@code text}, special tokens included. */
    public long[] tokenIds(String text) {
        return onLargeStack(() -> tokenIdsOnNativeThread(text));
    }

    private long[] tokenIdsOnNativeThread(String text) {
        Encoding encoding = tokenizer.encode(text, false, false);
        long[] kept =
                config.truncation()
                        .apply(
                                encoding.getIds(),
                                config.maxTokens() - prefix.length - suffix.length);
        long[] ids = new long[prefix.length + kept.length + suffix.length];
        System.arraycopy(prefix, 0, ids, 0, prefix.length);
        System.arraycopy(kept, 0, ids, prefix.length, kept.length);
        System.arraycopy(suffix, 0, ids, prefix.length + kept.length, suffix.length);
        return ids;
    }

    /** One unit vector per text, in input order. */
    public float[][] embed(List<String> texts) {
        return onLargeStack(() -> embedOnNativeThread(texts));
    }

    private float[][] embedOnNativeThread(List<String> texts) {
        List<long[]> ids = new ArrayList<>(texts.size());
        for (String text : texts) {
            ids.add(tokenIdsOnNativeThread(text));
        }
        // Length-sorted batches pad less; results go back to input order.
        Integer[] order = IntStream.range(0, texts.size()).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt(i -> ids.get(i).length));
        float[][] out = new float[texts.size()][];
        for (int start = 0; start < order.length; start += batchSize) {
            int end = Math.min(order.length, start + batchSize);
            List<long[]> batch = new ArrayList<>(end - start);
            for (int i = start; i < end; i++) {
                batch.add(ids.get(order[i]));
            }
            float[][] vectors = runBatch(batch);
            for (int i = start; i < end; i++) {
                out[order[i]] = vectors[i - start];
            }
        }
        return out;
    }

    private float[][] runBatch(List<long[]> batch) {
        int n = batch.size();
        int seq = batch.stream().mapToInt(a -> a.length).max().orElse(0);
        long[] inputIds = new long[n * seq];
        long[] mask = new long[n * seq];
        for (int b = 0; b < n; b++) {
            long[] row = batch.get(b);
            System.arraycopy(row, 0, inputIds, b * seq, row.length); // pad id 0
            Arrays.fill(mask, b * seq, b * seq + row.length, 1L);
        }
        long[] shape = {n, seq};
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
            inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(inputIds), shape));
            inputs.put(
                    "attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(mask), shape));
            if (wantsTokenTypes) {
                inputs.put(
                        "token_type_ids",
                        OnnxTensor.createTensor(env, LongBuffer.wrap(new long[n * seq]), shape));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                OnnxTensor hidden = (OnnxTensor) result.get(0);
                long[] outShape = hidden.getInfo().getShape();
                int dim = (int) outShape[2];
                FloatBuffer states = hidden.getFloatBuffer();
                float[][] vectors = new float[n][dim];
                for (int b = 0; b < n; b++) {
                    pool(states, b, seq, dim, batch.get(b).length, vectors[b]);
                    Vectors.l2NormalizeInPlace(vectors[b]);
                }
                return vectors;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed on a batch of " + n, e);
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private void pool(FloatBuffer states, int b, int seq, int dim, int length, float[] out) {
        int base = b * seq * dim;
        if (config.model().pooling() == EmbeddingModel.Pooling.CLS) {
            for (int j = 0; j < dim; j++) {
                out[j] = states.get(base + j);
            }
            return;
        }
        // The mask is 1 exactly on the first `length` positions, so the masked mean is this.
        for (int t = 0; t < length; t++) {
            int off = base + t * dim;
            for (int j = 0; j < dim; j++) {
                out[j] += states.get(off + j);
            }
        }
        for (int j = 0; j < dim; j++) {
            out[j] /= length;
        }
    }

    @Override
    public void close() {
        onLargeStack(
                () -> {
                    try {
                        session.close();
                    } catch (OrtException e) {
                        LOG.warn("closing the ONNX Runtime session failed", e);
                    }
                    tokenizer.close();
                    return null;
                });
        nativeThread.shutdown();
    }
}
