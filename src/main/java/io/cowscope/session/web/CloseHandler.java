package io.cowscope.session.web;

import io.cowscope.session.Views.Notice;
import io.cowscope.web.socket.Peer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** {@code {"type":"close"}} → closed; the session's memory is released. */
@Component
class CloseHandler extends SessionHandler {

    CloseHandler(SessionRegistry sessions) {
        super(sessions);
    }

    /** never heavy, however large the session: it only stops or lets go */
    @Override
    boolean heavy(JsonNode m, Peer peer) {
        return false;
    }

    @Override
    public String type() {
        return "close";
    }

    @Override
    void handle(JsonNode m, Object id, Peer peer) {
        boolean had = sessions.close(peer);
        peer.send(new Notice("closed", id, null, had ? null : "there was no session"));
    }
}
