package io.flowpulse.records.codec;

/** A record that could not be decoded; {@link #reason()} is a short, stable text for the dead-letter topic. */
public class RecordDecodeException extends Exception {
    private final String reason;
    private final String detail;

    public RecordDecodeException(String reason, String detail, Throwable cause) {
        super(reason + (detail == null ? "" : ": " + detail), cause);
        this.reason = reason;
        this.detail = detail;
    }

    /** The detail after the reason, may be null. */
    public String detail() {
        return detail;
    }

    /** Short machine-friendly reason, e.g. {@code unknown-schema-fingerprint}. */
    public String reason() {
        return reason;
    }
}
