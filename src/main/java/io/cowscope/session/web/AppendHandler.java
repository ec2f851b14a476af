package io.cowscope.session.web;

import io.cowscope.web.socket.Peer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** {@code {"type":"append","statement":"parent: write buf \\"x\\""}} → diagnostics, or a delta at the new end listing the appended statements. */
@Component
class AppendHandler extends SessionHandler {

    AppendHandler(SessionRegistry sessions) {
        super(sessions);
    }

    /** appended statements may map any number of pages: always heavy */
    @Override
    boolean heavy(JsonNode m, Peer peer) {
        return true;
    }

    @Override
    public String type() {
        return "append";
    }

    @Override
    void handle(JsonNode m, Object id, Peer peer) {
        peer.send(sessions.of(peer).append(Requests.string(m, "statement"), id));
    }
}
