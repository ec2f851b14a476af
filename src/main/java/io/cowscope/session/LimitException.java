package io.cowscope.session;

/** A request refused because it would pass a configured limit; the message names the property. */
public class LimitException extends SessionException {
    public LimitException(String message) {
        super(LIMIT, message);
    }
}
