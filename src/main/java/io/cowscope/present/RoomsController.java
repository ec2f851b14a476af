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
 * {@code GET /api/rooms/{code}} finds a room by the code followers type (any case).
 */
@RestController
@RequestMapping("/api/rooms")
class RoomsController {
    private final Rooms rooms;
    private final RateLimiter limiter;
    private final String limit;

    RoomsController(Rooms rooms, @Value("${cowscope.rooms.rate-limit.creations:10}") int creations,
            @Value("${cowscope.rooms.rate-limit.per:1m}") Duration per) {
        this.rooms = rooms;
        this.limiter = new RateLimiter(creations, per);
        this.limit = creations + " rooms per " + per.toString().substring(2).toLowerCase(Locale.ROOT) + " per client";
    }

    @PostMapping
    ResponseEntity<?> create(HttpServletRequest request) {
        Optional<Duration> wait = limiter.tryAcquire(request.getRemoteAddr());
        if (wait.isPresent()) {
            return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                    .header(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, wait.get().toSeconds() + 1)))
                    .body(Map.of("error", "rate-limited", "limit", limit,
                            "message", "too many rooms opened from this address; the limit is " + limit));
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(rooms.create());
    }

    @GetMapping("/{code}")
    ResponseEntity<Map<String, String>> find(@PathVariable String code) {
        return rooms.byCode(code)
                .map(room -> ResponseEntity.ok(Map.of("room", room, "code", code.toUpperCase(Locale.ROOT))))
                .orElseGet(() -> ResponseEntity.status(HttpStatus.NOT_FOUND)
                        .body(Map.of("error", "not-found", "field", "code", "message", "no room with this code")));
    }
}
