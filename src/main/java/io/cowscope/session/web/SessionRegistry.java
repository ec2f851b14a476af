package io.cowscope.session.web;

import io.cowscope.session.LimitException;
import io.cowscope.session.Session;
import io.cowscope.session.SessionException;
import io.cowscope.session.SessionProperties;
import io.cowscope.session.Views.Notice;
import io.cowscope.web.socket.ConnectionListener;
import io.cowscope.web.socket.Peer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * The sessions this server holds, by token and by connection. A session belongs to one connection
 * at a time; when that connection closes the session waits {@code cowscope.session.resume-timeout}
 * for a {@code resume} with its token, then is closed. A session without a request for
 * {@code cowscope.session.idle-timeout} is closed too (its page is told {@code expired}). Closing
 * drops every reference to its machines.
 */
@Component
public class SessionRegistry implements ConnectionListener, DisposableBean {
    private static final Logger log = LoggerFactory.getLogger(SessionRegistry.class);
    private static final SecureRandom random = new SecureRandom();

    private static final class Entry {
        final Session session;
        volatile String peerId;
        volatile long detachedAt;

        Entry(Session session, String peerId) {
            this.session = session;
            this.peerId = peerId;
        }
    }

    private final SessionProperties properties;
    private final Map<String, Entry> byToken = new ConcurrentHashMap<>();
    private final Map<String, Entry> byPeer = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;

    public SessionRegistry(SessionProperties properties) {
        this.properties = properties;
        AtomicInteger n = new AtomicInteger();
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "cowscope-session-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.setRemoveOnCancelPolicy(true); // a paused or closed session's tick must not keep it reachable
        this.scheduler = pool;
        long period = Math.max(100, Math.min(10_000,
                Math.min(properties.resumeTimeout().toMillis(), properties.idleTimeout().toMillis()) / 4));
        scheduler.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    public SessionProperties properties() {
        return properties;
    }

    /** runs play ticks */
    public ScheduledExecutorService scheduler() {
        return scheduler;
    }

    /**
     * Loads a new session for this connection. The connection's previous session is closed once the
     * new one has loaded; a load that fails leaves it as it was.
     */
    public Session load(Peer peer, Session.LoadRequest request) {
        int others = byToken.size() - (byPeer.containsKey(peer.id()) ? 1 : 0);
        if (others >= properties.maxSessions()) {
            throw new LimitException("the server holds " + others + " sessions, its limit"
                    + " (cowscope.session.max-sessions); try again later");
        }
        Session session = Session.load(newToken(), request, properties);
        close(peer);
        Entry e = new Entry(session, peer.id());
        byToken.put(session.token(), e);
        byPeer.put(peer.id(), e);
        session.attach(peer::send);
        return session;
    }

    /** the session of this connection */
    public Session of(Peer peer) {
        Entry e = byPeer.get(peer.id());
        if (e == null || e.session.isClosed()) {
            throw new SessionException(SessionException.NO_SESSION,
                    "no session on this connection: send load (or resume with a token) first");
        }
        return e.session;
    }

    /** Attaches the session with this token to this connection (taking it from any other). */
    public Session resume(Peer peer, String token) {
        Entry e = byToken.get(token);
        if (e == null || e.session.isClosed()) {
            throw new SessionException(SessionException.UNKNOWN_TOKEN,
                    "no session with this token: it was closed or expired (resume within "
                            + properties.resumeTimeout().toSeconds() + " s, cowscope.session.resume-timeout)");
        }
        Entry mine = byPeer.get(peer.id());
        if (mine != null && mine != e) {
            close(peer);
        }
        String previous = e.peerId;
        if (previous != null && !previous.equals(peer.id())) {
            byPeer.remove(previous, e);
        }
        e.session.detach();
        e.peerId = peer.id();
        byPeer.put(peer.id(), e);
        e.session.attach(peer::send);
        return e.session;
    }

    /** Ends this connection's session and lets its memory go; false when it had none. */
    public boolean close(Peer peer) {
        Entry e = byPeer.remove(peer.id());
        if (e == null) {
            return false;
        }
        byToken.remove(e.session.token());
        e.session.close();
        return true;
    }

    @Override
    public void closed(Peer peer) {
        Entry e = byPeer.remove(peer.id());
        if (e != null) {
            e.session.detach();
            e.detachedAt = System.nanoTime();
            e.peerId = null;
        }
    }

    /** sessions held (attached or waiting for a resume) */
    public int size() {
        return byToken.size();
    }

    void sweep() {
        try {
            long now = System.nanoTime();
            Duration resume = properties.resumeTimeout(), idle = properties.idleTimeout();
            for (Entry e : byToken.values()) {
                boolean detached = e.peerId == null;
                if (detached && now - e.detachedAt > resume.toNanos()) {
                    drop(e, null);
                } else if (!detached && e.session.idleNanos() > idle.toNanos() && !e.session.isPlaying()) {
                    drop(e, new Notice("expired", null, null, "no request for " + idle.toSeconds()
                            + " s (cowscope.session.idle-timeout); load again"));
                }
            }
        } catch (RuntimeException ex) {
            log.warn("session sweep failed", ex);
        }
    }

    private void drop(Entry e, Notice notice) {
        byToken.remove(e.session.token());
        String peerId = e.peerId;
        if (peerId != null) {
            byPeer.remove(peerId, e);
        }
        if (notice != null) {
            e.session.tell(notice);
        }
        e.session.close();
    }

    private static String newToken() {
        byte[] b = new byte[18];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Override
    public void destroy() {
        scheduler.shutdownNow();
        byToken.values().forEach(e -> e.session.close());
        byToken.clear();
        byPeer.clear();
    }
}
