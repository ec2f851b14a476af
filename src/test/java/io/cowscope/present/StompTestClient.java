package io.cowscope.present;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.springframework.messaging.converter.JacksonJsonMessageConverter;
import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.messaging.WebSocketStompClient;
import tools.jackson.databind.JsonNode;

/** A STOMP-over-WebSocket client for the room tests: Spring's WebSocketStompClient, JSON payloads. */
final class StompTestClient implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final WebSocketStompClient client;
    final StompSession session;
    /** What the server refused, from /user/topic/errors. */
    final BlockingQueue<JsonNode> errors;
    /** ERROR frames and transport failures. */
    final BlockingQueue<String> failures = new LinkedBlockingQueue<>();

    private StompTestClient(int port) throws Exception {
        client = new WebSocketStompClient(new StandardWebSocketClient());
        client.setMessageConverter(new JacksonJsonMessageConverter());
        session = client.connectAsync("ws://127.0.0.1:" + port + BrokerConfig.ENDPOINT, new StompSessionHandlerAdapter() {
            @Override
            public void handleFrame(StompHeaders headers, Object payload) {
                failures.add("ERROR frame: " + headers.getFirst("message"));
            }

            @Override
            public void handleTransportError(StompSession session, Throwable exception) {
                failures.add("transport: " + exception);
            }
        }).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        errors = subscribe("/user/topic/errors");
    }

    static StompTestClient connect(int port) throws Exception {
        return new StompTestClient(port);
    }

    BlockingQueue<JsonNode> subscribe(String destination) {
        BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        session.subscribe(destination, new StompFrameHandler() {
            @Override
            public Type getPayloadType(StompHeaders headers) {
                return JsonNode.class;
            }

            @Override
            public void handleFrame(StompHeaders headers, Object payload) {
                received.add((JsonNode) payload);
            }
        });
        return received;
    }

    /** Subscribes to a room's updates and, after that, asks for its last state once. */
    Follower follow(String room) throws InterruptedException {
        BlockingQueue<JsonNode> updates = subscribe(RoomMessages.TOPIC + room);
        // a receipt would be exact; a short pause lets the SUBSCRIBE reach the broker first
        Thread.sleep(500);
        BlockingQueue<JsonNode> last = subscribe("/app/rooms/" + room + "/state");
        return new Follower(updates, next(last));
    }

    record Follower(BlockingQueue<JsonNode> updates, JsonNode joined) {}

    void publish(String room, String key, Map<String, Object> state) {
        StompHeaders headers = new StompHeaders();
        headers.setDestination("/app/rooms/" + room + "/state");
        if (key != null) {
            headers.set("presenter-key", key);
        }
        session.send(headers, state);
    }

    /** SENDs a JSON payload to an /app destination, with a presenter key when not null. */
    void send(String destination, String key, Object payload) {
        StompHeaders headers = new StompHeaders();
        headers.setDestination(destination);
        if (key != null) {
            headers.set("presenter-key", key);
        }
        session.send(headers, payload);
    }

    static JsonNode next(BlockingQueue<JsonNode> queue) throws InterruptedException {
        JsonNode message = queue.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(message).as("a message within %s", TIMEOUT).isNotNull();
        return message;
    }

    @Override
    public void close() {
        if (session.isConnected()) {
            session.disconnect();
        }
        client.stop();
    }
}
