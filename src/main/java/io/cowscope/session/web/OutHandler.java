package io.cowscope.session.web;

import io.cowscope.web.socket.Peer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** {@code {"type":"out"}} → out of the current kernel function (kernelStep -1: the whole step). */
@Component
class OutHandler extends SessionHandler {

    OutHandler(SessionRegistry sessions) {
        super(sessions);
    }

    @Override
    public String type() {
        return "out";
    }

    @Override
    void handle(JsonNode m, Object id, Peer peer) {
        peer.send(sessions.of(peer).out(id));
    }
}
