package io.cowscope.session.web;

import io.cowscope.web.socket.Peer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** {@code {"type":"strip","proc":P,"var":V,"first":I,"last":J}} → one character per page, for strip views. */
@Component
class StripHandler extends SessionHandler {

    StripHandler(SessionRegistry sessions) {
        super(sessions);
    }

    /** a strip of more than {@code light-work-pages} pages, or on a large session */
    @Override
    boolean heavy(JsonNode m, Peer peer) {
        return sessions.large(peer)
                || (long) Requests.integer(m, "last") - Requests.integer(m, "first") + 1 > sessions.properties().lightWorkPages();
    }

    @Override
    public String type() {
        return "strip";
    }

    @Override
    void handle(JsonNode m, Object id, Peer peer) {
        peer.send(sessions.of(peer).strip(Requests.string(m, "proc"), Requests.string(m, "var"),
                Requests.integer(m, "first"), Requests.integer(m, "last"), id));
    }
}
