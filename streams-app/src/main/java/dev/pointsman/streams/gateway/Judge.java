package dev.pointsman.streams.gateway;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pointsman.core.route.JudgeSettings;
import dev.pointsman.schemas.CatalogModel;
import dev.pointsman.schemas.PoolCatalog;
import dev.pointsman.streams.api.Response;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Grades answers with a model of the pool's own catalog, through the same upstreams (and their
 * limits) as every answer: for pools that want scores without asking their users. A catalog sets
 * {@code judge.model} (a model of the catalog with an upstream) and optionally {@code judge.share},
 * the share of answers graded (default 1). The judge is asked to rate the answer to the request
 * from 0 to 10 and to reply with the number; its first number, divided by 10, is the score.
 */
final class Judge {
    static final String RUBRIC =
            "You grade an AI assistant's answer to a user's request. Rate how well the answer"
                    + " serves the request, from 0 (wrong, harmful or no answer) to 10 (correct,"
                    + " complete and clear). Reply with the number only.";

    private static final int MAX_REPLY_BYTES = 1 << 20;
    private static final Pattern NUMBER = Pattern.compile("\\d+(?:\\.\\d+)?");

    /** A pool's judge: its model and the share of answers it grades. */
    record Settings(CatalogModel model, JudgeSettings judge) {
        /**
         * The catalog's judge, or null when it sets none.
         *
         * @throws IllegalArgumentException naming the default at fault
         */
        static @Nullable Settings of(PoolCatalog catalog) {
            Map<String, CatalogModel> byName = new HashMap<>();
            catalog.getModels().forEach(m -> byName.put(m.getName(), m));
            JudgeSettings j =
                    JudgeSettings.parse(
                            catalog.getPool(),
                            catalog.getDefaults(),
                            byName::containsKey,
                            name -> byName.get(name).getUpstream() != null);
            return j == null ? null : new Settings(byName.get(j.model()), j);
        }

        double share() {
            return judge.share();
        }

        boolean grades(String decisionId) {
            return judge.grades(decisionId);
        }
    }

    /** A grade in [0, 1] and what asking for it cost, USD. */
    record Grade(double score, double cost) {}

    private final Upstreams upstreams;

    Judge(Upstreams upstreams) {
        this.upstreams = upstreams;
    }

    /**
     * Asks {@code judge} to grade {@code answer} to {@code request}; null when its reply holds no
     * grade on the scale.
     *
     * @throws Upstreams.Unavailable when the judge cannot be asked (busy, unreachable, no key)
     * @throws IOException when it answers with an error or breaks off
     */
    @Nullable Grade grade(String pool, CatalogModel judge, String request, String answer)
            throws Upstreams.Unavailable, InterruptedException, IOException {
        ObjectNode body = Response.JSON.createObjectNode();
        String id = judge.getUpstream() == null ? null : judge.getUpstream().getModel();
        body.put("model", id == null ? judge.getName() : id);
        ArrayNode messages = body.putArray("messages");
        messages.addObject().put("role", "system").put("content", RUBRIC);
        messages.addObject()
                .put("role", "user")
                .put("content", "Request:\n" + request + "\n\nAnswer:\n" + answer);
        body.put("temperature", 0);
        body.put("max_tokens", 8);
        byte[] reply;
        int status;
        try (Upstreams.Call call =
                upstreams.send(
                        pool,
                        judge,
                        Gateway.Kind.CHAT.path,
                        Response.JSON.writeValueAsBytes(body))) {
            status = call.response.statusCode();
            reply = call.response.body().readNBytes(MAX_REPLY_BYTES);
        }
        if (status >= 400) {
            throw new IOException("the judge " + judge.getName() + " answered HTTP " + status);
        }
        Double score = parse(Relay.textOfJson(reply));
        if (score == null) {
            return null;
        }
        return new Grade(score, Gateway.priced(Relay.ofJson(reply), judge, 0));
    }

    /**
     * The first number of a reply on the 0–10 scale, as a score in [0, 1]; null when the reply has
     * no number or its first is above 10.
     */
    static @Nullable Double parse(String reply) {
        Matcher m = NUMBER.matcher(reply);
        if (!m.find()) {
            return null;
        }
        double v = Double.parseDouble(m.group());
        return v <= 10 ? v / 10 : null;
    }
}
