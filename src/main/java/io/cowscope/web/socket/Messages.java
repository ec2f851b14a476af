package io.cowscope.web.socket;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The messages the server sends, one record each; the field order is the JSON order. */
public final class Messages {
    /** version of the socket protocol; a client's hello names the version it speaks */
    public static final int PROTOCOL_VERSION = 1;

    private Messages() {
    }

    /**
     * The answer to a client's hello: who the server is; {@code host} names this machine's kernel
     * when the server runs scenarios on it ({@code cowscope.host.enabled}), else it is left out.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Hello(String type, int v, String server, String engine, String host) {
        public Hello(String server, String engine) {
            this("hello", PROTOCOL_VERSION, server, engine, null);
        }

        public Hello(String server, String engine, String host) {
            this("hello", PROTOCOL_VERSION, server, engine, host);
        }
    }

    /**
     * Something the client sent could not be handled; the connection stays open. Codes are
     * stable: {@code malformed}, {@code unknown-type}, {@code unsupported-version}, {@code internal}.
     * {@code retryAfterMs} is set on refusals that are worth sending again unchanged after about
     * that long (the server was busy); absent otherwise.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Error(String type, String code, String message, Object id, Long retryAfterMs) {
        public Error(String code, String message) {
            this("error", code, message, null, null);
        }

        /** an error answering a request that carried an {@code id}: the id is echoed */
        public Error(String code, String message, Object id) {
            this("error", code, message, id, null);
        }
    }

    public static final String MALFORMED = "malformed";
    public static final String UNKNOWN_TYPE = "unknown-type";
    public static final String UNSUPPORTED_VERSION = "unsupported-version";
    public static final String INTERNAL = "internal";
}
