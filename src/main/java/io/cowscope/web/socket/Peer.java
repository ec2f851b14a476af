package io.cowscope.web.socket;

import java.util.Map;

/** The other end of one socket, as a message handler sees it. */
public interface Peer {
    /** stable for the life of the connection */
    String id();

    /** Sends one message, serialised as JSON; safe from any thread. */
    void send(Object message);

    /** the client's address (for per-address limits) */
    default String address() {
        return "unknown";
    }

    /** per-connection state that handlers keep between messages */
    Map<String, Object> attributes();
}
