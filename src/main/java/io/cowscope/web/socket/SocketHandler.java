package io.cowscope.web.socket;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.BinaryMessage;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.standard.StandardWebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import tools.jackson.databind.ObjectMapper;

/**
 * The {@code /ws} endpoint: JSON text frames in, JSON text frames out.
 *
 * <p>Sending never blocks the thread that answers: each connection has a queue, drained by
 * asynchronous writes one message at a time. What waits for one connection (queued and in flight)
 * is bounded by {@code cowscope.ws.max-send-buffer-bytes}, what waits for all of them by
 * {@code cowscope.ws.send-budget-percent} of the heap, and one write by
 * {@code cowscope.ws.send-timeout}; a client that falls behind is closed with 1008 and a reason
 * naming the limit. Connections per client address are capped ({@link ClientAddresses}).
 */
@Component
class SocketHandler extends TextWebSocketHandler implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(SocketHandler.class);
    /** Tomcat's blocking-send timeout (close frames); a slow reader must not hold a thread long */
    private static final String BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";
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
    private final SocketProperties properties;
    private final ClientAddresses addresses;
    private final int maxTextMessageBytes;
    private final long sendBudget;
    private final AtomicLong waiting = new AtomicLong();
    private final List<ConnectionListener> listeners;
    /** continues a connection's queue after a write completed */
    private final ExecutorService sender;
    /** closes slow readers (a close frame may wait for a stuck write up to Tomcat's blocking-send timeout) */
    private final ExecutorService closer;

    SocketHandler(MessageDispatcher dispatcher, ObjectMapper json, SocketProperties properties, ClientAddresses addresses,
            List<ConnectionListener> listeners) {
        this.dispatcher = dispatcher;
        this.listeners = List.copyOf(listeners);
        this.json = json;
        this.properties = properties;
        this.addresses = addresses;
        this.maxTextMessageBytes = properties.maxTextMessageBytes();
        this.sendBudget = properties.sendBudgetChars();
        AtomicInteger n = new AtomicInteger();
        this.sender = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "cowscope-ws-send-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.closer = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "cowscope-ws-close-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) throws IOException {
        CloseStatus refused = addresses.admit(session);
        if (refused != null) {
            ClientErrors.log(ClientAddresses.of(session), refused.getReason());
            session.close(refused);
            return;
        }
        // a larger message closes the connection with 1009 (message too big), see handleTextMessage
        session.setTextMessageSizeLimit(Math.min(RECEIVE_BUFFER_CHARS, maxTextMessageBytes));
        jakarta.websocket.Session nativeSession = session instanceof StandardWebSocketSession s ? s.getNativeSession() : null;
        if (nativeSession != null) {
            nativeSession.getUserProperties().put(BLOCKING_SEND_TIMEOUT, 1_000L);
            nativeSession.getAsyncRemote().setSendTimeout(properties.sendTimeout().toMillis());
        }
        peers.put(session.getId(), new SessionPeer(session, nativeSession, ClientAddresses.of(session)));
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
        if (partial.length() + message.getPayloadLength() > maxTextMessageBytes) {
            session.getAttributes().remove(PARTIAL);
            ClientErrors.log(peer.id(), "a message longer than " + maxTextMessageBytes
                    + " characters (cowscope.ws.max-text-message-bytes); closed with 1009");
            session.close(CloseStatus.TOO_BIG_TO_PROCESS.withReason("a message is at most " + maxTextMessageBytes
                    + " characters (cowscope.ws.max-text-message-bytes)"));
            return;
        }
        partial.append(message.getPayload());
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
        log.debug("transport error on connection {}: {}", session.getId(), exception.toString());
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        addresses.closed(session);
        session.getAttributes().remove(PARTIAL);
        SessionPeer peer = peers.remove(session.getId());
        if (peer == null) {
            return;
        }
        peer.drop();
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

    /** characters waiting to be sent, all connections together */
    long waitingChars() {
        return waiting.get();
    }

    @Override
    public void destroy() {
        sender.shutdownNow();
        closer.shutdownNow();
    }

    private final class SessionPeer implements Peer {
        private final WebSocketSession session;
        private final jakarta.websocket.Session nativeSession;
        private final String address;
        // guarded by this
        private final ArrayDeque<String> queue = new ArrayDeque<>();
        private long outstanding;
        private boolean inFlight;
        private boolean closing;
        /** a close that waits for the message being written (Tomcat must not be closed mid-message) */
        private CloseStatus closeAfterWrite;

        SessionPeer(WebSocketSession session, jakarta.websocket.Session nativeSession, String address) {
            this.session = session;
            this.nativeSession = nativeSession;
            this.address = address;
        }

        @Override
        public String id() {
            return session.getId();
        }

        @Override
        public String address() {
            return address;
        }

        @Override
        public void send(Object message) {
            if (!session.isOpen()) {
                return;
            }
            // a lone surrogate cannot be encoded as UTF-8: the container would close with 1011
            String text = Utf16.replaceLoneSurrogates(json.writeValueAsString(message));
            if (nativeSession == null) {
                sendBlocking(text);
                return;
            }
            String slow = null;
            synchronized (this) {
                if (closing) {
                    return;
                }
                if (outstanding > 0 && outstanding + text.length() > properties.maxSendBufferBytes()) {
                    slow = "more than " + properties.maxSendBufferBytes()
                            + " characters waiting to be sent (cowscope.ws.max-send-buffer-bytes): the client does not read";
                } else if (outstanding > 0 && waiting.get() + text.length() > sendBudget) {
                    slow = "the server's send budget is spent (cowscope.ws.send-budget-percent) and this client is behind";
                } else {
                    outstanding += text.length();
                    waiting.addAndGet(text.length());
                    if (inFlight) {
                        queue.add(text);
                        return;
                    }
                    inFlight = true;
                }
            }
            if (slow != null) {
                closeSlow(slow);
                return;
            }
            transmit(text);
        }

        private void sendBlocking(String text) {
            try {
                synchronized (this) {
                    session.sendMessage(new TextMessage(text));
                }
            } catch (IOException e) {
                log.debug("cannot send to connection {}: {}", session.getId(), e.toString());
            }
        }

        private void transmit(String text) {
            try {
                nativeSession.getAsyncRemote().sendText(text, result -> sent(text.length(), result));
            } catch (RuntimeException e) {
                sent(text.length(), new jakarta.websocket.SendResult(e));
            }
        }

        private void sent(int length, jakarta.websocket.SendResult result) {
            String next;
            boolean closedBefore;
            CloseStatus deferred = null;
            synchronized (this) {
                outstanding -= length;
                waiting.addAndGet(-length);
                closedBefore = closing;
                if (!result.isOK()) {
                    closing = true;
                }
                next = closing ? null : queue.poll();
                if (next == null) {
                    inFlight = false;
                    deferred = closeAfterWrite;
                    closeAfterWrite = null;
                }
            }
            if (deferred != null) {
                drop();
                close(deferred);
                return;
            }
            if (!result.isOK()) {
                drop();
                if (!closedBefore && session.isOpen()) {
                    closeSlow("a message was not taken within " + properties.sendTimeout().toMillis()
                            + " ms (cowscope.ws.send-timeout): " + result.getException());
                }
                return;
            }
            if (next != null) {
                // not inline: a write that completes at once calls back on this thread
                try {
                    sender.execute(() -> transmit(next));
                } catch (java.util.concurrent.RejectedExecutionException stopping) {
                    drop();
                }
            }
        }

        /** lets go of what waits (the connection closed) */
        synchronized void drop() {
            closing = true;
            for (String text : queue) {
                outstanding -= text.length();
                waiting.addAndGet(-text.length());
            }
            queue.clear();
        }

        /**
         * Closes a client that does not read, with 1008 naming the limit. What waits goes at once; a
         * message already being written is not cut: Tomcat writes a long text in parts and, closed
         * between two parts, throws from its write callback (a stack trace per client). The close
         * then follows that write's end: done, failed, or past {@code cowscope.ws.send-timeout}.
         */
        private void closeSlow(String why) {
            drop();
            ClientErrors.log(address + " " + session.getId(), "closed with 1008: " + why);
            CloseStatus status = CloseStatus.POLICY_VIOLATION.withReason(why.length() > 120 ? why.substring(0, 120) : why);
            synchronized (this) {
                if (inFlight) {
                    if (closeAfterWrite == null) {
                        closeAfterWrite = status;
                    }
                    return;
                }
            }
            close(status);
        }

        private void close(CloseStatus status) {
            try {
                closer.execute(() -> {
                    try {
                        session.close(status);
                    } catch (IOException | RuntimeException e) {
                        log.debug("closing slow connection {}: {}", session.getId(), e.toString());
                    }
                });
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // shutting down
            }
        }

        @Override
        public Map<String, Object> attributes() {
            return session.getAttributes();
        }
    }
}
