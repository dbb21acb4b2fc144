package dev.pointsman.cli.demo;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class StreamsChildTest {
    /**
     * A port something else listens on (a streams app left over from an earlier run, say) is
     * refused before the app starts, naming the option that moves it: otherwise that other process
     * would answer the health check and the run would go on without its own metrics.
     */
    @Test
    void aPortInUseIsRefusedNamingTheOption() throws Exception {
        int port;
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(0));
            port = taken.getLocalPort();
            assertThatThrownBy(() -> StreamsChild.requireFree(port))
                    .hasMessageContaining("port " + port + " is in use")
                    .hasMessageContaining("--http-port");
        }
        assertThatCode(() -> StreamsChild.requireFree(port)).doesNotThrowAnyException();
    }
}
