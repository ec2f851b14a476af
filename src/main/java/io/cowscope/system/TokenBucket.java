package io.cowscope.system;

/**
 * A token bucket for per-connection message rates: {@code rate} tokens, refilled continuously at
 * {@code rate} per second. Shared by the /ws session guard and the STOMP inbound filter.
 */
public final class TokenBucket {
    private final int rate;
    private double tokens;
    private long last = System.nanoTime();

    public TokenBucket(int rate) {
        this.rate = rate;
        this.tokens = rate;
    }

    /** takes one token; false (and nothing taken) when the bucket is empty */
    public synchronized boolean take() {
        long now = System.nanoTime();
        tokens = Math.min(rate, tokens + (now - last) * rate / 1e9);
        last = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
