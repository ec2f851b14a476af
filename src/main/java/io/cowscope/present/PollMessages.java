package io.cowscope.present;

import io.cowscope.share.RateLimiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.messaging.handler.annotation.DestinationVariable;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.MessageExceptionHandler;
import org.springframework.messaging.handler.annotation.MessageMapping;
import org.springframework.messaging.handler.annotation.Payload;
import org.springframework.messaging.simp.SimpMessagingTemplate;
import org.springframework.messaging.simp.annotation.SendToUser;
import org.springframework.messaging.simp.annotation.SubscribeMapping;
import org.springframework.stereotype.Controller;
import org.springframework.web.socket.messaging.SessionDisconnectEvent;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Class votes through a room (issue 13, docs/teach.md "Votes in class"):
 * <ul>
 *   <li>the presenter SENDs its question to {@code /app/rooms/{room}/poll} with header
 *       {@code presenter-key}: {@code {id, prompt, options, form, state: "open"|"revealed", correct?,
 *       shown?, counts?}}; checked, re-serialised with these fields only, stored as the room's latest
 *       question (table {@code room}, so every instance behind the relay has it) and broadcast to
 *       {@code /topic/rooms.{room}.poll};
 *   <li>a follower who joins SUBSCRIBEs to {@code /app/rooms/{room}/poll} once and gets
 *       {@code {poll}}: the question open now (or the last one revealed; null before the first);
 *   <li>a follower SENDs {@code {poll, choice, token}} to {@code /app/rooms/{room}/vote}; {@code token}
 *       is the follower's own random identity for the room (the page keeps it in localStorage, so a
 *       reconnect or a reload keeps it). Each token votes once per poll, and so does each STOMP
 *       connection, on at most {@link #MAX_POLLS_PER_SESSION} polls, rate-limited
 *       ({@code cowscope.rooms.votes.*}); the vote is broadcast to {@code /topic/rooms.{room}.votes}
 *       with {@code voter}, a hash of room and token: anonymous, never the session id, and the same
 *       on every instance, so the presenter's page, which counts a voter's first vote only, counts a
 *       follower once even when a reconnect lands on another instance.
 * </ul>
 */
@Controller
class PollMessages {
    static final int MAX_OPTIONS = 8, MAX_PROMPT = 400, MAX_CHOICE = 100, MAX_SHOWN = 600;
    static final int MAX_POLLS_PER_SESSION = 200, MAX_SESSIONS = 20_000;
    /** room.last_poll is VARCHAR(16384) (V3) */
    static final int MAX_STORED = 16_000;
    private static final Pattern POLL_ID = Pattern.compile("[A-Za-z0-9:._-]{1,80}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{16,64}");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Rooms rooms;
    private final SimpMessagingTemplate broker;
    private final RateLimiter voteLimiter;
    private final RateLimiter pollLimiter;
    /**
     * per STOMP session ("s:" + id, forgotten when it closes) and per follower token ("t:" + hash,
     * kept): the polls voted on. Bounded: the least recently used are forgotten first.
     */
    private final Map<String, Set<String>> voted = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Set<String>> eldest) {
            return size() > MAX_SESSIONS;
        }
    };

    PollMessages(Rooms rooms, SimpMessagingTemplate broker,
            @Value("${cowscope.rooms.votes.per-session:5}") int votes,
            @Value("${cowscope.rooms.votes.per:10s}") Duration per) {
        this.rooms = rooms;
        this.broker = broker;
        this.voteLimiter = new RateLimiter(votes, per);
        this.pollLimiter = new RateLimiter(30, Duration.ofSeconds(10));
    }

    @MessageMapping("/rooms/{room}/poll")
    void poll(@DestinationVariable String room, @Header(name = "presenter-key", required = false) String key,
            @Payload JsonNode poll) {
        if (!rooms.isPresenter(room, key)) {
            throw new RoomException("forbidden", "presenter-key", "only the presenter may ask the room a question");
        }
        if (pollLimiter.tryAcquire(room).isPresent()) {
            throw new RoomException("rate-limited", "poll", "too many questions in a short time");
        }
        Map<String, Object> checked = checkPoll(poll);
        String stored = JSON.writeValueAsString(checked);
        if (stored.length() > MAX_STORED) throw RoomException.invalid("poll", "the question is longer than " + MAX_STORED + " characters as JSON");
        if (!rooms.savePoll(room, key, stored)) {
            throw new RoomException("forbidden", "presenter-key", "only the presenter may ask the room a question");
        }
        broker.convertAndSend(RoomMessages.TOPIC + room + ".poll", (Object) checked);
    }

    /** A follower who joins: the room's latest question, {@code {poll: null}} before the first. */
    @SubscribeMapping("/rooms/{room}/poll")
    Map<String, Object> lastPoll(@DestinationVariable String room) {
        if (rooms.codeOf(room).isEmpty()) throw new RoomException("no-room", "room", "there is no room " + room);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("poll", rooms.lastPoll(room).map(JSON::readTree).orElse(null));
        return out;
    }

    @MessageMapping("/rooms/{room}/vote")
    void vote(@DestinationVariable String room, @Header(name = "simpSessionId", required = false) String session,
            @Payload JsonNode vote) {
        if (vote == null || !vote.isObject()) throw RoomException.invalid("vote", "a vote is {poll, choice, token}");
        String poll = text(vote, "poll", 80);
        if (!POLL_ID.matcher(poll).matches()) throw RoomException.invalid("poll", "poll is not a question id");
        String choice = text(vote, "choice", MAX_CHOICE).strip();
        if (choice.isEmpty()) throw RoomException.invalid("choice", "choice is empty");
        String token = text(vote, "token", 64);
        if (!TOKEN.matcher(token).matches()) throw RoomException.invalid("token", "token is 16 to 64 letters, digits, - or _");
        String who = session == null ? "?" : session;
        if (voteLimiter.tryAcquire(who).isPresent()) {
            throw new RoomException("rate-limited", "vote", "too many votes in a short time; wait a few seconds");
        }
        String voter = Rooms.sha256("vote/" + room + "/" + token).substring(0, 16);
        synchronized (voted) {
            Set<String> byConnection = voted.computeIfAbsent("s:" + who, k -> new HashSet<>());
            Set<String> byFollower = voted.computeIfAbsent("t:" + voter, k -> new HashSet<>());
            String id = room + "/" + poll;
            if (byConnection.contains(id) || byFollower.contains(id)) {
                throw new RoomException("already-voted", "poll", "you have already voted on this question");
            }
            if (byConnection.size() >= MAX_POLLS_PER_SESSION || byFollower.size() >= MAX_POLLS_PER_SESSION) {
                throw new RoomException("too-many", "vote", "at most " + MAX_POLLS_PER_SESSION + " votes per follower");
            }
            if (rooms.codeOf(room).isEmpty()) throw new RoomException("no-room", "room", "there is no room " + room);
            byConnection.add(id);
            byFollower.add(id);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("poll", poll);
        out.put("choice", choice);
        out.put("voter", voter);
        broker.convertAndSend(RoomMessages.TOPIC + room + ".votes", (Object) out);
    }

    @EventListener
    void disconnected(SessionDisconnectEvent event) {
        synchronized (voted) {
            voted.remove("s:" + event.getSessionId());
        }
    }

    static Map<String, Object> checkPoll(JsonNode poll) {
        if (poll == null || !poll.isObject()) throw RoomException.invalid("poll", "the poll must be a JSON object");
        for (String name : poll.propertyNames()) {
            if (!List.of("id", "prompt", "options", "form", "state", "correct", "shown", "counts").contains(name)) {
                throw RoomException.invalid(name, "unknown field '" + name + "'");
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        String id = text(poll, "id", 80);
        if (!POLL_ID.matcher(id).matches()) throw RoomException.invalid("id", "id is not a question id");
        out.put("id", id);
        out.put("prompt", text(poll, "prompt", MAX_PROMPT));
        out.put("options", strings(poll, "options", MAX_OPTIONS, true));
        String form = text(poll, "form", 10);
        if (!List.of("choice", "number", "text").contains(form)) throw RoomException.invalid("form", "form is choice, number or text");
        out.put("form", form);
        String state = text(poll, "state", 10);
        if (!state.equals("open") && !state.equals("revealed")) throw RoomException.invalid("state", "state is open or revealed");
        out.put("state", state);
        if (state.equals("revealed")) {
            out.put("correct", strings(poll, "correct", MAX_OPTIONS, false));
            out.put("shown", poll.hasNonNull("shown") ? text(poll, "shown", MAX_SHOWN) : "");
            Map<String, Integer> counts = new LinkedHashMap<>();
            JsonNode c = poll.get("counts");
            if (c != null && !c.isNull()) {
                if (!c.isObject()) throw RoomException.invalid("counts", "counts is an object of choice: number");
                for (String k : c.propertyNames()) {
                    JsonNode n = c.get(k);
                    if (k.length() > MAX_CHOICE || !n.isIntegralNumber() || !n.canConvertToInt() || n.intValue() < 0 || counts.size() >= 16) {
                        throw RoomException.invalid("counts", "counts is at most 16 choices, each a count of 0 or more");
                    }
                    counts.put(k, n.intValue());
                }
            }
            out.put("counts", counts);
        }
        return out;
    }

    private static String text(JsonNode node, String field, int max) {
        JsonNode v = node.get(field);
        if (v == null || !v.isString()) throw RoomException.invalid(field, field + " is required (a string)");
        String s = v.stringValue();
        if (s.length() > max) throw RoomException.invalid(field, field + " is longer than " + max + " characters");
        return s;
    }

    private static List<String> strings(JsonNode node, String field, int max, boolean required) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) throw RoomException.invalid(field, field + " is required (a list)");
            return List.of();
        }
        if (!v.isArray() || v.size() > max) throw RoomException.invalid(field, field + " is a list of at most " + max + " strings");
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isString() || e.stringValue().length() > MAX_CHOICE) throw RoomException.invalid(field, field + " holds strings of at most " + MAX_CHOICE + " characters");
            out.add(e.stringValue());
        }
        return out;
    }

    @MessageExceptionHandler
    @SendToUser(destinations = "/topic/errors", broadcast = false)
    Map<String, Object> refused(Exception e) {
        Map<String, Object> error = new LinkedHashMap<>();
        if (e instanceof RoomException r) {
            error.put("error", r.code);
            error.put("field", r.field);
            error.put("message", r.getMessage());
        } else {
            error.put("error", "invalid");
            error.put("message", "the message must be a JSON object");
        }
        return error;
    }
}
