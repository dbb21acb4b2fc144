package dev.pointsman.streams.api;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * An endpoint whose answer comes later (a decision read from Kafka): it checks the request on the
 * request thread, throwing {@link BadRequest} at once, and returns a future that the transport
 * answers from when it completes, so no request thread waits meanwhile.
 */
@FunctionalInterface
public interface AsyncHandler {
    CompletableFuture<Response> handle(Request request) throws BadRequest, IOException;
}
