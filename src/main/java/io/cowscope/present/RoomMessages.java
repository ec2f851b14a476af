package io.cowscope.present;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.handler.annotation.DestinationVariable;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.MessageExceptionHandler;
import org.springframework.messaging.handler.annotation.MessageMapping;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.messaging.simp.annotation.SendToUser;
import org.springframework.messaging.simp.annotation.SubscribeMapping;
import org.springframework.stereotype.Controller;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Follow mode over STOMP (docs/share.md, "Rooms"):
 * <ul>
 *   <li>the presenter SENDs its state to {@code /app/rooms/{room}/state} with header
 *       {@code presenter-key}; it is stored as the room's last state and broadcast as
 *       {@code {room, seq, state}} to {@code /topic/rooms.{room}};
 *   <li>a follower SUBSCRIBEs to {@code /topic/rooms.{room}} for updates and to
 *       {@code /app/rooms/{room}/state} for the last state once (answered by this server from
 *       the database, so it works the same behind the RabbitMQ relay);
 *   <li>when the presenter's connection closes, followers get {@code {room, presenter: "left"}}
 *       ({@link PresenterPresence});
 *   <li>refusals go to the sender only, at {@code /user/topic/errors}.
 * </ul>
 */
@Controller
class RoomMessages {
    private static final Logger log = LoggerFactory.getLogger(RoomMessages.class);
    static final String TOPIC = "/topic/rooms.";

    private final Rooms rooms;
    private final SimpMessagingTemplate broker;
    private final PresenterPresence presence;
    private final JsonMapper json = JsonMapper.builder().build();

    RoomMessages(Rooms rooms, SimpMessagingTemplate broker, PresenterPresence presence) {
        this.rooms = rooms;
        this.broker = broker;
        this.presence = presence;
    }

    @MessageMapping("/rooms/{room}/state")
    void publish(@DestinationVariable String room, @Header(name = "presenter-key", required = false) String key,
            @Header(name = "simpSessionId", required = false) String sessionId, @Payload JsonNode state) {
        String checked = RoomState.check(state);
        Rooms.Result result = rooms.publish(room, key, checked);
        if (result.refusal() == Rooms.Refusal.NO_SUCH_ROOM) {
            throw new RoomException("no-room", "room", "there is no room " + room);
        }
        if (result.refusal() == Rooms.Refusal.WRONG_KEY) {
            throw new RoomException("forbidden", "presenter-key", "only the presenter may publish to this room");
        }
        presence.presenting(sessionId, room);
        broker.convertAndSend(TOPIC + room, (Object) update(result.published()));
    }

    @SubscribeMapping("/rooms/{room}/state")
    Map<String, Object> last(@DestinationVariable String room) {
        return update(rooms.lastState(room).orElseThrow(() -> new RoomException("no-room", "room", "there is no room " + room)));
    }

    @MessageExceptionHandler
    @SendToUser(destinations = "/topic/errors", broadcast = false)
    Map<String, Object> refused(Exception e) {
        Map<String, Object> error = new LinkedHashMap<>();
        if (e instanceof RoomException r) {
            error.put("error", r.code);
            error.put("field", r.field);
            error.put("message", r.getMessage());
        } else if (e instanceof MessageConversionException) {
            error.put("error", "invalid");
            error.put("field", "state");
            error.put("message", "the state must be a JSON object");
        } else {
            log.error("room message failed", e);
            error.put("error", "internal");
            error.put("message", "the server could not handle this message");
        }
        return error;
    }

    private Map<String, Object> update(Rooms.State state) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("room", state.room());
        out.put("seq", state.seq());
        out.put("state", state.state() == null ? null : json.readTree(state.state()));
        return out;
    }
}
