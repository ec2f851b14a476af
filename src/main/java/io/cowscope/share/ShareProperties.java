package io.cowscope.share;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code cowscope.share.*}: limits on creating short links.
 *
 * @param maxTextBytes the largest scenario text, in UTF-8 bytes (64 KiB by default)
 * @param maxViewBytes the largest view state, as canonical JSON in UTF-8 bytes
 * @param rateLimit how many links one client (by IP address) may create in a period
 */
@ConfigurationProperties("cowscope.share")
public record ShareProperties(Integer maxTextBytes, Integer maxViewBytes, RateLimit rateLimit) {
    public ShareProperties {
        maxTextBytes = maxTextBytes == null ? 64 * 1024 : maxTextBytes;
        maxViewBytes = maxViewBytes == null ? 4096 : maxViewBytes;
        rateLimit = rateLimit == null ? new RateLimit(null, null) : rateLimit;
    }

    /** The largest request body worth reading: the text and view at their limits, JSON-escaped, and the rest. */
    int maxBodyBytes() {
        return 2 * (maxTextBytes + maxViewBytes) + 4096;
    }

    /**
     * @param creations links per client per period (a burst may use them all at once)
     * @param per the period over which they come back
     */
    public record RateLimit(Integer creations, Duration per) {
        public RateLimit {
            creations = creations == null ? 30 : creations;
            per = per == null ? Duration.ofMinutes(1) : per;
        }

        String describe() {
            return creations + " links per " + human(per) + " per client";
        }

        private static String human(Duration d) {
            if (d.toSeconds() % 3600 == 0) return d.toHours() + " h";
            if (d.toSeconds() % 60 == 0) return d.toMinutes() + " min";
            return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
        }
    }
}
