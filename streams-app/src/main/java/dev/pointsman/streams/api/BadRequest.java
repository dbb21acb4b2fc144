package dev.pointsman.streams.api;

/** A request the caller got wrong: answered with its 4xx status and the reason. */
public final class BadRequest extends Exception {
    private static final long serialVersionUID = 1L;
    public final int status;

    public BadRequest(int status, String reason) {
        super(reason);
        this.status = status;
    }
}
