package io.cowscope.session.web;

import io.cowscope.web.socket.Peer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** {@code {"type":"strip","proc":P,"var":V,"first":I,"last":J}} → one character per page, for strip views. */
@Component
class StripHandler extends SessionHandler {

    StripHandler(SessionRegistry sessions) {
        super(sessions);
    }

    @Override
    boolean heavy() {
        return true;
    }

    @Override
    public String type() {
        return "strip";
    }

    @Override
    void handle(JsonNode m, Object id, Peer peer) {
        peer.send(sessions.of(peer).strip(Requests.string(m, "proc"), Requests.string(m, "var"),
                Requests.integer(m, "first"), Requests.integer(m, "last"), id));
    }
}
