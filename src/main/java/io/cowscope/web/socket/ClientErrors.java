package io.cowscope.web.socket;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What clients did wrong (a refused connection, a slow reader closed, unencodable text), logged as
 * one line each without a stack trace, and at most {@value #PER_WINDOW} lines per
 * {@value #WINDOW_SECONDS} s for the whole server; the next line after a quiet spell says how many
 * were left out. A client cannot fill the log.
 */
public final class ClientErrors {
    private static final Logger log = LoggerFactory.getLogger(ClientErrors.class);
    static final int PER_WINDOW = 20;
    static final int WINDOW_SECONDS = 10;

    private static final AtomicLong windowStart = new AtomicLong(System.nanoTime());
    private static final AtomicInteger inWindow = new AtomicInteger();
    private static final AtomicInteger suppressed = new AtomicInteger();

    private ClientErrors() {
    }

    /** logs "client CONNECTION: WHAT" at WARN, unless the server has logged too many lately */
    public static void log(String connection, String what) {
        long now = System.nanoTime();
        long start = windowStart.get();
        if (now - start > WINDOW_SECONDS * 1_000_000_000L && windowStart.compareAndSet(start, now)) {
            inWindow.set(0);
        }
        if (inWindow.incrementAndGet() > PER_WINDOW) {
            suppressed.incrementAndGet();
            return;
        }
        int left = suppressed.getAndSet(0);
        String line = what.length() > 300 ? what.substring(0, 300) + "…" : what;
        line = Utf16.replaceLoneSurrogates(line).replace('\n', ' ').replace('\r', ' ');
        if (left > 0) {
            log.warn("client {}: {} ({} similar lines left out)", connection, line, left);
        } else {
            log.warn("client {}: {}", connection, line);
        }
    }
}
