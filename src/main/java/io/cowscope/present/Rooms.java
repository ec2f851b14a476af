package io.cowscope.present;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Presentation rooms in table {@code room} (db/migration/V2): the id followers subscribe to, the
 * short code people type, the hash of the presenter's key, and the last state with its sequence
 * number. Kept in the database, not in memory, so that with the RabbitMQ relay every server
 * instance (sharing the database) finds a room by code and serves its last state to a follower
 * who joins. Rooms idle for {@code cowscope.rooms.idle-expiry} are deleted when a room is made.
 */
@Repository
public class Rooms {
    /** Codes people read aloud and type: no 0/O, 1/I/L. */
    static final String CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    /** new codes: 31^8 = 8.5 * 10^11 (docs/operations.md, guess budget) */
    static final int CODE_LENGTH = 8;
    /** codes of rooms opened before codes grew from 6 characters still find their rooms */
    static final int OLD_CODE_LENGTH = 6;
    static final Pattern ID = Pattern.compile("[a-z2-7]{26}");
    static final Pattern CODE = Pattern.compile("[" + CODE_ALPHABET + "]{" + CODE_LENGTH + "}|[" + CODE_ALPHABET + "]{"
            + OLD_CODE_LENGTH + "}");

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;
    private final Duration idleExpiry;
    private final SecureRandom random = new SecureRandom();

    @Autowired
    public Rooms(JdbcClient jdbc, TransactionTemplate tx, @Value("${cowscope.rooms.idle-expiry:12h}") Duration idleExpiry) {
        this(jdbc, tx, idleExpiry, Clock.systemUTC());
    }

    public Rooms(JdbcClient jdbc, TransactionTemplate tx, Duration idleExpiry, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.idleExpiry = idleExpiry;
        this.clock = clock;
    }

    /** A new room; presenterKey is shown once, only its hash is stored. */
    public record Created(String room, String code, String presenterKey) {}

    /** The last state of a room: seq 0 and state null before the presenter's first publish. */
    public record State(String room, long seq, String state) {}

    public Created create() {
        OffsetDateTime now = OffsetDateTime.now(clock);
        jdbc.sql("DELETE FROM room WHERE updated_at < :before").param("before", now.minus(idleExpiry)).update();
        String key = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(32));
        for (int attempt = 0; ; attempt++) {
            String room = io.cowscope.share.Base32.encode(bytes(16));
            String code = code();
            try {
                jdbc.sql("""
                        INSERT INTO room (id, code, presenter_key_hash, seq, last_state, created_at, updated_at)
                        VALUES (:id, :code, :key, 0, NULL, :now, :now)""")
                        .param("id", room).param("code", code).param("key", sha256(key)).param("now", now)
                        .update();
                return new Created(room, code, key);
            } catch (DuplicateKeyException taken) {
                if (attempt >= 20) {
                    throw new IllegalStateException("no free room code after " + attempt + " tries", taken);
                }
            }
        }
    }

    /** The room with this code (any case), if it exists. */
    public Optional<String> byCode(String code) {
        String upper = code.toUpperCase(Locale.ROOT);
        if (!CODE.matcher(upper).matches()) {
            return Optional.empty();
        }
        return jdbc.sql("SELECT id FROM room WHERE code = :code").param("code", upper).query(String.class).optional();
    }

    public Optional<String> codeOf(String room) {
        if (!ID.matcher(room).matches()) {
            return Optional.empty();
        }
        return jdbc.sql("SELECT code FROM room WHERE id = :id").param("id", room).query(String.class).optional();
    }

    /** the SHA-256 (hex) of the room's presenter key, if the room exists */
    public Optional<String> presenterKeyHash(String room) {
        if (!ID.matcher(room).matches()) {
            return Optional.empty();
        }
        return jdbc.sql("SELECT presenter_key_hash FROM room WHERE id = :id").param("id", room).query(String.class).optional();
    }

    public Optional<State> lastState(String room) {
        if (!ID.matcher(room).matches()) {
            return Optional.empty();
        }
        return jdbc.sql("SELECT seq, last_state FROM room WHERE id = :id").param("id", room)
                .query((rs, n) -> new State(room, rs.getLong(1), rs.getString(2)))
                .optional();
    }

    /** True when presenterKey is this room's key (issue 13: only the presenter may ask the class). */
    public boolean isPresenter(String room, String presenterKey) {
        if (!ID.matcher(room).matches() || presenterKey == null) {
            return false;
        }
        return jdbc.sql("SELECT COUNT(*) FROM room WHERE id = :id AND presenter_key_hash = :key")
                .param("id", room).param("key", sha256(presenterKey)).query(Long.class).single() > 0;
    }

    /**
     * Stores poll (checked JSON) as the room's latest question if presenterKey is the room's key
     * (issue 13: a follower who joins later is shown it); false when the room or key is wrong.
     */
    public boolean savePoll(String room, String presenterKey, String poll) {
        if (!ID.matcher(room).matches() || presenterKey == null) {
            return false;
        }
        return jdbc.sql("UPDATE room SET last_poll = :poll, updated_at = :now WHERE id = :id AND presenter_key_hash = :key")
                .param("poll", poll).param("now", OffsetDateTime.now(clock)).param("id", room).param("key", sha256(presenterKey))
                .update() > 0;
    }

    /** The room's latest question (JSON), empty when the room does not exist or has asked none. */
    public Optional<String> lastPoll(String room) {
        if (!ID.matcher(room).matches()) {
            return Optional.empty();
        }
        return jdbc.sql("SELECT last_poll FROM room WHERE id = :id").param("id", room)
                .query((rs, n) -> Optional.ofNullable(rs.getString(1))).optional().flatMap(p -> p);
    }

    /** The outcome of a publish. */
    public enum Refusal { NO_SUCH_ROOM, WRONG_KEY }

    /**
     * Stores state as the room's last state if presenterKey is the room's; returns it with its new
     * sequence number. The update and the read of seq are one transaction, so concurrent publishes
     * (two presenter tabs) get distinct, increasing numbers.
     */
    public Result publish(String room, String presenterKey, String state) {
        if (!ID.matcher(room).matches()) {
            return new Result(null, Refusal.NO_SUCH_ROOM);
        }
        String keyHash = sha256(presenterKey == null ? "" : presenterKey);
        return tx.execute(status -> {
            int updated = jdbc.sql("""
                    UPDATE room SET seq = seq + 1, last_state = :state, updated_at = :now
                    WHERE id = :id AND presenter_key_hash = :key""")
                    .param("state", state).param("now", OffsetDateTime.now(clock)).param("id", room).param("key", keyHash)
                    .update();
            if (updated == 0) {
                return new Result(null, codeOf(room).isPresent() ? Refusal.WRONG_KEY : Refusal.NO_SUCH_ROOM);
            }
            long seq = jdbc.sql("SELECT seq FROM room WHERE id = :id").param("id", room).query(Long.class).single();
            return new Result(new State(room, seq, state), null);
        });
    }

    public record Result(State published, Refusal refusal) {}

    private String code() {
        StringBuilder code = new StringBuilder(CODE_LENGTH);
        for (int i = 0; i < CODE_LENGTH; i++) {
            code.append(CODE_ALPHABET.charAt(random.nextInt(CODE_ALPHABET.length())));
        }
        return code.toString();
    }

    private byte[] bytes(int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
