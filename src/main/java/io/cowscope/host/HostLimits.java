package io.cowscope.host;

import java.time.Duration;

/**
 * What a native run may use (docs/host.md, "Limits"): pages mapped in total and per mapping,
 * processes, operation steps and wall time. Exceeding one is an error that names it.
 */
public record HostLimits(int pages, int pagesPerMapping, int processes, int steps, Duration wallTime) {
    public static final HostLimits DEFAULT = new HostLimits(16384, 4096, 32, 400, Duration.ofSeconds(60));
}
