package io.cowscope.session;

/** A request the session refuses; {@code code} is the protocol's error code. The session is unchanged. */
public class SessionException extends RuntimeException {
    public static final String MALFORMED = "malformed";
    /** values out of range: an unknown kernel, gallery id, event type, field; a step past the end */
    public static final String INVALID = "invalid";
    public static final String LIMIT = "limit";
    public static final String NO_SESSION = "no-session";
    public static final String UNKNOWN_TOKEN = "unknown-token";
    /** a feature this server has switched off (running scenarios natively: cowscope.host.enabled) */
    public static final String DISABLED = "disabled";

    private final String code;

    public SessionException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
