package io.cowscope.session.web;

import io.cowscope.session.Deadline;
import io.cowscope.session.Session;
import io.cowscope.session.SessionException;
import io.cowscope.web.socket.MessageHandler;
import io.cowscope.web.socket.Messages;
import io.cowscope.web.socket.Peer;
import io.cowscope.web.socket.ProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * What every session message handler does around its own few lines: the version check, the
 * {@code id} echo, judging the request's cost (light ones are answered at once, heavy ones in turn:
 * {@link WorkQueue}), and turning the session's refusals into protocol errors (the session is unchanged).
 */
abstract class SessionHandler implements MessageHandler {
    private static final Logger log = LoggerFactory.getLogger(SessionHandler.class);

    final SessionRegistry sessions;

    SessionHandler(SessionRegistry sessions) {
        this.sessions = sessions;
    }

    /**
     * Whether this request is heavy: estimated to run a large scenario or build a large answer, so
     * that it waits for one of {@code cowscope.session.max-concurrent-work} turns. Judged before it
     * runs, without waiting for any lock. By default: a request on a large session
     * ({@link SessionRegistry#large}).
     */
    boolean heavy(JsonNode message, Peer peer) {
        return sessions.large(peer);
    }

    /** answers one request; {@code id} is the request's, to be echoed in the direct answer */
    abstract void handle(JsonNode message, Object id, Peer peer);

    @Override
    public final void handle(JsonNode message, Peer peer) {
        Object id = Requests.id(message);
        try {
            Requests.version(message);
        } catch (SessionException e) {
            throw new ProtocolException(e.code(), e.getMessage());
        }
        boolean heavy;
        try {
            heavy = heavy(message, peer);
        } catch (RuntimeException e) {
            heavy = false; // a malformed field: the handler says which, cheaply
        }
        sessions.work().submit(peer, heavy, () -> answer(message, id, peer),
                why -> peer.send(new Messages.Error("error", SessionException.LIMIT, why, id, WorkQueue.RETRY_AFTER_MS)));
    }

    private void answer(JsonNode message, Object id, Peer peer) {
        // every request (a re-run, its answer) within cowscope.session.max-run-millis, from when it starts
        try (Deadline d = Deadline.start(sessions.properties().maxRunMillis())) {
            handle(message, id, peer);
        } catch (Session.InvalidScenario e) {
            peer.send(e.view(id));
        } catch (Session.LimitedRun e) {
            peer.send(e.delta());
            peer.send(new Messages.Error(e.code(), e.getMessage(), id));
        } catch (SessionException e) {
            peer.send(new Messages.Error(e.code(), e.getMessage(), id));
        } catch (ProtocolException e) {
            peer.send(new Messages.Error(e.code(), e.getMessage(), id));
        } catch (RuntimeException e) {
            log.error("handler for '{}' failed on connection {}", type(), peer.id(), e);
            peer.send(new Messages.Error(Messages.INTERNAL, "the server failed on this message; see its log", id));
        }
    }
}
