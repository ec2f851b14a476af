package io.cowscope.present;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.handler.annotation.DestinationVariable;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.MessageExceptionHandler;
import org.springframework.messaging.handler.annotation.MessageMapping;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.messaging.simp.annotation.SendToUser;
import org.springframework.messaging.simp.annotation.SubscribeMapping;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Controller;
import org.springframework.web.socket.messaging.SessionDisconnectEvent;
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
 *   <li>when the presenter's connection closes (Stop presenting, the tab closed, the network
 *       gone past the heart-beat) and no newer connection presents the room, followers get
 *       {@code {room, presenter: "left"}}, after the room's pending state; the next publish (a
 *       reload, a reconnect) brings them back. Behind the RabbitMQ relay the instance that held
 *       the presenter's connection says it;
 *   <li>refusals go to the sender only, at {@code /user/topic/errors}.
 * </ul>
 *
 * <p>Publishes are coalesced per room: the first after a quiet spell is written and broadcast at
 * once, later ones within {@code cowscope.rooms.publish-interval} (250 ms) replace each other and
 * the last of them is written when the interval is over. So a room's row is written (and followers
 * told) at most a few times a second however fast the presenter sends, and followers still end at
 * the presenter's last state.
 */
@Controller
class RoomMessages implements DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(RoomMessages.class);
    static final String TOPIC = "/topic/rooms.";
    private static final int KEY_CACHE = 10_000;

    private final Rooms rooms;
    private final SimpMessagingTemplate broker;
    /** STOMP session id → the room it presents; room → the session that presents it now */
    private final Map<String, String> roomOfSession = new ConcurrentHashMap<>();
    private final Map<String, String> sessionOfRoom = new ConcurrentHashMap<>();
    private final JsonMapper json = JsonMapper.builder().build();
    private final long intervalNanos;
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cowscope-room-publish");
        t.setDaemon(true);
        return t;
    });
    /** the newest state not yet written, per room */
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    /** when each room was last written (System.nanoTime) */
    private final Map<String, Long> lastWrite = new ConcurrentHashMap<>();
    /** presenter key hashes by room, so that a publish checks the key without a database read */
    private final Map<String, String> keyHashes = new ConcurrentHashMap<>();

    private record Pending(String key, String state) {}

    RoomMessages(Rooms rooms, SimpMessagingTemplate broker,
            @Value("${cowscope.rooms.publish-interval:250ms}") Duration publishInterval) {
        this.rooms = rooms;
        this.broker = broker;
        this.intervalNanos = publishInterval.toNanos();
    }

    @MessageMapping("/rooms/{room}/state")
    void publish(@DestinationVariable String room, @Header(name = "presenter-key", required = false) String key,
            @Header(name = "simpSessionId", required = false) String sessionId, @Payload JsonNode state) {
        String checked = RoomState.check(state);
        Optional<String> hash = Optional.ofNullable(keyHashes.get(room)).or(() -> rooms.presenterKeyHash(room));
        if (hash.isEmpty()) {
            throw new RoomException("no-room", "room", "there is no room " + room);
        }
        if (!hash.get().equals(Rooms.sha256(key == null ? "" : key))) {
            throw new RoomException("forbidden", "presenter-key", "only the presenter may publish to this room");
        }
        presenting(sessionId, room);
        if (keyHashes.size() > KEY_CACHE) {
            keyHashes.clear();
        }
        keyHashes.put(room, hash.get());
        if (pending.put(room, new Pending(key, checked)) == null) {
            long now = System.nanoTime();
            Long last = lastWrite.get(room);
            long delay = last == null ? 0 : Math.max(0, last + intervalNanos - now);
            flusher.schedule(() -> flush(room), delay, TimeUnit.NANOSECONDS);
        }
    }

    /** A publish with the right key came from this STOMP session. */
    private void presenting(String sessionId, String room) {
        if (sessionId == null) {
            return;
        }
        roomOfSession.put(sessionId, room);
        sessionOfRoom.put(room, sessionId);
    }

    @EventListener
    void disconnected(SessionDisconnectEvent event) {
        String room = roomOfSession.remove(event.getSessionId());
        if (room == null || !sessionOfRoom.remove(room, event.getSessionId())) {
            return;
        }
        // on the flusher, after the room's pending state is written: followers see it before "left"
        try {
            flusher.execute(() -> {
                flush(room);
                Map<String, Object> left = new LinkedHashMap<>();
                left.put("room", room);
                left.put("presenter", "left");
                broker.convertAndSend(TOPIC + room, (Object) left);
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the server is shutting down: every follower loses its connection anyway
        }
    }

    /** writes the room's newest pending state and broadcasts it with the seq the database gave */
    private void flush(String room) {
        Pending p = pending.remove(room);
        if (p == null) {
            return;
        }
        lastWrite.put(room, System.nanoTime());
        if (lastWrite.size() > KEY_CACHE) {
            long old = System.nanoTime() - 10 * intervalNanos;
            lastWrite.values().removeIf(t -> t < old);
        }
        try {
            Rooms.Result result = rooms.publish(room, p.key(), p.state());
            if (result.refusal() != null) {
                keyHashes.remove(room); // the room expired (or its key changed) meanwhile
                return;
            }
            broker.convertAndSend(TOPIC + room, (Object) update(result.published()));
        } catch (RuntimeException e) {
            log.warn("publishing to room {} failed: {}", room, e.toString());
        }
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

    @Override
    public void destroy() {
        flusher.shutdownNow();
    }
}
