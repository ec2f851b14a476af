package io.cowscope.session.web;

import io.cowscope.web.socket.Peer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** {@code {"type":"goto","step":N}} → a delta with the state at step N. */
@Component
class GotoHandler extends SessionHandler {

    GotoHandler(SessionRegistry sessions) {
        super(sessions);
    }

    @Override
    public String type() {
        return "goto";
    }

    @Override
    void handle(JsonNode m, Object id, Peer peer) {
        peer.send(sessions.of(peer).goTo(Requests.integer(m, "step"), id));
    }
}
