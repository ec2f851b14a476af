package io.cowscope.session;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code cowscope.session.*}: how long sessions live and what one session or one message may cost.
 * Every refusal names the property that set the limit.
 *
 * @param resumeTimeout how long a session whose connection dropped waits for {@code resume}
 * @param idleTimeout a session without a request for this long is closed
 * @param maxSessions sessions held by this server at once (attached or waiting for resume)
 * @param maxSteps operation steps in one session (loaded and appended)
 * @param maxPages pages mapped by one session's scenario (the sum of its mmap sizes and files)
 * @param maxWorkPerRequest operations the engine may apply (run, replay) to answer one request
 * @param maxMessageBytes the largest request (UTF-16 chars of the JSON text)
 * @param maxMessagesPerSecond requests per connection and second (a bucket of this many, refilled per second)
 * @param checkpointInterval a machine copy is kept every this many steps (time travel replays at most this many)
 * @param maxCheckpoints machine copies kept per run; past it every other one goes and the interval doubles
 * @param checkpointBudgetBytes the same for their size (the engine's estimate), per run
 * @param maxRunMillis how long running a scenario (load, kernel, compare, append) may take
 * @param windowPtes PTEs per mapping in a state snapshot; the client asks {@code window} for others
 * @param maxWindowPtes the largest {@code window} a client may ask for
 * @param maxStripPages the largest {@code strip} (one character per page) a client may ask for
 * @param maxDeltaPtes PTE changes and pages listed in one delta; the counts stay exact
 * @param minPlayIntervalMs the fastest {@code play} (milliseconds per step)
 * @param maxSessionsPerAddress sessions held at once for one client address (attached or waiting for resume)
 * @param memoryBudgetPercent the share of the maximum heap that sessions may hold together (their
 *     estimated bytes); a load, kernel, compare or append past it is refused
 * @param maxConcurrentWork heavy requests (those estimated to run a large scenario or build a large
 *     answer) served at once on the whole server, each on one of this many work threads; light
 *     requests (a gallery-sized load, a step of a small session, a small window) are answered at
 *     once on the connection's own thread and never wait for a turn
 * @param workQueue connections whose heavy request may wait for a turn (served in turn, one request
 *     per connection at a time, so one client cannot crowd out others); past it a heavy request is
 *     refused at once as busy ({@code limit} with {@code retryAfterMs})
 * @param workQueueTimeout a heavy request that waited this long for its turn is refused as busy
 * @param lightWorkPages requests on a session (or loads of a scenario) mapping at most this many
 *     pages, with at most {@link #LIGHT_WORK_STEPS} steps, are light
 */
@ConfigurationProperties("cowscope.session")
public record SessionProperties(Duration resumeTimeout, Duration idleTimeout, Integer maxSessions, Integer maxSteps,
        Integer maxPages, Integer maxWorkPerRequest, Integer maxMessageBytes, Integer maxMessagesPerSecond,
        Integer checkpointInterval, Integer maxCheckpoints, Long checkpointBudgetBytes, Long maxRunMillis,
        Integer windowPtes, Integer maxWindowPtes, Integer maxStripPages, Integer maxDeltaPtes,
        Integer minPlayIntervalMs, Integer maxSessionsPerAddress, Integer memoryBudgetPercent,
        Integer maxConcurrentWork, Integer workQueue, Duration workQueueTimeout, Integer lightWorkPages) {

    /** sessions (and loads) of more steps than this are heavy whatever their pages */
    public static final int LIGHT_WORK_STEPS = 2000;
    /** loads of a longer text are heavy without parsing it first */
    public static final int LIGHT_WORK_TEXT = 16 * 1024;

    public SessionProperties {
        resumeTimeout = resumeTimeout == null ? Duration.ofMinutes(2) : resumeTimeout;
        idleTimeout = idleTimeout == null ? Duration.ofMinutes(30) : idleTimeout;
        maxSessions = positive(maxSessions, 2000);
        maxSteps = positive(maxSteps, 10_000);
        maxPages = positive(maxPages, 524_288);
        maxWorkPerRequest = positive(maxWorkPerRequest, 50_000);
        maxMessageBytes = positive(maxMessageBytes, 196_608);
        maxMessagesPerSecond = positive(maxMessagesPerSecond, 100);
        checkpointInterval = positive(checkpointInterval, 32);
        maxCheckpoints = positive(maxCheckpoints, 64);
        checkpointBudgetBytes = checkpointBudgetBytes == null ? 64L << 20 : checkpointBudgetBytes;
        maxRunMillis = maxRunMillis == null ? 10_000L : maxRunMillis;
        windowPtes = positive(windowPtes, 256);
        maxWindowPtes = positive(maxWindowPtes, 4096);
        maxStripPages = positive(maxStripPages, 262_144);
        maxDeltaPtes = positive(maxDeltaPtes, 512);
        minPlayIntervalMs = positive(minPlayIntervalMs, 20);
        maxSessionsPerAddress = positive(maxSessionsPerAddress, 40);
        memoryBudgetPercent = positive(memoryBudgetPercent, 30);
        maxConcurrentWork = positive(maxConcurrentWork, Math.max(2, Runtime.getRuntime().availableProcessors()));
        workQueue = positive(workQueue, 100);
        workQueueTimeout = workQueueTimeout == null ? Duration.ofSeconds(5) : workQueueTimeout;
        lightWorkPages = positive(lightWorkPages, 16_384);
    }

    /** the defaults, for tests and the benchmark */
    public static SessionProperties defaults() {
        return new SessionProperties(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null);
    }

    /** the memory budget in bytes: {@code memoryBudgetPercent} of the maximum heap */
    public long memoryBudgetBytes() {
        return Runtime.getRuntime().maxMemory() / 100 * memoryBudgetPercent;
    }

    private static Integer positive(Integer value, int otherwise) {
        if (value == null) {
            return otherwise;
        }
        if (value < 1) {
            throw new IllegalArgumentException("cowscope.session limits must be positive, not " + value);
        }
        return value;
    }
}
