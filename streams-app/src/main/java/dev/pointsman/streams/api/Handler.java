package dev.pointsman.streams.api;

import java.io.IOException;

/** One endpoint: answers a request, or throws {@link BadRequest} with the caller's mistake. */
@FunctionalInterface
public interface Handler {
    Response handle(Request request) throws BadRequest, IOException;
}
