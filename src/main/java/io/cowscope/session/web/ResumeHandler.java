package io.cowscope.session.web;

import io.cowscope.web.socket.Peer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** {@code {"type":"resume","token":T}} → the session, attached to this connection. */
@Component
class ResumeHandler extends SessionHandler {

    ResumeHandler(SessionRegistry sessions) {
        super(sessions);
    }

    @Override
    public String type() {
        return "resume";
    }

    @Override
    void handle(JsonNode m, Object id, Peer peer) {
        peer.send(sessions.resume(peer, Requests.string(m, "token")).view(id));
    }
}
