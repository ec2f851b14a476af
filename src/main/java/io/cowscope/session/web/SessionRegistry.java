package io.cowscope.session.web;

import io.cowscope.session.Deadline;
import io.cowscope.session.LimitException;
import io.cowscope.session.Session;
import io.cowscope.session.SessionException;
import io.cowscope.session.SessionProperties;
import io.cowscope.session.Views;
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
        final Admission admission;
        volatile String peerId;
        volatile long detachedAt;

        Entry(Session session, Admission admission, String peerId) {
            this.session = session;
            this.admission = admission;
            this.peerId = peerId;
        }
    }

    /**
     * One session's place on this server: a slot of {@code max-sessions}, one of its address's
     * {@code max-sessions-per-address}, and its bytes in the memory budget. Taken before the
     * (slow) load, given back once when the load fails or the session goes.
     */
    private final class Admission implements Session.Memory {
        final String address;
        private long held;
        private long reserved;
        private boolean released;

        Admission(String address) {
            this.address = address;
        }

        @Override
        public void reserve(long bytes) {
            long budget = properties.memoryBudgetBytes();
            for (;;) {
                long used = memoryUsed.get();
                if (used + bytes > budget) {
                    throw new LimitException("the server's memory for sessions is spent: this needs about "
                            + mib(bytes) + " MiB, " + mib(used) + " of " + mib(budget) + " MiB are held"
                            + " (cowscope.session.memory-budget-percent); try again later or a smaller scenario");
                }
                if (memoryUsed.compareAndSet(used, used + bytes)) {
                    break;
                }
            }
            synchronized (this) {
                reserved += bytes;
            }
        }

        @Override
        public synchronized void settle(long bytes) {
            memoryUsed.addAndGet(bytes - held - reserved);
            held = bytes;
            reserved = 0;
        }

        /** gives back the slot and the address's count (memory is settled by the session's close) */
        synchronized void release() {
            if (released) {
                return;
            }
            released = true;
            slots.decrementAndGet();
            perAddress.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
        }
    }

    private static long mib(long bytes) {
        return (bytes + (1 << 19)) >> 20;
    }

    private final SessionProperties properties;
    private final Map<String, Entry> byToken = new ConcurrentHashMap<>();
    private final Map<String, Entry> byPeer = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    /** sessions held plus loads under way: a slot is taken before the load, so the cap holds under concurrent loads */
    private final AtomicInteger slots = new AtomicInteger();
    private final Map<String, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong memoryUsed = new java.util.concurrent.atomic.AtomicLong();
    /** where requests run (cowscope.session.max-concurrent-work, work-queue) */
    private final WorkQueue work;

    public SessionRegistry(SessionProperties properties) {
        this.properties = properties;
        this.work = new WorkQueue(properties);
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
        try (Deadline d = Deadline.start(properties.maxRunMillis())) {
            Admission admission = admit(peer);
            Session session = loadAdmitted(admission, request);
            register(peer, session, admission);
            return session;
        }
    }

    /**
     * Loads a new session and builds its {@code session} answer, all within
     * {@code cowscope.session.max-run-millis}; past it (or any other refusal) nothing is kept and
     * the connection's previous session stays.
     */
    public Views.SessionView loadView(Peer peer, Session.LoadRequest request, Object id) {
        try (Deadline d = Deadline.start(properties.maxRunMillis())) {
            Admission admission = admit(peer);
            Session session = loadAdmitted(admission, request);
            Views.SessionView view;
            try {
                view = session.view(id);
                Deadline.check("while building the answer");
            } catch (RuntimeException e) {
                session.close();
                admission.release();
                throw e;
            }
            register(peer, session, admission);
            return view;
        }
    }

    private Session loadAdmitted(Admission admission, Session.LoadRequest request) {
        try {
            return Session.load(newToken(), request, properties, admission);
        } catch (RuntimeException | Error e) {
            admission.settle(0);
            admission.release();
            throw e;
        }
    }

    /** takes a slot for this peer's next session, or refuses naming the limit */
    private Admission admit(Peer peer) {
        // the connection's own session is replaced, so it may hold one more while loading
        int own = byPeer.containsKey(peer.id()) ? 1 : 0;
        int held = slots.incrementAndGet();
        if (held > properties.maxSessions() + own) {
            slots.decrementAndGet();
            throw new LimitException("the server holds " + (held - 1) + " sessions, its limit"
                    + " (cowscope.session.max-sessions); try again later");
        }
        String address = peer.address();
        int mine = perAddress.compute(address, (a, n) -> {
            AtomicInteger c = n == null ? new AtomicInteger() : n;
            c.incrementAndGet();
            return c;
        }).get();
        Admission admission = new Admission(address);
        if (mine > properties.maxSessionsPerAddress() + own) {
            admission.release();
            throw new LimitException("this address holds " + (mine - 1) + " sessions, the limit per address"
                    + " (cowscope.session.max-sessions-per-address); close some or try again later");
        }
        return admission;
    }

    private void register(Peer peer, Session session, Admission admission) {
        close(peer);
        Entry e = new Entry(session, admission, peer.id());
        byToken.put(session.token(), e);
        byPeer.put(peer.id(), e);
        session.attach(peer::send);
    }

    /** where requests run: light ones at once, heavy ones in turn (cowscope.session.max-concurrent-work) */
    WorkQueue work() {
        return work;
    }

    /**
     * Whether requests on this connection's session are heavy whatever they ask: its scenario maps
     * more than {@code cowscope.session.light-work-pages} pages or has more than
     * {@link SessionProperties#LIGHT_WORK_STEPS} steps. Reads no lock.
     */
    public boolean large(Peer peer) {
        Entry e = byPeer.get(peer.id());
        if (e == null || e.session.isClosed()) {
            return false;
        }
        return e.session.mappedPages() > properties.lightWorkPages()
                || e.session.knownSteps() > SessionProperties.LIGHT_WORK_STEPS;
    }

    /** whether this connection has a session now */
    public boolean hasSession(Peer peer) {
        Entry e = byPeer.get(peer.id());
        return e != null && !e.session.isClosed();
    }

    /** bytes the sessions hold (estimated) and reserve for loads under way */
    public long memoryUsed() {
        return memoryUsed.get();
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
        e.admission.release();
        return true;
    }

    @Override
    public void closed(Peer peer) {
        work.closed(peer);
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
        e.admission.release();
    }

    private static String newToken() {
        byte[] b = new byte[18];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    @Override
    public void destroy() {
        work.stop();
        scheduler.shutdownNow();
        byToken.values().forEach(e -> {
            e.session.close();
            e.admission.release();
        });
        byToken.clear();
        byPeer.clear();
    }
}
