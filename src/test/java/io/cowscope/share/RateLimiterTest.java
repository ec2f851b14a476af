package io.cowscope.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private final AtomicLong now = new AtomicLong();
    private final RateLimiter limiter = new RateLimiter(3, Duration.ofSeconds(30), now::get);

    @Test
    void aClientMayBurstUpToTheCapacityThenWaitsForTheRefill() {
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryAcquire("a")).isEmpty();
        }
        assertThat(limiter.tryAcquire("a")).contains(Duration.ofSeconds(10));
        now.addAndGet(Duration.ofSeconds(4).toNanos());
        assertThat(limiter.tryAcquire("a")).contains(Duration.ofSeconds(6));
        now.addAndGet(Duration.ofSeconds(6).toNanos());
        assertThat(limiter.tryAcquire("a")).isEmpty();
        assertThat(limiter.tryAcquire("a")).isPresent();
    }

    @Test
    void clientsHaveTheirOwnBuckets() {
        for (int i = 0; i < 3; i++) {
            limiter.tryAcquire("a");
        }
        assertThat(limiter.tryAcquire("a")).isPresent();
        assertThat(limiter.tryAcquire("b")).isEmpty();
    }

    @Test
    void theBucketNeverHoldsMoreThanItsCapacity() {
        now.addAndGet(Duration.ofHours(5).toNanos());
        for (int i = 0; i < 3; i++) {
            assertThat(limiter.tryAcquire("a")).isEmpty();
        }
        assertThat(limiter.tryAcquire("a")).isPresent();
    }

    @Test
    void nonsenseLimitsAreRefused() {
        assertThatThrownBy(() -> new RateLimiter(0, Duration.ofMinutes(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateLimiter(1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }
}
