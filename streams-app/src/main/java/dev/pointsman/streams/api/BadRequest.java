package dev.pointsman.streams.api;

/** A request the caller got wrong: answered with its 4xx status and the reason. */
final class BadRequest extends Exception {
    private static final long serialVersionUID = 1L;
    final int status;

    BadRequest(int status, String reason) {
        super(reason);
        this.status = status;
    }
}
