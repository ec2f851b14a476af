package io.cowscope.session.web;

import io.cowscope.web.socket.Peer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** {@code {"type":"step","dir":"forward"|"back"}} → a delta (forward: the engine delta; back: a state). */
@Component
class StepHandler extends SessionHandler {

    StepHandler(SessionRegistry sessions) {
        super(sessions);
    }

    @Override
    public String type() {
        return "step";
    }

    @Override
    void handle(JsonNode m, Object id, Peer peer) {
        peer.send(sessions.of(peer).step(Requests.direction(m), id));
    }
}
