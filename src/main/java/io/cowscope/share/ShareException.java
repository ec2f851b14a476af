package io.cowscope.share;

import org.springframework.http.HttpStatus;

/**
 * A request the share API refuses, answered as JSON:
 * {@code {"error": code, "field": field, "limit": limit, "message": message}} (field and limit when
 * they apply). Never carries a stack trace to the client.
 */
public class ShareException extends RuntimeException {
    private final HttpStatus status;
    private final String code;
    private final String field;
    private final Object limit;

    public ShareException(HttpStatus status, String code, String field, Object limit, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
        this.limit = limit;
    }

    static ShareException invalid(String field, String message) {
        return new ShareException(HttpStatus.BAD_REQUEST, "invalid", field, null, message);
    }

    public HttpStatus status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }

    public Object limit() {
        return limit;
    }
}
