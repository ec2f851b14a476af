package io.cowscope.session.web;

import io.cowscope.session.Breakpoint;
import io.cowscope.web.socket.Peer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/** {@code {"type":"run","dir":…,"until":{"event":"cow"} | {"condition":{…}}}} → a delta at the first matching step, or at the end. */
@Component
class RunHandler extends SessionHandler {

    RunHandler(SessionRegistry sessions) {
        super(sessions);
    }


    @Override
    public String type() {
        return "run";
    }

    @Override
    void handle(JsonNode m, Object id, Peer peer) {
        peer.send(sessions.of(peer).run(Requests.direction(m), breakpoint(Requests.object(m, "until")), id));
    }

    static Breakpoint breakpoint(JsonNode until) {
        String event = Requests.optionalString(until, "event");
        if (event != null) {
            return Breakpoint.OnEvent.of(event);
        }
        JsonNode c = Requests.object(until, "condition");
        JsonNode value = c.get("value");
        Object v = value == null || value.isNull() ? null : value.isValueNode() ? value.asString() : value.toString();
        return new Breakpoint.OnCondition(Requests.string(c, "proc"), Requests.string(c, "var"),
                Requests.integer(c, "page"), Requests.string(c, "field"), Requests.string(c, "op"), v);
    }
}
