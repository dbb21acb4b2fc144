package dev.pointsman.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.pointsman.cli.demo.LocalStack;
import dev.pointsman.cli.demo.PoolSeeder;
import dev.pointsman.cli.demo.StreamsChild;
import dev.pointsman.cli.demo.TrafficSplit;
import dev.pointsman.cli.gateway.StubUpstream;
import dev.pointsman.core.data.Benchmark;
import dev.pointsman.core.data.BenchmarkRow;
import dev.pointsman.embed.EmbedderConfig;
import dev.pointsman.embed.EmbeddingModel;
import dev.pointsman.schemas.FeedbackExample;
import dev.pointsman.schemas.Outcome;
import dev.pointsman.schemas.PoolCatalog;
import dev.pointsman.topics.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAI-compatible gateway on the whole embedded stack: a chat completion is embedded (ONNX),
 * routed (Flink), sent to the chosen model's upstream (a stub OpenAI-compatible server, the one
 * part outside Pointsman) and relayed, as JSON and as a stream; a failing model falls back to the
 * next and is recorded as a failed outcome; feedback becomes an outcome that the ledger joins into
 * the support set's feedback.
 */
class GatewayIT {
    private static final String POOL = "gw";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private int port;

    @Test
    void aChatIsRoutedAnsweredStreamedFallsBackAndLearnsFromFeedback() throws Exception {
        Benchmark bench = E2e.sample();
        TrafficSplit split = TrafficSplit.byDataset(bench, null, 0.5, 11);
        port = E2e.freePort();
        LocalStack.Settings settings =
                new LocalStack.Settings(
                        dir,
                        port,
                        10,
                        EmbedderConfig.defaults(EmbeddingModel.ALL_MINILM_L6_V2_Q),
                        StreamsChild.locateJar(),
                        List.of("--upstream-timeout", "5s"),
                        null);
        try (StubUpstream stub = new StubUpstream(Duration.ofMillis(20));
                LocalStack stack = LocalStack.start(settings)) {
            PoolCatalog seeded =
                    PoolSeeder.seed(
                            stack.producer(),
                            stack.wire(),
                            POOL,
                            "knn-10",
                            0.0,
                            Map.of(),
                            bench,
                            split.seed(),
                            stack.embedder(),
                            (done, total) -> {});
            PoolSeeder.publish(
                    stack.producer(), stack.wire(), stub.answering(seeded, GatewayIT::upstreamId));
            stack.startWorker();
            List<BenchmarkRow> traffic = split.before();

            // The pool is a model to an OpenAI client once the gateway has read its upstreams.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!JSON.readTree(get("/v1/models").body())
                    .get("data")
                    .findValuesAsText("id")
                    .contains("pointsman/" + POOL)) {
                assertThat(System.nanoTime()).as("the gateway lists the pool").isLessThan(deadline);
                Thread.sleep(100);
            }

            // A chat completion: routed, answered by the chosen model's upstream, relayed as is.
            String prompt = traffic.get(0).prompt();
            HttpResponse<String> first = chat(prompt, false, null);
            assertThat(first.statusCode()).isEqualTo(200);
            String model = header(first, "x-pointsman-model");
            String decisionId = header(first, "x-pointsman-decision-id");
            assertThat(bench.models()).contains(model);
            assertThat(header(first, "x-pointsman-router")).isEqualTo("knn-10");
            assertThat(Double.parseDouble(header(first, "x-pointsman-predicted-score")))
                    .isBetween(0.0, 1.0);
            assertThat(first.headers().firstValue("x-pointsman-fallback")).isEmpty();
            JsonNode answer = JSON.readTree(first.body());
            assertThat(answer.at("/choices/0/message/content").asText())
                    .isEqualTo(StubUpstream.text(upstreamId(model)));
            assertThat(answer.at("/usage/completion_tokens").asInt()).isPositive();
            assertThat(stub.received().get(0).model()).isEqualTo(upstreamId(model));

            // Feedback on that answer: accepted once.
            HttpResponse<String> thumbs = feedback(decisionId, "{\"thumbs\":\"up\"}");
            assertThat(thumbs.statusCode()).as(thumbs.body()).isEqualTo(202);
            assertThat(feedback(decisionId, "{\"score\":0.5}").statusCode()).isEqualTo(409);
            assertThat(feedback("no-such-decision", "{\"score\":1}").statusCode()).isEqualTo(404);

            // The official OpenAI SDK, pointed at the gateway, gets a routed answer and a routed
            // stream, and sees the decision in the response headers.
            OpenAIClient sdk =
                    OpenAIOkHttpClient.builder()
                            .baseUrl("http://127.0.0.1:" + port + "/v1")
                            .apiKey("not-needed-without-tokens")
                            .build();
            try {
                ChatCompletionCreateParams params =
                        ChatCompletionCreateParams.builder()
                                .model("pointsman/" + POOL)
                                .addUserMessage(traffic.get(1).prompt())
                                .build();
                HttpResponseFor<ChatCompletion> raw =
                        sdk.chat().completions().withRawResponse().create(params);
                String sdkModel = raw.headers().values("x-pointsman-model").get(0);
                assertThat(bench.models()).contains(sdkModel);
                assertThat(raw.parse().choices().get(0).message().content())
                        .hasValue(StubUpstream.text(upstreamId(sdkModel)));
                try (StreamResponse<ChatCompletionChunk> chunks =
                        sdk.chat().completions().createStreaming(params)) {
                    String streamedText =
                            chunks.stream()
                                    .flatMap(c -> c.choices().stream())
                                    .map(c -> c.delta().content().orElse(""))
                                    .collect(Collectors.joining());
                    assertThat(streamedText).startsWith(String.join(" ", StubUpstream.WORDS));
                }
            } finally {
                sdk.close();
            }

            // A stream: the client sees the events it asked for, without the usage event the
            // gateway asked for to price the answer.
            HttpResponse<String> streamed = chat(traffic.get(1).prompt(), true, null);
            assertThat(streamed.statusCode()).isEqualTo(200);
            assertThat(header(streamed, "content-type")).startsWith("text/event-stream");
            String streamedModel = header(streamed, "x-pointsman-model");
            String streamedId = header(streamed, "x-pointsman-decision-id");
            StringBuilder text = new StringBuilder();
            for (String line : streamed.body().split("\n")) {
                if (line.startsWith("data: {")) {
                    JsonNode chunk = JSON.readTree(line.substring(6));
                    assertThat(chunk.has("usage")).isFalse();
                    text.append(chunk.at("/choices/0/delta/content").asText());
                }
            }
            assertThat(text.toString()).isEqualTo(StubUpstream.text(upstreamId(streamedModel)));
            assertThat(streamed.body().strip()).endsWith("data: [DONE]");
            assertThat(stub.received()).anySatisfy(r -> assertThat(r.stream()).isTrue());

            // A session stays on its first model whatever its next prompt.
            HttpResponse<String> s1 = chat(traffic.get(2).prompt(), false, "conversation-1");
            String sessionModel = header(s1, "x-pointsman-model");
            for (int i = 3; i < 6; i++) {
                HttpResponse<String> next = chat(traffic.get(i).prompt(), false, "conversation-1");
                assertThat(header(next, "x-pointsman-model")).isEqualTo(sessionModel);
            }

            // Fallback: every model but one fails; the same prompt is routed to the model that
            // answered it first, which fails, and the healthy one answers.
            String healthy =
                    bench.models().stream().filter(m -> !m.equals(model)).findFirst().orElseThrow();
            bench.models().stream()
                    .filter(m -> !m.equals(healthy))
                    .forEach(m -> stub.fail(upstreamId(m), 503));
            HttpResponse<String> fellBack = chat(prompt, false, null);
            assertThat(fellBack.statusCode()).as(fellBack.body()).isEqualTo(200);
            assertThat(header(fellBack, "x-pointsman-model")).isEqualTo(healthy);
            assertThat(header(fellBack, "x-pointsman-routed-model")).isEqualTo(model);
            assertThat(header(fellBack, "x-pointsman-fallback"))
                    .contains(model + " (answered HTTP 503");
            String fallbackId = header(fellBack, "x-pointsman-decision-id");

            // With every model failing the client gets a 502 in OpenAI's error shape.
            stub.fail(upstreamId(healthy), 500);
            HttpResponse<String> none = chat(prompt, false, null);
            assertThat(none.statusCode()).isEqualTo(502);
            assertThat(JSON.readTree(none.body()).at("/error/message").asText())
                    .contains("no model of pool 'gw' could answer");

            // Bad requests get a 4xx with the reason, in OpenAI's error shape.
            HttpResponse<String> unknown =
                    post(
                            "/v1/chat/completions",
                            "{\"model\":\"pointsman/nope\",\"messages\":[{\"role\":\"user\","
                                    + "\"content\":\"hi\"}]}");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(unknown.body()).at("/error/code").asText())
                    .isEqualTo("model_not_found");
            HttpResponse<String> empty =
                    post("/v1/chat/completions", "{\"model\":\"pointsman/gw\",\"messages\":[]}");
            assertThat(empty.statusCode()).isEqualTo(400);
            assertThat(JSON.readTree(empty.body()).at("/error/message").asText())
                    .contains("'messages' must be a non-empty array");

            // On router.outcomes: each answer's cost as soon as it ended (score null, quality not
            // known yet), the thumbs-up with the same cost, and the failure (score 0).
            List<Outcome> outcomes = E2e.committed(stack, Topics.OUTCOMES, Outcome.class);
            Outcome rated =
                    outcomes.stream()
                            .filter(o -> o.getQueryId().equals(decisionId) && o.getScore() != null)
                            .findFirst()
                            .orElseThrow();
            assertThat(rated.getModel()).isEqualTo(model);
            assertThat(rated.getScore()).isEqualTo(1.0);
            assertThat(rated.getCost()).isPositive();
            assertThat(outcomes)
                    .anySatisfy(
                            o -> {
                                assertThat(o.getQueryId()).isEqualTo(decisionId);
                                assertThat(o.getModel()).isEqualTo(model);
                                assertThat(o.getScore()).isNull();
                                assertThat(o.getCost()).isEqualTo(rated.getCost());
                            });
            assertThat(outcomes)
                    .anySatisfy(
                            o -> {
                                assertThat(o.getQueryId()).isEqualTo(streamedId);
                                assertThat(o.getModel()).isEqualTo(streamedModel);
                                assertThat(o.getScore()).isNull();
                                assertThat(o.getCost()).isPositive();
                            });
            assertThat(outcomes)
                    .anySatisfy(
                            o -> {
                                assertThat(o.getQueryId()).isEqualTo(fallbackId);
                                assertThat(o.getModel()).isEqualTo(model);
                                assertThat(o.getScore()).isEqualTo(0.0);
                            });

            // The ledger joined the feedback with the query's vector: the router learns from it.
            List<FeedbackExample> feedback =
                    E2e.committed(stack, Topics.FEEDBACK, FeedbackExample.class);
            assertThat(feedback)
                    .anySatisfy(
                            e -> {
                                assertThat(e.getExampleId()).isEqualTo(decisionId);
                                assertThat(e.getOutcomes().get(model).getScore()).isEqualTo(1.0);
                                assertThat(e.getDimension()).isEqualTo(384);
                            });
            // A judge: the pool names one of its models to grade its answers, and explores every
            // query. Each answer's score comes from the judge, and the explored models answer the
            // same request in the background, graded the same way.
            bench.models().forEach(m -> stub.heal(upstreamId(m)));
            String judgeModel = bench.models().get(0);
            stub.reply(upstreamId(judgeModel), "7");
            Map<String, String> judged = new java.util.HashMap<>(seeded.getDefaults());
            judged.put("judge.model", judgeModel);
            judged.put("exploration", "1");
            PoolSeeder.publish(
                    stack.producer(),
                    stack.wire(),
                    stub.answering(
                            PoolCatalog.newBuilder(seeded).setDefaults(judged).build(),
                            GatewayIT::upstreamId));
            List<Outcome> graded = List.of();
            String judgedId = null;
            deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            for (int i = 6; graded.size() < bench.models().size(); i++) {
                assertThat(System.nanoTime())
                        .as("the judge grades an answer and every explored model's")
                        .isLessThan(deadline);
                HttpResponse<String> asked = chat(traffic.get(i).prompt(), false, null);
                assertThat(asked.statusCode()).as(asked.body()).isEqualTo(200);
                String id = header(asked, "x-pointsman-decision-id");
                Thread.sleep(1_000);
                graded =
                        E2e.committed(stack, Topics.OUTCOMES, Outcome.class).stream()
                                .filter(o -> o.getQueryId().equals(id) && o.getScore() != null)
                                .toList();
                judgedId = id;
            }
            assertThat(graded)
                    .extracting(Outcome::getModel)
                    .containsExactlyInAnyOrderElementsOf(bench.models());
            assertThat(graded).allSatisfy(o -> assertThat(o.getScore()).isEqualTo(0.7));
            assertThat(graded).allSatisfy(o -> assertThat(o.getCost()).isPositive());
            // The judge rated the answer first: the application's rating comes too late.
            assertThat(feedback(judgedId, "{\"thumbs\":\"down\"}").statusCode()).isEqualTo(409);

            // The unrated stream's answer is in the support set as a cost: it counts toward the
            // pool's spend, not toward any prediction.
            assertThat(feedback)
                    .anySatisfy(
                            e -> {
                                assertThat(e.getExampleId()).isEqualTo(streamedId);
                                assertThat(e.getOutcomes().get(streamedModel).getScore()).isNaN();
                                assertThat(e.getOutcomes().get(streamedModel).getCost())
                                        .isPositive();
                            });
        }
    }

    private static String upstreamId(String model) {
        return "upstream-" + model;
    }

    private static String header(HttpResponse<?> r, String name) {
        return r.headers()
                .firstValue(name)
                .orElseThrow(() -> new AssertionError("no " + name + " header: " + r.headers()));
    }

    private HttpResponse<String> chat(String prompt, boolean stream, String session)
            throws Exception {
        ObjectNode body = JSON.createObjectNode().put("model", "pointsman/" + POOL);
        body.putArray("messages").addObject().put("role", "user").put("content", prompt);
        if (stream) {
            body.put("stream", true);
        }
        HttpRequest.Builder b =
                HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (session != null) {
            b.header("x-pointsman-session", session);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> feedback(String decisionId, String rest) throws Exception {
        return post("/v1/feedback", "{\"decisionId\":\"" + decisionId + "\"," + rest.substring(1));
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
