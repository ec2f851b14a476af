package io.cowscope.web.socket;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code cowscope.ws.*}: who may open {@code /ws} and {@code /stomp}, and what one connection may
 * hold (docs/operations.md lists every limit).
 *
 * @param allowedOrigins origins (e.g. {@code https://cowscope.example.org}) allowed besides the
 *     page's own; empty by default, which allows same-origin pages only. A browser upgrade from any
 *     other origin is refused with 403. Clients that send no Origin (tools, tests) are let in.
 * @param maxTextMessageBytes the largest text message a client may send on {@code /ws}; its
 *     fragments are joined in a buffer of at most this many characters (larger: closed with 1009)
 * @param maxSendBufferBytes characters waiting to be sent to one connection (queued and in
 *     flight); a message that would pass it while earlier ones wait closes the connection with
 *     1008 (a reader that falls behind). One message is always let through when nothing waits.
 * @param sendTimeout how long one message may take to reach a client; longer closes the connection
 * @param sendBudgetPercent characters waiting for all connections together, in percent of the
 *     maximum heap; past it a connection that already has something waiting is closed (1008)
 * @param maxConnectionsPerAddress WebSocket connections ({@code /ws} and {@code /stomp}
 *     together) from one client address; more are closed at once with 1013 (try again later)
 * @param maxConnections WebSocket connections in all
 */
@ConfigurationProperties("cowscope.ws")
public record SocketProperties(List<String> allowedOrigins, Integer maxTextMessageBytes, Integer maxSendBufferBytes,
        Duration sendTimeout, Integer sendBudgetPercent, Integer maxConnectionsPerAddress, Integer maxConnections) {
    public SocketProperties {
        allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
        maxTextMessageBytes = maxTextMessageBytes == null ? 256 * 1024 : maxTextMessageBytes;
        maxSendBufferBytes = maxSendBufferBytes == null ? 1024 * 1024 : maxSendBufferBytes;
        sendTimeout = sendTimeout == null ? Duration.ofSeconds(10) : sendTimeout;
        sendBudgetPercent = sendBudgetPercent == null ? 10 : sendBudgetPercent;
        maxConnectionsPerAddress = maxConnectionsPerAddress == null ? 40 : maxConnectionsPerAddress;
        maxConnections = maxConnections == null ? 1000 : maxConnections;
    }

    /** the send budget in characters */
    public long sendBudgetChars() {
        return Runtime.getRuntime().maxMemory() / 100 * sendBudgetPercent;
    }
}
