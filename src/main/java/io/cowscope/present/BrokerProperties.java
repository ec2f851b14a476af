package io.cowscope.present;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code cowscope.broker.*}: where room messages go. By default ({@code relay=false}) Spring's
 * in-memory broker, which serves one server instance; with {@code relay=true} (profile
 * {@code rabbitmq}) a STOMP broker relay to RabbitMQ's STOMP plugin, so that followers on one
 * instance get what a presenter on another publishes.
 *
 * @param relay use the STOMP broker relay
 * @param host the broker's STOMP host
 * @param port the broker's STOMP port (61613 for RabbitMQ's plugin)
 * @param login the login for both the relay's system connection and its client connections
 * @param passcode its passcode
 * @param virtualHost the broker's virtual host
 */
@ConfigurationProperties("cowscope.broker")
public record BrokerProperties(boolean relay, String host, Integer port, String login, String passcode, String virtualHost) {
    public BrokerProperties {
        host = host == null ? "127.0.0.1" : host;
        port = port == null ? 61613 : port;
        login = login == null ? "guest" : login;
        passcode = passcode == null ? "guest" : passcode;
        virtualHost = virtualHost == null ? "/" : virtualHost;
    }
}
