package io.cowscope.session.web;

import io.cowscope.web.socket.Peer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** {@code {"type":"play","speed":MS}} → playing, then one delta per MS milliseconds until ended (or pause). */
@Component
class PlayHandler extends SessionHandler {

    PlayHandler(SessionRegistry sessions) {
        super(sessions);
    }

    @Override
    public String type() {
        return "play";
    }

    @Override
    void handle(JsonNode m, Object id, Peer peer) {
        sessions.of(peer).play(Requests.integer(m, "speed"), sessions.scheduler(), id);
    }
}
