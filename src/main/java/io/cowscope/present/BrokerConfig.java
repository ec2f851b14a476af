package io.cowscope.present;

import io.cowscope.system.TokenBucket;
import io.cowscope.web.socket.ClientAddresses;
import io.cowscope.web.socket.ClientErrors;
import io.cowscope.web.socket.SocketProperties;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.simp.config.ChannelRegistration;
import org.springframework.messaging.simp.config.MessageBrokerRegistry;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompHeaderAccessor;
import org.springframework.messaging.support.ChannelInterceptor;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocketMessageBroker;
import org.springframework.web.socket.config.annotation.StompEndpointRegistry;
import org.springframework.web.socket.config.annotation.WebSocketMessageBrokerConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketTransportRegistration;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;

/**
 * STOMP for rooms at {@code /stomp} (plain WebSocket, no SockJS), apart from the page's own
 * {@code /ws}. Same-origin pages only, like {@code /ws} ({@code cowscope.ws.allowed-origins}
 * adds more). The broker is Spring's in-memory one, or with {@code cowscope.broker.relay=true}
 * (profile {@code rabbitmq}) a relay to RabbitMQ's STOMP plugin.
 *
 * <p>Clients may only send the frames a STOMP client sends ({@link #CLIENT_COMMANDS}: CONNECT,
 * STOMP, SEND, SUBSCRIBE, UNSUBSCRIBE, DISCONNECT, ACK, NACK, and heart-beats); a server frame
 * from a client (MESSAGE, ERROR, RECEIPT, CONNECTED) is dropped, or the broker (in-memory or the
 * relay) would hand a client's MESSAGE to every subscriber of its destination. They may only SEND
 * to {@code /app/rooms/{room}/state} (and, for class votes, {@code /app/rooms/{room}/poll} and {@code /vote}) and
 * SUBSCRIBE to {@code /topic/rooms.{room}} (and its {@code .poll} and {@code .votes}),
 * {@code /app/rooms/{room}/state}, {@code /app/rooms/{room}/poll} (the open question, issue 13) and {@code /user/topic/errors}; other SEND and SUBSCRIBE frames
 * are dropped. Without these checks anyone could speak for the presenter: only
 * {@link RoomMessages} writes to a room's topic, with the seq the database gave.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocketMessageBroker
class BrokerConfig implements WebSocketMessageBrokerConfigurer {
    private static final Logger log = LoggerFactory.getLogger(BrokerConfig.class);
    static final String ENDPOINT = "/stomp";
    static final int MESSAGE_LIMIT = 16 * 1024;

    /** what a client may send; everything else (MESSAGE, ERROR, RECEIPT, CONNECTED …) is the server's */
    static final java.util.Set<StompCommand> CLIENT_COMMANDS = java.util.EnumSet.of(StompCommand.CONNECT,
            StompCommand.STOMP, StompCommand.SEND, StompCommand.SUBSCRIBE, StompCommand.UNSUBSCRIBE,
            StompCommand.DISCONNECT, StompCommand.ACK, StompCommand.NACK);

    private static final Pattern SEND = Pattern.compile("/app/rooms/[a-z2-7]{26}/state");
    /** issue 13: the presenter's question (poll) and the followers' votes (PollMessages) */
    private static final Pattern SEND_POLL = Pattern.compile("/app/rooms/[a-z2-7]{26}/(poll|vote)");
    private static final List<Pattern> SUBSCRIBE = List.of(
            Pattern.compile("/topic/rooms\\.[a-z2-7]{26}"),
            Pattern.compile("/topic/rooms\\.[a-z2-7]{26}\\.(poll|votes)"),
            Pattern.compile("/app/rooms/[a-z2-7]{26}/(state|poll)"),
            Pattern.compile("/user/topic/errors"));

    private static final String BUCKET = BrokerConfig.class.getName() + ".sends";

    private final BrokerProperties broker;
    private final SocketProperties socket;
    private final ClientAddresses addresses;
    private final int sendsPerSecond;
    private final int inboundQueue;

    BrokerConfig(BrokerProperties broker, SocketProperties socket, ClientAddresses addresses,
            @org.springframework.beans.factory.annotation.Value("${cowscope.rooms.max-sends-per-second:50}") int sendsPerSecond,
            @org.springframework.beans.factory.annotation.Value("${cowscope.rooms.inbound-queue:1000}") int inboundQueue) {
        this.broker = broker;
        this.socket = socket;
        this.addresses = addresses;
        this.sendsPerSecond = sendsPerSecond;
        this.inboundQueue = inboundQueue;
    }

    @Override
    public void registerStompEndpoints(StompEndpointRegistry registry) {
        registry.addEndpoint(ENDPOINT).setAllowedOrigins(socket.allowedOrigins().toArray(String[]::new));
        // one presenter's states are handled in the order they were sent
        registry.setPreserveReceiveOrder(true);
    }

    @Override
    public void configureMessageBroker(MessageBrokerRegistry registry) {
        registry.setApplicationDestinationPrefixes("/app");
        registry.setPreservePublishOrder(true);
        if (broker.relay()) {
            registry.enableStompBrokerRelay("/topic")
                    .setRelayHost(broker.host())
                    .setRelayPort(broker.port())
                    .setSystemLogin(broker.login())
                    .setSystemPasscode(broker.passcode())
                    .setClientLogin(broker.login())
                    .setClientPasscode(broker.passcode())
                    .setVirtualHost(broker.virtualHost());
        } else {
            registry.enableSimpleBroker("/topic");
        }
    }

    @Override
    public void configureWebSocketTransport(WebSocketTransportRegistration registration) {
        registration.setMessageSizeLimit(MESSAGE_LIMIT);
        // what waits for one slow follower; past either its connection is closed
        registration.setSendBufferSizeLimit(256 * 1024);
        registration.setSendTimeLimit((int) socket.sendTimeout().toMillis());
        // connections per client address, /ws and /stomp together
        registration.addDecoratorFactory(handler -> new WebSocketHandlerDecorator(handler) {
            @Override
            public void afterConnectionEstablished(WebSocketSession session) throws Exception {
                CloseStatus refused = addresses.admit(session);
                if (refused != null) {
                    ClientErrors.log(ClientAddresses.of(session), refused.getReason());
                    session.close(refused);
                    return;
                }
                super.afterConnectionEstablished(session);
            }

            @Override
            public void afterConnectionClosed(WebSocketSession session, CloseStatus status) throws Exception {
                addresses.closed(session);
                super.afterConnectionClosed(session, status);
            }
        });
    }

    @Override
    public void configureClientInboundChannel(ChannelRegistration registration) {
        // bounded: past the queue a frame is refused (the client gets an ERROR frame), not held
        registration.taskExecutor().corePoolSize(2).maxPoolSize(4).queueCapacity(inboundQueue);
        registration.interceptors(new ChannelInterceptor() {
            @Override
            public Message<?> preSend(Message<?> message, MessageChannel channel) {
                StompHeaderAccessor stomp = StompHeaderAccessor.wrap(message);
                String destination = stomp.getDestination();
                StompCommand command = stomp.getCommand();
                boolean allowed;
                if (command == null) {
                    // only a heart-beat has no command
                    allowed = stomp.getMessageType() == org.springframework.messaging.simp.SimpMessageType.HEARTBEAT;
                } else if (!CLIENT_COMMANDS.contains(command)) {
                    allowed = false;
                } else {
                    allowed = switch (command) {
                        case SEND -> matches(destination, List.of(SEND, SEND_POLL)) && withinRate(stomp);
                        case SUBSCRIBE -> matches(destination, SUBSCRIBE);
                        default -> true;
                    };
                }
                if (!allowed) {
                    // dropped quietly: a misbehaving client gets no stack trace logged per frame
                    log.debug("dropped {} to {} from session {}", stomp.getCommand(), destination, stomp.getSessionId());
                    return null;
                }
                return message;
            }
        });
    }

    /** SENDs per connection: a bucket of {@code max-sends-per-second}, refilled per second; past it frames are dropped */
    private boolean withinRate(StompHeaderAccessor stomp) {
        Map<String, Object> attributes = stomp.getSessionAttributes();
        if (attributes == null) {
            return true;
        }
        TokenBucket bucket = (TokenBucket) attributes.computeIfAbsent(BUCKET, k -> new TokenBucket(sendsPerSecond));
        return bucket.take();
    }


    @Override
    public void configureClientOutboundChannel(ChannelRegistration registration) {
        registration.taskExecutor().corePoolSize(2).maxPoolSize(4).queueCapacity(10_000);
    }

    private static boolean matches(String destination, List<Pattern> patterns) {
        return destination != null && patterns.stream().anyMatch(p -> p.matcher(destination).matches());
    }
}
