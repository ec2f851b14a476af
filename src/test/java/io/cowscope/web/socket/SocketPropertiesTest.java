package io.cowscope.web.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class SocketPropertiesTest {

    private static SocketProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("cowscope.ws", SocketProperties.class);
    }

    @Test
    void byDefaultOnlyTheSameOriginAndAQuarterMebibyte() {
        SocketProperties properties = bind(Map.of());
        assertThat(properties.allowedOrigins()).isEmpty();
        assertThat(properties.maxTextMessageBytes()).isEqualTo(256 * 1024);
    }

    @Test
    void anEmptyListAllowsNoOtherOrigin() {
        // as written in application.properties
        assertThat(bind(Map.of("cowscope.ws.allowed-origins", "")).allowedOrigins()).isEmpty();
    }

    @Test
    void originsAreCommaSeparated() {
        SocketProperties properties = bind(Map.of(
                "cowscope.ws.allowed-origins", "https://a.example,http://localhost:5173",
                "cowscope.ws.max-text-message-bytes", "1024"));
        assertThat(properties.allowedOrigins()).containsExactly("https://a.example", "http://localhost:5173");
        assertThat(properties.maxTextMessageBytes()).isEqualTo(1024);
    }
}
