package io.cowscope.present;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The room repository's contract, run on H2 and on PostgreSQL by the subclasses. */
abstract class RoomsContract {
    private static final String STATE = "{\"step\":1,\"kernel\":\"6.18\",\"link\":\"abcdef\"}";
    DataSource dataSource;
    Rooms rooms;

    abstract DataSource dataSource();

    @BeforeEach
    void setUp() {
        dataSource = dataSource();
        rooms = rooms(Clock.systemUTC());
    }

    private Rooms rooms(Clock clock) {
        return new Rooms(JdbcClient.create(dataSource), new TransactionTemplate(new DataSourceTransactionManager(dataSource)),
                Duration.ofHours(12), clock);
    }

    @Test
    void aNewRoomHasACodeAKeyAndNoStateYet() {
        Rooms.Created created = rooms.create();
        assertThat(created.room()).matches("[a-z2-7]{26}");
        assertThat(created.code()).matches("[A-HJKMNP-Z2-9]{8}");
        assertThat(created.presenterKey()).hasSizeGreaterThanOrEqualTo(40);
        assertThat(rooms.byCode(created.code())).contains(created.room());
        assertThat(rooms.byCode(created.code().toLowerCase())).contains(created.room());
        assertThat(rooms.lastState(created.room())).contains(new Rooms.State(created.room(), 0, null));
    }

    /** Issue 14: new codes grew to 8 characters (V4 widens the column); a room opened with a 6-character code keeps it. */
    @Test
    void aRoomWithAnOldSixCharacterCodeIsStillFound() {
        String room = "b".repeat(26);
        java.time.OffsetDateTime now = java.time.OffsetDateTime.now(java.time.ZoneOffset.UTC);
        JdbcClient.create(dataSource).sql("""
                INSERT INTO room (id, code, presenter_key_hash, seq, last_state, created_at, updated_at)
                VALUES (:id, 'K7QF2M', :key, 0, NULL, :now, :now)""").param("id", room).param("key", "0".repeat(64))
                .param("now", now).update();
        assertThat(rooms.byCode("k7qf2m")).contains(room);
        assertThat(rooms.byCode("K7QF2")).isEmpty();
        assertThat(rooms.byCode("K7QF2MAB")).isEmpty();
    }

    @Test
    void onlyThePresenterKeyPublishesAndEachPublishGetsTheNextSeq() {
        Rooms.Created created = rooms.create();
        assertThat(rooms.publish(created.room(), "wrong", STATE).refusal()).isEqualTo(Rooms.Refusal.WRONG_KEY);
        assertThat(rooms.publish(created.room(), null, STATE).refusal()).isEqualTo(Rooms.Refusal.WRONG_KEY);
        assertThat(rooms.publish("a".repeat(26), created.presenterKey(), STATE).refusal()).isEqualTo(Rooms.Refusal.NO_SUCH_ROOM);
        assertThat(rooms.publish(created.room(), created.presenterKey(), STATE).published().seq()).isEqualTo(1);
        assertThat(rooms.publish(created.room(), created.presenterKey(), STATE.replace("1", "2")).published().seq()).isEqualTo(2);
        assertThat(rooms.lastState(created.room()).orElseThrow().state()).contains("\"step\":2");
    }

    @Test
    void onlyThePresenterKeyStoresTheRoomsQuestion() {
        Rooms.Created created = rooms.create();
        assertThat(rooms.lastPoll(created.room())).isEmpty();
        String big = "{\"id\":\"q\",\"prompt\":\"" + "x".repeat(6000) + "\"}";
        assertThat(rooms.savePoll(created.room(), "wrong", big)).isFalse();
        assertThat(rooms.savePoll("a".repeat(26), created.presenterKey(), big)).isFalse();
        assertThat(rooms.lastPoll(created.room())).isEmpty();
        assertThat(rooms.savePoll(created.room(), created.presenterKey(), big)).isTrue();
        assertThat(rooms.lastPoll(created.room())).contains(big);
        assertThat(rooms.lastPoll("not-a-room")).isEmpty();
    }

    @Test
    void concurrentPublishesGetDistinctSequenceNumbers() throws Exception {
        Rooms.Created created = rooms.create();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Long>> publishes = IntStream.range(0, 20)
                    .<Callable<Long>>mapToObj(i -> () -> rooms.publish(created.room(), created.presenterKey(), STATE).published().seq())
                    .toList();
            Set<Long> seqs = new HashSet<>();
            for (var future : pool.invokeAll(publishes)) {
                seqs.add(future.get());
            }
            assertThat(seqs).hasSize(20).allMatch(s -> s >= 1 && s <= 20);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void idleRoomsAreDeletedWhenARoomIsMade() {
        Rooms.Created old = rooms(Clock.fixed(Instant.parse("2020-01-01T00:00:00Z"), ZoneOffset.UTC)).create();
        Rooms.Created fresh = rooms.create();
        assertThat(rooms.byCode(old.code())).isEmpty();
        assertThat(rooms.byCode(fresh.code())).contains(fresh.room());
    }

    @Test
    void malformedIdsAndCodesFindNothing() {
        assertThat(rooms.byCode("nope")).isEmpty();
        assertThat(rooms.byCode("' OR 1=1 --")).isEmpty();
        assertThat(rooms.lastState("ROOM")).isEmpty();
        assertThat(rooms.publish("x", "k", STATE).refusal()).isEqualTo(Rooms.Refusal.NO_SUCH_ROOM);
    }
}
