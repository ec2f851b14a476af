package io.cowscope.session.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.cowscope.session.SessionProperties;
import io.cowscope.session.Views;
import io.cowscope.web.socket.Messages;
import io.cowscope.web.socket.Peer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 14: a well-behaved user must not be starved by clients that flood the server with heavy
 * requests. Light requests are answered at once however many heavy ones wait; heavy ones wait in a
 * bounded queue served in turn, and are refused at once (busy, with retryAfterMs) when it is full.
 */
class WorkQueueTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private SessionRegistry registry;

    private SessionRegistry registry(int turns, int queue, Duration timeout) {
        registry = new SessionRegistry(new SessionProperties(null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, turns, queue, timeout, null));
        return registry;
    }

    @AfterEach
    void stop() {
        registry.destroy();
    }

    /** takes every turn until released */
    private static CountDownLatch occupy(SessionRegistry r, int turns) throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(turns);
        for (int i = 0; i < turns; i++) {
            r.work().submit(new FakePeer("hog" + i), true, () -> {
                started.countDown();
                await(release);
            }, why -> { });
        }
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        return release;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aGallerySizedLoadIsAnsweredAtOnceWhileEveryTurnIsTaken() throws Exception {
        SessionRegistry r = registry(1, 10, Duration.ofSeconds(5));
        CountDownLatch release = occupy(r, 1);
        try {
            FakePeer user = new FakePeer("user");
            new LoadHandler(r).handle(JSON.readTree("{\"type\":\"load\",\"scenario\":{\"gallery\":\"basic-cow-after-fork\"}}"), user);
            // answered on this thread, before the turn is free
            assertThat(user.sent).singleElement().isInstanceOf(Views.SessionView.class);
            new StepHandler(r).handle(JSON.readTree("{\"type\":\"step\",\"dir\":\"forward\"}"), user);
            assertThat(user.sent).hasSize(2).last().isInstanceOf(Views.DeltaView.class);
        } finally {
            release.countDown();
        }
    }

    @Test
    void aLargeLoadWaitsForItsTurnAndTheConnectionsLaterRequestsFollowIt() throws Exception {
        SessionRegistry r = registry(1, 10, Duration.ofSeconds(5));
        CountDownLatch release = occupy(r, 1);
        FakePeer user = new FakePeer("user");
        String big = "process p\\np: buf = mmap " + (r.properties().lightWorkPages() + 1) + "\\np: write buf[0] \\\"x\\\"\\n";
        new LoadHandler(r).handle(JSON.readTree("{\"type\":\"load\",\"id\":1,\"scenario\":{\"text\":\"" + big + "\"}}"), user);
        new StepHandler(r).handle(JSON.readTree("{\"type\":\"step\",\"id\":2,\"dir\":\"forward\"}"), user);
        assertThat(user.sent).isEmpty(); // neither ran on this thread: the step follows the load
        release.countDown();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (user.sent.size() < 2 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertThat(user.sent).hasSize(2);
        assertThat(user.sent.get(0)).isInstanceOfSatisfying(Views.SessionView.class, s -> assertThat(s.id()).isEqualTo(1));
        assertThat(user.sent.get(1)).isInstanceOfSatisfying(Views.DeltaView.class, d -> assertThat(d.id()).isEqualTo(2));
    }

    @Test
    void aFullQueueRefusesAtOnceNamingTheLimitWithARetryHint() throws Exception {
        SessionRegistry r = registry(1, 1, Duration.ofSeconds(5));
        CountDownLatch release = occupy(r, 1);
        try {
            List<String> ran = new CopyOnWriteArrayList<>();
            List<String> refused = new CopyOnWriteArrayList<>();
            r.work().submit(new FakePeer("a"), true, () -> ran.add("a"), refused::add); // waits in the queue
            r.work().submit(new FakePeer("b"), true, () -> ran.add("b"), refused::add); // the queue is full
            assertThat(refused).singleElement().asString().contains("busy").contains("cowscope.session.work-queue");
            assertThat(ran).isEmpty();
            release.countDown();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (ran.isEmpty() && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertThat(ran).containsExactly("a");
        } finally {
            release.countDown();
        }
    }

    @Test
    void aBusyRefusalOfAHeavyRequestCarriesRetryAfterMsAndTheRequestsId() throws Exception {
        SessionRegistry r = registry(1, 1, Duration.ofSeconds(5));
        CountDownLatch release = occupy(r, 1);
        try {
            r.work().submit(new FakePeer("a"), true, () -> { }, why -> { }); // fills the queue
            FakePeer user = new FakePeer("user");
            String big = "process p\\np: buf = mmap " + (r.properties().lightWorkPages() + 1) + "\\n";
            new LoadHandler(r).handle(JSON.readTree("{\"type\":\"load\",\"id\":\"x\",\"scenario\":{\"text\":\"" + big + "\"}}"), user);
            assertThat(user.sent).singleElement().isInstanceOfSatisfying(Messages.Error.class, e -> {
                assertThat(e.code()).isEqualTo("limit");
                assertThat(e.id()).isEqualTo("x");
                assertThat(e.retryAfterMs()).isPositive();
                assertThat(e.message()).contains("cowscope.session.work-queue");
            });
        } finally {
            release.countDown();
        }
    }

    @Test
    void aRequestThatWaitedLongerThanTheQueueTimeoutIsRefused() throws Exception {
        SessionRegistry r = registry(1, 10, Duration.ofMillis(100));
        CountDownLatch release = occupy(r, 1);
        List<String> ran = new CopyOnWriteArrayList<>();
        List<String> refused = new CopyOnWriteArrayList<>();
        r.work().submit(new FakePeer("a"), true, () -> ran.add("a"), refused::add);
        Thread.sleep(300);
        release.countDown();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (refused.isEmpty() && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertThat(ran).isEmpty();
        assertThat(refused).singleElement().asString().contains("cowscope.session.work-queue-timeout");
    }

    @Test
    void connectionsTakeTurnsSoOneWithManyHeavyRequestsCannotCrowdOutAnother() throws Exception {
        SessionRegistry r = registry(1, 10, Duration.ofSeconds(5));
        CountDownLatch release = occupy(r, 1);
        List<String> ran = new CopyOnWriteArrayList<>();
        FakePeer a = new FakePeer("a"), b = new FakePeer("b");
        for (int i = 1; i <= 3; i++) {
            String name = "a" + i;
            r.work().submit(a, true, () -> ran.add(name), why -> ran.add("refused " + name));
        }
        r.work().submit(b, true, () -> ran.add("b1"), why -> ran.add("refused b1"));
        release.countDown();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ran.size() < 4 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertThat(ran).containsExactly("a1", "b1", "a2", "a3");
    }

    private static final class FakePeer implements Peer {
        final String id;
        final List<Object> sent = new CopyOnWriteArrayList<>();
        final Map<String, Object> attributes = new ConcurrentHashMap<>();

        FakePeer(String id) {
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public void send(Object message) {
            sent.add(message);
        }

        @Override
        public Map<String, Object> attributes() {
            return attributes;
        }
    }
}
