package io.cowscope.share;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Short links in table {@code share_link} (db/migration/V1). The id of a link is the shortest
 * prefix of its content hash, at least {@link #MIN_ID} characters, that no other content holds,
 * so the same content always gets the same id and a different content never overwrites one: a
 * prefix taken by another hash makes the id one character longer (Compiler Explorer does the same).
 * Concurrent saves are settled by the primary key and the unique hash, not by locks.
 */
@Repository
public class ShortLinks {
    public static final int MIN_ID = 6;
    static final Pattern ID = Pattern.compile("[a-z2-7]{" + MIN_ID + ",52}");

    private final JdbcClient jdbc;
    private final Clock clock;

    @Autowired
    public ShortLinks(JdbcClient jdbc) {
        this(jdbc, Clock.systemUTC());
    }

    public ShortLinks(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** The outcome of a save: the link's id, and whether this call stored it. */
    public record Saved(String id, boolean created) {}

    public Saved save(LinkContent content) {
        String hash = content.hash();
        // a few rounds at most: each lost race means a concurrent save took that prefix
        for (int attempt = 0; attempt < 8; attempt++) {
            Optional<String> existing = idOfHash(hash);
            if (existing.isPresent()) {
                return new Saved(existing.get(), false);
            }
            String id = freePrefix(hash);
            try {
                jdbc.sql("""
                        INSERT INTO share_link (id, hash, scenario_text, kernel, compare_kernel, step, view_state, created_at)
                        VALUES (:id, :hash, :text, :kernel, :compare, :step, :view, :at)""")
                        .param("id", id)
                        .param("hash", hash)
                        .param("text", content.text())
                        .param("kernel", content.kernel())
                        .param("compare", content.compare())
                        .param("step", content.step())
                        .param("view", content.view())
                        .param("at", OffsetDateTime.now(clock))
                        .update();
                return new Saved(id, true);
            } catch (DuplicateKeyException raced) {
                // the same content saved meanwhile (found by hash next round) or another took the prefix
            }
        }
        throw new IllegalStateException("could not store link " + hash + " after repeated key conflicts");
    }

    public Optional<LinkContent> find(String id) {
        if (!ID.matcher(id).matches()) {
            return Optional.empty();
        }
        return jdbc.sql("SELECT scenario_text, kernel, compare_kernel, step, view_state FROM share_link WHERE id = :id")
                .param("id", id)
                .query((rs, n) -> new LinkContent(rs.getString(1), rs.getString(2), rs.getString(3),
                        (Integer) rs.getObject(4, Integer.class), rs.getString(5)))
                .optional();
    }

    private Optional<String> idOfHash(String hash) {
        return jdbc.sql("SELECT id FROM share_link WHERE hash = :hash").param("hash", hash).query(String.class).optional();
    }

    /** The shortest prefix of hash (at least MIN_ID long) that is not an id yet. */
    private String freePrefix(String hash) {
        for (int length = MIN_ID; length <= hash.length(); length++) {
            String prefix = hash.substring(0, length);
            boolean taken = jdbc.sql("SELECT COUNT(*) FROM share_link WHERE id = :id").param("id", prefix)
                    .query(Integer.class).single() > 0;
            if (!taken) {
                return prefix;
            }
        }
        throw new IllegalStateException("every prefix of " + hash + " is taken by another hash");
    }
}
