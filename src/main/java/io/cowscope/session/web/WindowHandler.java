package io.cowscope.session.web;

import io.cowscope.web.socket.Peer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** {@code {"type":"window","proc":P,"var":V,"first":I,"last":J}} → PTEs and pages of that range at the current step. */
@Component
class WindowHandler extends SessionHandler {

    WindowHandler(SessionRegistry sessions) {
        super(sessions);
    }

    @Override
    boolean heavy() {
        return true;
    }

    @Override
    public String type() {
        return "window";
    }

    @Override
    void handle(JsonNode m, Object id, Peer peer) {
        peer.send(sessions.of(peer).window(Requests.string(m, "proc"), Requests.string(m, "var"),
                Requests.integer(m, "first"), Requests.integer(m, "last"), id));
    }
}
