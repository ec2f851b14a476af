package io.cowscope.present;

import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/rooms} opens a room: {@code {room, code, presenterKey}}, the key shown only
 * here. {@code GET /api/rooms/{code}} finds a room by the code followers type (any case).
 */
@RestController
@RequestMapping("/api/rooms")
class RoomsController {
    private final Rooms rooms;

    RoomsController(Rooms rooms) {
        this.rooms = rooms;
    }

    @PostMapping
    ResponseEntity<Rooms.Created> create() {
        return ResponseEntity.status(HttpStatus.CREATED).body(rooms.create());
    }

    @GetMapping("/{code}")
    ResponseEntity<Map<String, String>> find(@PathVariable String code) {
        return rooms.byCode(code)
                .map(room -> ResponseEntity.ok(Map.of("room", room, "code", code.toUpperCase(java.util.Locale.ROOT))))
                .orElseGet(() -> ResponseEntity.status(HttpStatus.NOT_FOUND)
                        .body(Map.of("error", "not-found", "field", "code", "message", "no room with this code")));
    }
}
