package io.cowscope.session.web;

import io.cowscope.session.Session;
import io.cowscope.session.SessionException;
import io.cowscope.web.socket.MessageHandler;
import io.cowscope.web.socket.Peer;
import io.cowscope.web.socket.ProtocolException;
import tools.jackson.databind.JsonNode;

/**
 * What every session message handler does around its own few lines: the version check, the
 * {@code id} echo, and turning the session's refusals into protocol errors (the session is unchanged).
 */
abstract class SessionHandler implements MessageHandler {
    final SessionRegistry sessions;

    SessionHandler(SessionRegistry sessions) {
        this.sessions = sessions;
    }

    /** requests that run scenarios or build large answers take a turn of cowscope.session.max-concurrent-work */
    boolean heavy() {
        return false;
    }

    /** answers one request; {@code id} is the request's, to be echoed in the direct answer */
    abstract void handle(JsonNode message, Object id, Peer peer);

    @Override
    public final void handle(JsonNode message, Peer peer) {
        Object id = Requests.id(message);
        // every request (a re-run, its answer) within cowscope.session.max-run-millis
        try (io.cowscope.session.Deadline d = io.cowscope.session.Deadline.start(sessions.properties().maxRunMillis())) {
            Requests.version(message);
            if (heavy() && (type().equals("load") || sessions.hasSession(peer))) {
                sessions.heavy(() -> {
                    handle(message, id, peer);
                    return null;
                });
            } else {
                handle(message, id, peer);
            }
        } catch (Session.InvalidScenario e) {
            peer.send(e.view(id));
        } catch (Session.LimitedRun e) {
            peer.send(e.delta());
            throw new ProtocolException(e.code(), e.getMessage());
        } catch (SessionException e) {
            throw new ProtocolException(e.code(), e.getMessage());
        }
    }
}
