package dev.pointsman.kafka;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * One node of a Kafka cluster as its own process, for clusters on loopback ({@code pointsman
 * cluster}): {@code --id N --dir DIR --port P --controller-port C --voters 1@127.0.0.1:C1,...
 * --cluster-id ID}. Runs until SIGTERM, then shuts down cleanly.
 */
public final class KafkaNodeMain {
    private KafkaNodeMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected an option, got '" + args[i] + "'");
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        for (String required : List.of("id", "dir", "port", "controller-port", "voters")) {
            if (!options.containsKey(required)) {
                throw new IllegalArgumentException("--" + required + " must be set");
            }
        }
        EmbeddedKafka node =
                EmbeddedKafka.start(
                        new EmbeddedKafka.Node(
                                Integer.parseInt(options.get("id")),
                                Path.of(options.get("dir")),
                                Integer.parseInt(options.get("port")),
                                Integer.parseInt(options.get("controller-port")),
                                options.get("voters"),
                                options.get("cluster-id")));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    node.close();
                                    stopped.countDown();
                                },
                                "kafka-node-shutdown"));
        stopped.await();
    }
}
