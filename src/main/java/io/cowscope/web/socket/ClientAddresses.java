package io.cowscope.web.socket;

import java.net.InetSocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

/**
 * WebSocket connections per client address, {@code /ws} and {@code /stomp} together:
 * {@code cowscope.ws.max-connections-per-address} and {@code cowscope.ws.max-connections}. A
 * connection past either is closed at once with 1013 (try again later) and a reason naming the
 * property. The address is the TCP peer's (behind a proxy, configure
 * {@code server.forward-headers-strategy} so that it is the client's).
 */
@Component
public class ClientAddresses {
    /** 1013: the server is overloaded, try again later (RFC 6455 registry) */
    public static final CloseStatus TRY_AGAIN_LATER = new CloseStatus(1013);
    private static final String COUNTED = ClientAddresses.class.getName() + ".counted";

    private final SocketProperties properties;
    private final ConcurrentHashMap<String, AtomicInteger> connections = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();

    public ClientAddresses(SocketProperties properties) {
        this.properties = properties;
    }

    /** the client address of a connection ("unknown" when the container does not say) */
    public static String of(WebSocketSession session) {
        InetSocketAddress remote = session.getRemoteAddress();
        if (remote == null) {
            return "unknown";
        }
        return remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
    }

    /**
     * Counts a new connection; null when it may stay, else the close status to close it with (it
     * is then not counted).
     */
    public CloseStatus admit(WebSocketSession session) {
        String address = of(session);
        // counted inside compute, so that a release that removes the entry cannot lose the count
        int mine = connections.compute(address, (a, n) -> {
            AtomicInteger c = n == null ? new AtomicInteger() : n;
            c.incrementAndGet();
            return c;
        }).get();
        if (mine > properties.maxConnectionsPerAddress()) {
            release(address);
            return TRY_AGAIN_LATER.withReason("too many connections from this address; the limit is "
                    + properties.maxConnectionsPerAddress() + " (cowscope.ws.max-connections-per-address)");
        }
        if (total.incrementAndGet() > properties.maxConnections()) {
            total.decrementAndGet();
            release(address);
            return TRY_AGAIN_LATER.withReason("the server holds " + properties.maxConnections()
                    + " connections, its limit (cowscope.ws.max-connections)");
        }
        session.getAttributes().put(COUNTED, address);
        return null;
    }

    /** A connection closed: no longer counted (a connection that was refused never was). */
    public void closed(WebSocketSession session) {
        Object address = session.getAttributes().remove(COUNTED);
        if (address instanceof String a) {
            total.decrementAndGet();
            release(a);
        }
    }

    private void release(String address) {
        connections.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    /** connections counted from this address now */
    public int connections(String address) {
        AtomicInteger n = connections.get(address);
        return n == null ? 0 : n.get();
    }

    public int total() {
        return total.get();
    }
}
