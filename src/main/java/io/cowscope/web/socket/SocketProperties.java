package io.cowscope.web.socket;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code cowscope.ws.*}: who may open {@code /ws}.
 *
 * @param allowedOrigins origins (e.g. {@code https://cowscope.example.org}) allowed besides the
 *     page's own; empty by default, which allows same-origin pages only. A browser upgrade from any
 *     other origin is refused with 403. Clients that send no Origin (tools, tests) are let in.
 * @param maxTextMessageBytes the largest text frame a client may send
 */
@ConfigurationProperties("cowscope.ws")
public record SocketProperties(List<String> allowedOrigins, Integer maxTextMessageBytes) {
    public SocketProperties {
        allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
        maxTextMessageBytes = maxTextMessageBytes == null ? 512 * 1024 : maxTextMessageBytes;
    }
}
