package io.cowscope.host;

/** A scenario exceeds a {@link HostLimits} limit; the message names the limit and the line. */
public final class HostLimitException extends RuntimeException {
    public HostLimitException(String message) {
        super(message);
    }
}
