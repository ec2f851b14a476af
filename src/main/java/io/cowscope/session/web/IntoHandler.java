package io.cowscope.session.web;

import io.cowscope.web.socket.Peer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** {@code {"type":"into"}} → the next kernel step of this step (or the next step's first). */
@Component
class IntoHandler extends SessionHandler {

    IntoHandler(SessionRegistry sessions) {
        super(sessions);
    }

    @Override
    public String type() {
        return "into";
    }

    @Override
    void handle(JsonNode m, Object id, Peer peer) {
        peer.send(sessions.of(peer).into(id));
    }
}
