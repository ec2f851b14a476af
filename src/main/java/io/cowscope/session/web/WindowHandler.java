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

    /** a window larger than the default ({@code window-ptes}), or on a large session */
    @Override
    boolean heavy(JsonNode m, Peer peer) {
        return sessions.large(peer)
                || (long) Requests.integer(m, "last") - Requests.integer(m, "first") + 1 > sessions.properties().windowPtes();
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
