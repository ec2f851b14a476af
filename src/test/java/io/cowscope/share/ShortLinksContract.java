package io.cowscope.share;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The short-link repository's contract, run on H2 and on PostgreSQL by the subclasses. */
abstract class ShortLinksContract {
    JdbcClient jdbc;
    ShortLinks links;

    abstract DataSource dataSource();

    @BeforeEach
    void setUp() {
        jdbc = JdbcClient.create(dataSource());
        links = new ShortLinks(jdbc, Clock.systemUTC());
    }

    static LinkContent content(String text) {
        return new LinkContent(text, "6.18", null, null, null);
    }

    @Test
    void aSavedLinkReadsBackFieldForField() {
        LinkContent content = new LinkContent("title \"ünïcode ✓\"\nprocess p\n", "5.7", "6.18", 3, "{\"a\":1,\"b\":[true,null]}");
        ShortLinks.Saved saved = links.save(content);
        assertThat(saved.created()).isTrue();
        assertThat(saved.id()).hasSize(ShortLinks.MIN_ID).isEqualTo(content.hash().substring(0, 6));
        assertThat(links.find(saved.id())).contains(content);
    }

    @Test
    void theSameContentGetsTheSameIdAndIsStoredOnce() {
        ShortLinks.Saved first = links.save(content("process a\n"));
        ShortLinks.Saved again = links.save(content("process a\n"));
        assertThat(again).isEqualTo(new ShortLinks.Saved(first.id(), false));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM share_link").query(Integer.class).single()).isEqualTo(1);
    }

    @Test
    void aTakenPrefixMakesTheIdLongerAndNeverOverwrites() {
        LinkContent mine = content("process mine\n");
        String hash = mine.hash();
        // another content whose hash starts like mine holds the 6- and 7-character prefixes
        insertForeign(hash.substring(0, 6), "a".repeat(52));
        insertForeign(hash.substring(0, 7), "b".repeat(52));
        ShortLinks.Saved saved = links.save(mine);
        assertThat(saved.id()).isEqualTo(hash.substring(0, 8));
        assertThat(links.find(saved.id())).contains(mine);
        assertThat(links.find(hash.substring(0, 6)).orElseThrow().text()).isEqualTo("foreign");
    }

    @Test
    void unknownAndMalformedIdsFindNothing() {
        assertThat(links.find("zzzzzz")).isEmpty();
        assertThat(links.find("abc")).isEmpty();
        assertThat(links.find("ABCDEF'; DROP TABLE share_link; --")).isEmpty();
    }

    @Test
    void concurrentSavesOfOneContentAgreeOnOneRow() throws Exception {
        LinkContent content = content("process raced\n");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<ShortLinks.Saved>> saves = IntStream.range(0, 8).<Callable<ShortLinks.Saved>>mapToObj(i -> () -> links.save(content)).toList();
            List<String> ids = pool.invokeAll(saves).stream().map(ShortLinksContract::get).map(ShortLinks.Saved::id).distinct().toList();
            assertThat(ids).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(jdbc.sql("SELECT COUNT(*) FROM share_link").query(Integer.class).single()).isEqualTo(1);
    }

    private static <T> T get(Future<T> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private void insertForeign(String id, String hash) {
        jdbc.sql("INSERT INTO share_link (id, hash, scenario_text, kernel, created_at) VALUES (:id, :hash, 'foreign', '6.18', :at)")
                .param("id", id).param("hash", hash).param("at", OffsetDateTime.now()).update();
    }
}
