package io.cowscope.session.web;

import io.cowscope.web.socket.Peer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** {@code {"type":"compare","kernel":"6.18"|null}} → the session with (or without) a second run in lockstep. */
@Component
class CompareHandler extends SessionHandler {

    CompareHandler(SessionRegistry sessions) {
        super(sessions);
    }


    @Override
    public String type() {
        return "compare";
    }

    @Override
    void handle(JsonNode m, Object id, Peer peer) {
        peer.send(sessions.of(peer).compare(Requests.optionalString(m, "kernel"), id));
    }
}
