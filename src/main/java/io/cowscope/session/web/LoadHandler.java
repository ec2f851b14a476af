package io.cowscope.session.web;

import io.cowscope.scenario.Gallery;
import io.cowscope.session.Session;
import io.cowscope.session.SessionException;
import io.cowscope.session.SessionProperties;
import io.cowscope.web.socket.Peer;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * {@code {"type":"load","scenario":{"text":…}|{"gallery":ID},"kernel":"5.7","config":{…},"compare":"6.18"}}
 * → diagnostics, or the session with its initial state.
 */
@Component
class LoadHandler extends SessionHandler {
    private final Gallery gallery = Gallery.load();

    LoadHandler(SessionRegistry sessions) {
        super(sessions);
    }

    /**
     * A load is light when its text is short and its run maps at most {@code light-work-pages} pages
     * in at most {@link SessionProperties#LIGHT_WORK_STEPS} operations (both runs when comparing).
     */
    @Override
    boolean heavy(JsonNode m, Peer peer) {
        String text = text(Requests.object(m, "scenario"));
        if (text.length() > SessionProperties.LIGHT_WORK_TEXT) {
            return true;
        }
        Session.Estimate e = Session.estimate(new Session.LoadRequest(text, null, null, null, null, null,
                Requests.optionalString(m, "compare")), sessions.properties());
        return e != null && (e.pages() > sessions.properties().lightWorkPages()
                || e.operations() > SessionProperties.LIGHT_WORK_STEPS);
    }

    private String text(JsonNode scenario) {
        String text = Requests.optionalString(scenario, "text");
        if (text == null) {
            String name = Requests.string(scenario, "gallery");
            text = gallery.find(name).map(Gallery.Entry::text).orElseThrow(() -> new SessionException(
                    SessionException.INVALID, "no gallery scenario \"" + name + "\""));
        }
        return text;
    }

    @Override
    public String type() {
        return "load";
    }

    @Override
    void handle(JsonNode m, Object id, Peer peer) {
        JsonNode scenario = Requests.object(m, "scenario");
        String text = text(scenario);
        JsonNode config = m.get("config");
        if (config != null && !config.isNull()) {
            config = Requests.object(m, "config");
        }
        Session.LoadRequest request = config == null || config.isNull()
                ? new Session.LoadRequest(text, Requests.optionalString(m, "kernel"), null, null, null, null,
                        Requests.optionalString(m, "compare"))
                : new Session.LoadRequest(text, Requests.optionalString(m, "kernel"),
                        Requests.optionalInteger(config, "cpus"), Requests.optionalString(config, "thp"),
                        Requests.optionalBoolean(config, "swap"), Requests.optionalBoolean(config, "softDirty"),
                        Requests.optionalString(m, "compare"));
        peer.send(sessions.loadView(peer, request, id));
    }
}
