package io.cowscope.present;

import io.cowscope.share.RateLimiter;
import jakarta.servlet.http.HttpServletRequest;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/rooms} opens a room: {@code {room, code, presenterKey}}, the key shown only
 * here; rate-limited per client address ({@code cowscope.rooms.rate-limit.*}, 10 a minute).
 * {@code GET /api/rooms/{code}} finds a room by the code followers type (any case); rate-limited
 * per address ({@code cowscope.rooms.lookup.rate-limit.*}), and an address whose lookups missed
 * {@code cowscope.rooms.lookup.max-misses} times is locked out: misses come back one per
 * {@code lockout / max-misses}, so guessing codes goes at that pace at most (docs/operations.md).
 */
@RestController
@RequestMapping("/api/rooms")
class RoomsController {
    private final Rooms rooms;
    private final RateLimiter limiter;
    private final String limit;
    private final RateLimiter lookups;
    private final String lookupLimit;
    private final RateLimiter misses;
    private final String missLimit;

    RoomsController(Rooms rooms, @Value("${cowscope.rooms.rate-limit.creations:10}") int creations,
            @Value("${cowscope.rooms.rate-limit.per:1m}") Duration per,
            @Value("${cowscope.rooms.lookup.rate-limit.lookups:30}") int lookupsPer,
            @Value("${cowscope.rooms.lookup.rate-limit.per:1m}") Duration lookupPeriod,
            @Value("${cowscope.rooms.lookup.max-misses:10}") int maxMisses,
            @Value("${cowscope.rooms.lookup.lockout:15m}") Duration lockout) {
        this.rooms = rooms;
        this.limiter = new RateLimiter(creations, per);
        this.limit = creations + " rooms per " + words(per) + " per client";
        this.lookups = new RateLimiter(lookupsPer, lookupPeriod);
        this.lookupLimit = lookupsPer + " lookups per " + words(lookupPeriod) + " per client"
                + " (cowscope.rooms.lookup.rate-limit)";
        this.misses = new RateLimiter(maxMisses, lockout);
        this.missLimit = maxMisses + " unknown codes per " + words(lockout) + " per client"
                + " (cowscope.rooms.lookup.max-misses, cowscope.rooms.lookup.lockout)";
    }

    private static String words(Duration d) {
        return d.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    @PostMapping
    ResponseEntity<?> create(HttpServletRequest request) {
        Optional<Duration> wait = limiter.tryAcquire(request.getRemoteAddr());
        if (wait.isPresent()) {
            return tooMany(wait.get(), limit, "too many rooms opened from this address; the limit is " + limit);
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(rooms.create());
    }

    @GetMapping("/{code}")
    ResponseEntity<?> find(@PathVariable String code, HttpServletRequest request) {
        String address = request.getRemoteAddr();
        Optional<Duration> locked = misses.peek(address);
        if (locked.isPresent()) {
            return tooMany(locked.get(), missLimit, "too many unknown room codes from this address; the limit is " + missLimit);
        }
        Optional<Duration> wait = lookups.tryAcquire(address);
        if (wait.isPresent()) {
            return tooMany(wait.get(), lookupLimit, "too many room lookups from this address; the limit is " + lookupLimit);
        }
        Optional<String> room = rooms.byCode(code);
        if (room.isEmpty()) {
            misses.tryAcquire(address);
            return ResponseEntity.status(HttpStatus.NOT_FOUND)
                    .body(Map.of("error", "not-found", "field", "code", "message", "no room with this code"));
        }
        return ResponseEntity.ok(Map.of("room", room.get(), "code", code.toUpperCase(Locale.ROOT)));
    }

    private static ResponseEntity<Map<String, String>> tooMany(Duration wait, String limit, String message) {
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, wait.toSeconds() + 1)))
                .body(Map.of("error", "rate-limited", "limit", limit, "message", message));
    }
}
