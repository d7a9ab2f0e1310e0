package io.flowpulse.ml.classify;

/** A model payload that cannot be used; the message is the rejection reason. */
public class ModelDecodeException extends Exception {
    public ModelDecodeException(String message, Throwable cause) {
        super(message, cause);
    }

    public ModelDecodeException(String message) {
        super(message);
    }
}
