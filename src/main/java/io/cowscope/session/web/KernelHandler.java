package io.cowscope.session.web;

import io.cowscope.web.socket.Peer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** {@code {"type":"kernel","version":"6.18"}} → the session re-run under that kernel, position kept (clamped). */
@Component
class KernelHandler extends SessionHandler {

    KernelHandler(SessionRegistry sessions) {
        super(sessions);
    }


    @Override
    public String type() {
        return "kernel";
    }

    @Override
    void handle(JsonNode m, Object id, Peer peer) {
        peer.send(sessions.of(peer).kernel(Requests.string(m, "version"), id));
    }
}
