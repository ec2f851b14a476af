package io.cowscope.web.socket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import tools.jackson.databind.ObjectMapper;

/**
 * The {@code /ws} endpoint: JSON text frames in, JSON text frames out. Each connection's
 * session is wrapped so that later streams (engine steps) can send from any thread.
 */
@Component
class SocketHandler extends TextWebSocketHandler {
    private static final Logger log = LoggerFactory.getLogger(SocketHandler.class);
    /** how long one send may block, and how much may queue behind a slow client */
    private static final int SEND_TIME_LIMIT_MS = 10_000;
    private static final int SEND_BUFFER_LIMIT_BYTES = 4 * 1024 * 1024;
    /**
     * The container's receive buffer per connection. Frames arrive in pieces of at most this size
     * and are joined here, so that a connection does not hold a buffer as large as the largest
     * message it may send (Tomcat allocates that buffer per connection: 1 MiB for 512 Ki chars).
     */
    private static final int RECEIVE_BUFFER_CHARS = 8 * 1024;
    private static final String PARTIAL = SocketHandler.class.getName() + ".partial";

    private final MessageDispatcher dispatcher;
    private final ObjectMapper json;
    private final Map<String, SessionPeer> peers = new ConcurrentHashMap<>();

    private final int maxTextMessageBytes;

    private final List<ConnectionListener> listeners;

    SocketHandler(MessageDispatcher dispatcher, ObjectMapper json, SocketProperties properties,
            List<ConnectionListener> listeners) {
        this.dispatcher = dispatcher;
        this.listeners = List.copyOf(listeners);
        this.json = json;
        this.maxTextMessageBytes = properties.maxTextMessageBytes();
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) {
        // a larger message closes the connection with 1009 (message too big), see handleTextMessage
        session.setTextMessageSizeLimit(Math.min(RECEIVE_BUFFER_CHARS, maxTextMessageBytes));
        peers.put(session.getId(), new SessionPeer(
                new ConcurrentWebSocketSessionDecorator(session, SEND_TIME_LIMIT_MS, SEND_BUFFER_LIMIT_BYTES)));
    }

    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) throws IOException {
        SessionPeer peer = peers.get(session.getId());
        if (peer == null) {
            return;
        }
        StringBuilder partial = (StringBuilder) session.getAttributes().get(PARTIAL);
        if (message.isLast() && partial == null) {
            dispatcher.dispatch(message.getPayload(), peer);
            return;
        }
        if (partial == null) {
            partial = new StringBuilder();
            session.getAttributes().put(PARTIAL, partial);
        }
        partial.append(message.getPayload());
        if (partial.length() > maxTextMessageBytes) {
            session.getAttributes().remove(PARTIAL);
            session.close(CloseStatus.TOO_BIG_TO_PROCESS.withReason("a message is at most " + maxTextMessageBytes));
            return;
        }
        if (message.isLast()) {
            session.getAttributes().remove(PARTIAL);
            dispatcher.dispatch(partial.toString(), peer);
        }
    }

    @Override
    public boolean supportsPartialMessages() {
        return true;
    }

    @Override
    protected void handleBinaryMessage(WebSocketSession session, BinaryMessage message) {
        SessionPeer peer = peers.get(session.getId());
        if (peer != null && message.isLast()) {
            peer.send(new Messages.Error(Messages.MALFORMED, "messages are JSON text frames, not binary"));
        }
    }

    @Override
    public void handleTransportError(WebSocketSession session, Throwable exception) {
        log.debug("transport error on connection {}", session.getId(), exception);
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        SessionPeer peer = peers.remove(session.getId());
        if (peer == null) {
            return;
        }
        for (ConnectionListener listener : listeners) {
            try {
                listener.closed(peer);
            } catch (RuntimeException e) {
                log.warn("connection listener failed on connection {}", session.getId(), e);
            }
        }
    }

    /** connections open now */
    int openConnections() {
        return peers.size();
    }

    private final class SessionPeer implements Peer {
        private final WebSocketSession session;

        SessionPeer(WebSocketSession session) {
            this.session = session;
        }

        @Override
        public String id() {
            return session.getId();
        }

        @Override
        public void send(Object message) {
            if (!session.isOpen()) {
                return;
            }
            try {
                session.sendMessage(new TextMessage(json.writeValueAsString(message)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot send to connection " + session.getId(), e);
            }
        }

        @Override
        public Map<String, Object> attributes() {
            return session.getAttributes();
        }
    }
}
