package io.cowscope.present;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.event.EventListener;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.messaging.SessionDisconnectEvent;

/**
 * Tells followers when the presenter leaves: the STOMP connection that last published to a room
 * (with the presenter key) is remembered; when it closes (Stop presenting, the tab closed, the
 * network gone past the heart-beat) and no newer connection presents that room, the room's topic
 * gets {@code {room, presenter: "left"}}. The next publish (a reload, a reconnect) brings followers
 * back. Behind the RabbitMQ relay the instance that held the presenter's connection says it.
 */
@Component
class PresenterPresence {
    private final SimpMessagingTemplate broker;
    /** STOMP session id → room it presents; room → the session that presents it now */
    private final Map<String, String> roomOfSession = new ConcurrentHashMap<>();
    private final Map<String, String> sessionOfRoom = new ConcurrentHashMap<>();

    PresenterPresence(SimpMessagingTemplate broker) {
        this.broker = broker;
    }

    /** A publish with the right key came from this STOMP session. */
    void presenting(String sessionId, String room) {
        if (sessionId == null) return;
        roomOfSession.put(sessionId, room);
        sessionOfRoom.put(room, sessionId);
    }

    @EventListener
    void disconnected(SessionDisconnectEvent event) {
        String room = roomOfSession.remove(event.getSessionId());
        if (room == null || !sessionOfRoom.remove(room, event.getSessionId())) return;
        Map<String, Object> left = new LinkedHashMap<>();
        left.put("room", room);
        left.put("presenter", "left");
        broker.convertAndSend(RoomMessages.TOPIC + room, (Object) left);
    }
}
