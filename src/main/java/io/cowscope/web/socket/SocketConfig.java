package io.cowscope.web.socket;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

/** Registers {@code /ws}, same-origin only unless {@code cowscope.ws.allowed-origins} says more. */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class SocketConfig implements WebSocketConfigurer {
    static final String PATH = "/ws";

    private final SocketHandler handler;
    private final SocketProperties properties;

    SocketConfig(SocketHandler handler, SocketProperties properties) {
        this.handler = handler;
        this.properties = properties;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        // With no origins set, Spring's OriginHandshakeInterceptor lets in the same origin only
        // and answers any other Origin with 403 before the upgrade.
        registry.addHandler(handler, PATH)
                .setAllowedOrigins(properties.allowedOrigins().toArray(String[]::new));
    }
}
