package io.cowscope.session.web;

import io.cowscope.session.SessionProperties;
import io.cowscope.web.socket.Peer;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where session requests run. Each connection has a lane: its requests are answered in the order
 * they came, one at a time. A <em>light</em> request on an idle lane runs at once on the calling
 * (container) thread. A <em>heavy</em> one (estimated to run a large scenario or build a large
 * answer) never runs there: its lane joins a bounded queue served in turn by
 * {@code cowscope.session.max-concurrent-work} work threads, and what the same connection sends
 * meanwhile waits in its lane behind it. A lane is in the queue at most once, so the queue is a
 * round-robin over connections: a client with many heavy requests gets one turn, then goes to the
 * back.
 *
 * <p>No container thread ever waits for a turn (a full queue, a full lane or a long wait is refused
 * at once as busy: a {@code limit} error with {@code retryAfterMs}), so the container's threads stay
 * free for light requests and for health checks however many heavy requests come.
 */
final class WorkQueue {
    private static final Logger log = LoggerFactory.getLogger(WorkQueue.class);
    /** requests one connection may have waiting in its lane; a page sends a few at a time */
    static final int MAX_LANE = 32;
    /** what a busy refusal suggests as the wait before sending again */
    static final long RETRY_AFTER_MS = 500;

    /** one request; {@code body} answers it (errors included), {@code refuse} answers a busy refusal */
    private record Job(boolean heavy, Runnable body, Consumer<String> refuse, long queuedAt) {
    }

    private static final class Lane {
        final String id;
        final ArrayDeque<Job> jobs = new ArrayDeque<>();
        /** a thread runs this lane's jobs, or the lane waits in the queue */
        boolean active;
        boolean closed;

        Lane(String id) {
            this.id = id;
        }
    }

    private final SessionProperties properties;
    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private final BlockingQueue<Lane> ready;
    private final Thread[] workers;
    private final AtomicInteger running = new AtomicInteger();
    private volatile boolean stopped;

    WorkQueue(SessionProperties properties) {
        this.properties = properties;
        this.ready = new ArrayBlockingQueue<>(properties.workQueue());
        this.workers = new Thread[properties.maxConcurrentWork()];
        for (int i = 0; i < workers.length; i++) {
            Thread t = new Thread(this::serve, "cowscope-work-" + (i + 1));
            t.setDaemon(true);
            workers[i] = t;
            t.start();
        }
    }

    /** Answers one request of this connection: now on this thread when light and nothing waits before it, else in turn. */
    void submit(Peer peer, boolean heavy, Runnable body, Consumer<String> refuse) {
        Lane lane = lanes.computeIfAbsent(peer.id(), Lane::new);
        Job job = new Job(heavy, body, refuse, System.nanoTime());
        boolean now = false;
        boolean start = false;
        String refused = null;
        synchronized (lane) {
            if (lane.closed) {
                return;
            }
            if (!lane.active && lane.jobs.isEmpty() && !heavy) {
                lane.active = true;
                now = true;
            } else if (lane.jobs.size() >= MAX_LANE) {
                refused = "the server is busy: this connection has " + MAX_LANE + " requests waiting for earlier"
                        + " ones (cowscope.session.max-concurrent-work); try again";
            } else {
                lane.jobs.add(job);
                if (!lane.active) {
                    lane.active = true;
                    start = true;
                }
            }
        }
        if (refused != null) {
            refuse.accept(refused);
        } else if (now) {
            try {
                body.run();
            } finally {
                proceed(lane);
            }
        } else if (start) {
            proceed(lane);
        }
    }

    /**
     * Goes on with the lane after a job: light jobs at its head run here; a heavy one sends the
     * lane to the back of the queue (or is refused when the queue is full); an empty lane rests.
     */
    private void proceed(Lane lane) {
        for (;;) {
            Job head;
            synchronized (lane) {
                head = lane.closed ? null : lane.jobs.peek();
                if (head == null) {
                    lane.jobs.clear();
                    lane.active = false;
                    return;
                }
                if (!head.heavy) {
                    lane.jobs.poll();
                }
            }
            if (!head.heavy) {
                head.body.run();
                continue;
            }
            if (!stopped && ready.offer(lane)) {
                return;
            }
            synchronized (lane) {
                lane.jobs.poll();
            }
            head.refuse.accept("the server is busy: " + properties.workQueue() + " connections wait for one of "
                    + properties.maxConcurrentWork() + " turns for requests that run large scenarios or build large"
                    + " answers (cowscope.session.work-queue, cowscope.session.max-concurrent-work); try again");
        }
    }

    private void serve() {
        while (!stopped) {
            Lane lane;
            try {
                lane = ready.take();
            } catch (InterruptedException e) {
                return;
            }
            Job job;
            synchronized (lane) {
                job = lane.closed ? null : lane.jobs.poll();
            }
            if (job != null) {
                long waited = System.nanoTime() - job.queuedAt;
                if (waited > properties.workQueueTimeout().toNanos()) {
                    job.refuse.accept("the server is busy: this request waited " + TimeUnit.NANOSECONDS.toMillis(waited)
                            + " ms for a turn, longer than " + properties.workQueueTimeout().toMillis()
                            + " ms (cowscope.session.work-queue-timeout, cowscope.session.max-concurrent-work); try again");
                } else {
                    running.incrementAndGet();
                    try {
                        job.body.run();
                    } catch (RuntimeException | Error e) {
                        log.error("a request on connection {} failed", lane.id, e);
                    } finally {
                        running.decrementAndGet();
                    }
                }
            }
            try {
                proceed(lane);
            } catch (RuntimeException e) {
                log.error("a request on connection {} failed", lane.id, e);
            }
        }
    }

    /** the connection closed: what waits in its lane is dropped */
    void closed(Peer peer) {
        Lane lane = lanes.remove(peer.id());
        if (lane != null) {
            synchronized (lane) {
                lane.closed = true;
                lane.jobs.clear();
            }
        }
    }

    /** connections whose heavy request waits for a turn */
    int waiting() {
        return ready.size();
    }

    /** heavy requests being served */
    int running() {
        return running.get();
    }

    void stop() {
        stopped = true;
        for (Thread t : workers) {
            t.interrupt();
        }
    }
}
