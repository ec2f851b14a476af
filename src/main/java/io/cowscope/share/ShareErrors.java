package io.cowscope.share;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Every error of the share API as {@code {"error", "field"?, "limit"?, "message"}}; never a stack trace. */
@RestControllerAdvice(assignableTypes = LinkController.class)
class ShareErrors {
    private static final Logger log = LoggerFactory.getLogger(ShareErrors.class);

    @ExceptionHandler(ShareException.class)
    ResponseEntity<Map<String, Object>> refused(ShareException e) {
        HttpHeaders headers = e instanceof LinkController.RateLimited limited ? limited.headers() : new HttpHeaders();
        return body(e.status(), headers, e.code(), e.field(), e.limit(), e.getMessage());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Map<String, Object>> failed(Exception e) {
        log.error("share API failed", e);
        return body(HttpStatus.INTERNAL_SERVER_ERROR, new HttpHeaders(), "internal", null, null,
                "the server could not handle this request");
    }

    private static ResponseEntity<Map<String, Object>> body(HttpStatus status, HttpHeaders headers, String code,
            String field, Object limit, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        if (field != null) body.put("field", field);
        if (limit != null) body.put("limit", limit);
        body.put("message", message);
        return ResponseEntity.status(status).headers(headers).contentType(MediaType.APPLICATION_JSON).body(body);
    }
}
