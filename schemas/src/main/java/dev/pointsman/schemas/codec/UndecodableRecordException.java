package dev.pointsman.schemas.codec;

/** Bytes that are not a record of the expected schema; the message says why (for the DLQ). */
public final class UndecodableRecordException extends Exception {
    public UndecodableRecordException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
