package io.cowscope.session.web;

import io.cowscope.web.socket.Peer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * {@code {"type":"host"}} → the session's scenario run on this machine's kernel, step by step beside
 * the model (docs/protocol.md "host"); refused with {@code disabled} unless {@code cowscope.host.enabled}.
 */
@Component
class HostHandler extends SessionHandler {
    private final HostRunner runner;

    HostHandler(SessionRegistry sessions, HostRunner runner) {
        super(sessions);
        this.runner = runner;
    }

    /** a native run is always heavy: it waits for a turn of cowscope.session.max-concurrent-work */
    @Override
    boolean heavy(JsonNode message, Peer peer) {
        return true;
    }

    @Override
    public String type() {
        return "host";
    }

    @Override
    void handle(JsonNode m, Object id, Peer peer) {
        runner.checkEnabled();
        peer.send(runner.run(sessions.of(peer), id));
    }
}
