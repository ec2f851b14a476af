package io.cowscope.web.socket;

/** A message the server understood but refuses; the client gets an error message, the socket stays. */
public class ProtocolException extends RuntimeException {
    private final String code;

    public ProtocolException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
