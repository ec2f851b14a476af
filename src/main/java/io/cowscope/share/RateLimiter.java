package io.cowscope.share;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per client key (an IP address): {@code capacity} tokens, refilled evenly over
 * {@code period}, so a client may burst up to the capacity and then goes at capacity/period. In
 * memory and per server instance; buckets that have refilled completely are dropped when the map
 * grows, so memory stays bounded by the clients of the last period.
 */
public final class RateLimiter {
    private static final int SWEEP_ABOVE = 10_000;

    private final int capacity;
    private final long nanosPerToken;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(int capacity, Duration period) {
        this(capacity, period, System::nanoTime);
    }

    RateLimiter(int capacity, Duration period, LongSupplier nanoTime) {
        if (capacity < 1 || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("rate limit needs capacity >= 1 and a positive period");
        }
        this.capacity = capacity;
        this.nanosPerToken = Math.max(1, period.toNanos() / capacity);
        this.nanoTime = nanoTime;
    }

    /** Takes a token for key; empty when there is one, else how long until the next one. */
    public Optional<Duration> tryAcquire(String key) {
        long now = nanoTime.getAsLong();
        if (buckets.size() > SWEEP_ABOVE) {
            buckets.values().removeIf(b -> b.isFull(now));
        }
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(now));
        long wait = bucket.take(now);
        return wait == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(wait));
    }

    /** How long until key has a token (empty: it has one now); takes nothing. */
    public Optional<Duration> peek(String key) {
        Bucket bucket = buckets.get(key);
        long wait = bucket == null ? 0 : bucket.waitFor(nanoTime.getAsLong());
        return wait == 0 ? Optional.empty() : Optional.of(Duration.ofNanos(wait));
    }

    private final class Bucket {
        private double tokens = capacity;
        private long updated;

        Bucket(long now) {
            updated = now;
        }

        private void refill(long now) {
            tokens = Math.min(capacity, tokens + (double) (now - updated) / nanosPerToken);
            updated = now;
        }

        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) * nanosPerToken);
        }

        synchronized long waitFor(long now) {
            refill(now);
            return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) * nanosPerToken);
        }

        synchronized boolean isFull(long now) {
            refill(now);
            return tokens >= capacity;
        }
    }
}
