package io.cowscope.session.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cowscope.scenario.Gallery;
import io.cowscope.session.LimitException;
import io.cowscope.session.Session;
import io.cowscope.session.SessionException;
import io.cowscope.session.SessionProperties;
import io.cowscope.session.Views;
import io.cowscope.web.socket.Peer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Session lifetime without a server: resume window, idle expiry, the session limit, close. */
class SessionRegistryTest {
    private static final String TEXT = Gallery.load().find("basic-cow-after-fork").orElseThrow().text();
    private SessionRegistry registry;

    private SessionRegistry registry(Duration resume, Duration idle, int maxSessions) {
        registry = new SessionRegistry(new SessionProperties(resume, idle, maxSessions, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null));
        return registry;
    }

    @AfterEach
    void stop() {
        registry.destroy();
    }

    private static Session.LoadRequest request() {
        return new Session.LoadRequest(TEXT, null, null, null, null, null, null);
    }

    @Test
    void aDroppedConnectionsSessionWaitsForResumeThenGoes() throws Exception {
        SessionRegistry r = registry(Duration.ofMillis(400), Duration.ofMinutes(5), 10);
        FakePeer a = new FakePeer("a");
        Session s = r.load(a, request());
        s.goTo(2, null);
        r.closed(a);
        FakePeer b = new FakePeer("b");
        assertThat(r.resume(b, s.token())).isSameAs(s);
        assertThat(r.of(b).position()).isEqualTo(2);
        r.closed(b);
        Thread.sleep(900);
        assertThat(r.size()).isZero();
        assertThat(s.isClosed()).isTrue();
        assertThatThrownBy(() -> r.resume(new FakePeer("c"), s.token())).isInstanceOf(SessionException.class)
                .hasMessageContaining("cowscope.session.resume-timeout");
    }

    @Test
    void anIdleSessionExpiresAndItsPageIsTold() throws Exception {
        SessionRegistry r = registry(Duration.ofMinutes(5), Duration.ofMillis(400), 10);
        FakePeer a = new FakePeer("a");
        Session s = r.load(a, request());
        Thread.sleep(900);
        assertThat(r.size()).isZero();
        assertThat(s.isClosed()).isTrue();
        assertThat(a.sent).anySatisfy(m -> assertThat(m).isInstanceOfSatisfying(Views.Notice.class, n -> {
            assertThat(n.type()).isEqualTo("expired");
            assertThat(n.reason()).contains("cowscope.session.idle-timeout");
        }));
        assertThatThrownBy(() -> r.of(a)).isInstanceOf(SessionException.class);
    }

    @Test
    void theServerHoldsAtMostMaxSessionsAndAReloadReplacesTheOld() {
        SessionRegistry r = registry(Duration.ofMinutes(5), Duration.ofMinutes(5), 2);
        FakePeer a = new FakePeer("a"), b = new FakePeer("b");
        Session first = r.load(a, request());
        r.load(b, request());
        assertThatThrownBy(() -> r.load(new FakePeer("c"), request())).isInstanceOf(LimitException.class)
                .hasMessageContaining("cowscope.session.max-sessions");
        Session second = r.load(a, request());
        assertThat(first.isClosed()).isTrue();
        assertThat(r.size()).isEqualTo(2);
        assertThat(r.close(a)).isTrue();
        assertThat(second.isClosed()).isTrue();
        assertThat(r.size()).isEqualTo(1);
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
