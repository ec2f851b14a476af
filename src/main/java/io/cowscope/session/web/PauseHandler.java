package io.cowscope.session.web;

import io.cowscope.web.socket.Peer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** {@code {"type":"pause"}} → paused. */
@Component
class PauseHandler extends SessionHandler {

    PauseHandler(SessionRegistry sessions) {
        super(sessions);
    }

    /** never heavy, however large the session: it only stops or lets go */
    @Override
    boolean heavy(JsonNode m, Peer peer) {
        return false;
    }

    @Override
    public String type() {
        return "pause";
    }

    @Override
    void handle(JsonNode m, Object id, Peer peer) {
        peer.send(sessions.of(peer).pause(id));
    }
}
