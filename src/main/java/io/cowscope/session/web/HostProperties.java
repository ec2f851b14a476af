package io.cowscope.session.web;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code cowscope.host.*}: whether the page may run its scenario on this machine's kernel (issue 11,
 * docs/host.md "In the page") and what one such run may cost. Off by default: a public server must
 * not run its visitors' programs natively. Every refusal names the property.
 *
 * @param enabled run scenarios natively for the page (Linux only)
 * @param maxRunMillis wall time of one native run; the probe is then stopped (and cleans up)
 * @param maxPages pages the scenario maps in total (and per mapping)
 * @param maxProcesses processes the scenario creates
 * @param maxSteps operation steps run natively
 * @param maxObservations observed fields in one answer (pages × fields × steps), so the answer stays small
 * @param maxConcurrentRuns native runs at once on the whole server (each also takes a turn of
 *     cowscope.session.max-concurrent-work)
 */
@ConfigurationProperties("cowscope.host")
public record HostProperties(Boolean enabled, Long maxRunMillis, Integer maxPages, Integer maxProcesses, Integer maxSteps,
        Integer maxObservations, Integer maxConcurrentRuns) {

    public HostProperties {
        enabled = enabled != null && enabled;
        maxRunMillis = maxRunMillis == null ? 30_000L : maxRunMillis;
        if (maxRunMillis < 1) {
            throw new IllegalArgumentException("cowscope.host.max-run-millis must be positive, not " + maxRunMillis);
        }
        maxPages = positive("max-pages", maxPages, 64);
        maxProcesses = positive("max-processes", maxProcesses, 8);
        maxSteps = positive("max-steps", maxSteps, 100);
        maxObservations = positive("max-observations", maxObservations, 12_000);
        maxConcurrentRuns = positive("max-concurrent-runs", maxConcurrentRuns, 1);
    }

    /** the defaults (off) */
    public static HostProperties defaults() {
        return new HostProperties(null, null, null, null, null, null, null);
    }

    private static Integer positive(String name, Integer value, int otherwise) {
        if (value == null) {
            return otherwise;
        }
        if (value < 1) {
            throw new IllegalArgumentException("cowscope.host." + name + " must be positive, not " + value);
        }
        return value;
    }
}
