package dev.pointsman.streams.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RelayTest {
    private static final String WORD =
            "data: {\"id\":\"1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}]}\n\n";
    private static final String USAGE_ONLY =
            "data: {\"id\":\"1\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,"
                    + "\"completion_tokens\":3,\"total_tokens\":15}}\n\n";
    private static final String DONE = "data: [DONE]\n\n";

    private static String copy(String upstream, boolean drop, Relay.Usage[] usage)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        usage[0] =
                Relay.copyEvents(
                        new ByteArrayInputStream(upstream.getBytes(StandardCharsets.UTF_8)),
                        out,
                        drop,
                        new StringBuilder());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theAnswersTextIsReadFromAStreamAndFromJsonForAJudge() throws IOException {
        StringBuilder text = new StringBuilder();
        Relay.copyEvents(
                new ByteArrayInputStream(
                        (WORD + WORD + USAGE_ONLY + DONE).getBytes(StandardCharsets.UTF_8)),
                new ByteArrayOutputStream(),
                true,
                text);
        assertThat(text).hasToString("hihi");
        assertThat(
                        Relay.textOfJson(
                                "{\"choices\":[{\"message\":{\"content\":\"an answer\"}}]}"
                                        .getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("an answer");
        assertThat(
                        Relay.textOfJson(
                                "{\"choices\":[{\"text\":\"completed\"}]}"
                                        .getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("completed");
        assertThat(Relay.textOfJson("not json".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void aStreamIsCopiedUnchangedAndItsUsageRead() throws IOException {
        Relay.Usage[] usage = new Relay.Usage[1];
        String upstream = WORD + WORD + USAGE_ONLY + DONE;
        assertThat(copy(upstream, false, usage)).isEqualTo(upstream);
        assertThat(usage[0]).isEqualTo(new Relay.Usage(12, 3));
    }

    @Test
    void theUsageEventTheGatewayAskedForIsLeftOut() throws IOException {
        Relay.Usage[] usage = new Relay.Usage[1];
        assertThat(copy(WORD + USAGE_ONLY + DONE, true, usage)).isEqualTo(WORD + DONE);
        assertThat(usage[0]).isEqualTo(new Relay.Usage(12, 3));
    }

    @Test
    void usageOnAChunkWithChoicesIsKeptEvenWhenDropping() throws IOException {
        String both =
                "data: {\"choices\":[{\"index\":0,\"delta\":{}}],"
                        + "\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":7}}\r\n\r\n";
        Relay.Usage[] usage = new Relay.Usage[1];
        assertThat(copy(both + DONE, true, usage)).isEqualTo(both + DONE);
        assertThat(usage[0]).isEqualTo(new Relay.Usage(5, 7));
    }

    @Test
    void aStreamWithoutUsageOrCutShortIsStillCopied() throws IOException {
        Relay.Usage[] usage = new Relay.Usage[1];
        String cut = WORD + "data: {\"choices\":[";
        assertThat(copy(cut, true, usage)).isEqualTo(cut);
        assertThat(usage[0]).isNull();
    }

    @Test
    void aClientThatLeavesIsToldApartFromAnUpstreamThatBreaksOff() {
        java.io.OutputStream closed =
                new java.io.OutputStream() {
                    @Override
                    public void write(int b) throws IOException {
                        throw new IOException("Broken pipe");
                    }
                };
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () ->
                                Relay.copyEvents(
                                        new ByteArrayInputStream(
                                                WORD.getBytes(StandardCharsets.UTF_8)),
                                        closed,
                                        false,
                                        new StringBuilder()))
                .isInstanceOf(Relay.ClientGone.class);
        java.io.InputStream broken =
                new java.io.InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new IOException("connection reset");
                    }
                };
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () ->
                                Relay.copyEvents(
                                        broken,
                                        new ByteArrayOutputStream(),
                                        false,
                                        new StringBuilder()))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(Relay.ClientGone.class);
    }

    @Test
    void aJsonAnswersUsage() {
        byte[] body =
                "{\"choices\":[],\"usage\":{\"prompt_tokens\":100,\"completion_tokens\":20}}"
                        .getBytes(StandardCharsets.UTF_8);
        assertThat(Relay.ofJson(body)).isEqualTo(new Relay.Usage(100, 20));
        assertThat(Relay.ofJson("{\"choices\":[]}".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(Relay.ofJson("not json".getBytes(StandardCharsets.UTF_8))).isNull();
    }
}
