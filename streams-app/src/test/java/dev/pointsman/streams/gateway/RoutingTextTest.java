package dev.pointsman.streams.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pointsman.streams.api.BadRequest;
import org.junit.jupiter.api.Test;

class RoutingTextTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s);
    }

    @Test
    void aChatIsRoutedByItsMessagesInOrder() throws Exception {
        JsonNode body =
                json(
                        "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
                                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[]},"
                                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Sum 2"
                                + " and 3\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]}]}");
        assertThat(RoutingText.of(body, Gateway.Kind.CHAT)).isEqualTo("Be brief.\n\nSum 2 and 3");
    }

    @Test
    void aCompletionIsRoutedByItsPrompt() throws Exception {
        assertThat(RoutingText.of(json("{\"prompt\":\"def f():\"}"), Gateway.Kind.COMPLETIONS))
                .isEqualTo("def f():");
        assertThat(RoutingText.of(json("{\"prompt\":[\"one\"]}"), Gateway.Kind.COMPLETIONS))
                .isEqualTo("one");
    }

    @Test
    void aLongTextKeepsBothEndsWithinTheLimit() {
        String head = "A".repeat(RoutingText.MAX_CHARS);
        String tail = "Z".repeat(RoutingText.MAX_CHARS);
        String cut = RoutingText.cut(head + tail);
        assertThat(cut.length()).isLessThanOrEqualTo(RoutingText.MAX_CHARS + 3);
        assertThat(cut)
                .startsWith("A".repeat(RoutingText.MAX_CHARS / 2))
                .endsWith("Z".repeat(RoutingText.MAX_CHARS / 2));
        assertThat(RoutingText.cut("short")).isEqualTo("short");
        // A surrogate pair at the cut stays whole.
        String emoji =
                "a".repeat(RoutingText.MAX_CHARS / 2 - 1)
                        + "😀"
                        + "b".repeat(RoutingText.MAX_CHARS);
        assertThat(RoutingText.cut(emoji)).contains("…");
        assertThat(
                        Character.isHighSurrogate(
                                RoutingText.cut(emoji).charAt(RoutingText.MAX_CHARS / 2 - 1)))
                .isFalse();
    }

    @Test
    void requestsWithoutTextAreRefusedWithTheReason() {
        assertThatThrownBy(() -> RoutingText.of(json("{\"messages\":[]}"), Gateway.Kind.CHAT))
                .isInstanceOf(BadRequest.class)
                .hasMessageContaining("'messages' must be a non-empty array");
        assertThatThrownBy(
                        () ->
                                RoutingText.of(
                                        json(
                                                "{\"messages\":[{\"role\":\"user\",\"content\":\" \"}]}"),
                                        Gateway.Kind.CHAT))
                .hasMessageContaining("no text to route by");
        assertThatThrownBy(
                        () ->
                                RoutingText.of(
                                        json("{\"messages\":[{\"role\":\"user\",\"content\":5}]}"),
                                        Gateway.Kind.CHAT))
                .hasMessageContaining("messages[0].content must be a string or an array");
        assertThatThrownBy(
                        () ->
                                RoutingText.of(
                                        json("{\"prompt\":[\"a\",\"b\"]}"),
                                        Gateway.Kind.COMPLETIONS))
                .hasMessageContaining("one prompt per request");
    }
}
