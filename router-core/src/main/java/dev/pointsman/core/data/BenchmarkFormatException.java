package dev.pointsman.core.data;

/** A benchmark file that breaks the format; the message names the file, the line and the reason. */
public final class BenchmarkFormatException extends IllegalArgumentException {
    private final String source;
    private final int line;
    private final String reason;

    public BenchmarkFormatException(String source, int line, String reason) {
        super(source + ":" + line + ": " + reason);
        this.source = source;
        this.line = line;
        this.reason = reason;
    }

    public String source() {
        return source;
    }

    /** 1-based line number. */
    public int line() {
        return line;
    }

    public String reason() {
        return reason;
    }
}
