package io.cowscope.share;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code POST /api/links} creates a short link, {@code GET /api/links/{id}} reads one (docs/share.md). */
@RestController
@RequestMapping("/api/links")
class LinkController {
    private final ShortLinks links;
    private final ShareProperties properties;
    private final RateLimiter limiter;
    private final JsonMapper json = JsonMapper.builder().build();

    LinkController(ShortLinks links, ShareProperties properties) {
        this.links = links;
        this.properties = properties;
        this.limiter = new RateLimiter(properties.rateLimit().creations(), properties.rateLimit().per());
    }

    record Created(String id, String url) {}

    @PostMapping
    ResponseEntity<Created> create(HttpServletRequest request) {
        limit(request.getRemoteAddr());
        requireJson(request.getContentType());
        LinkContent content = LinkContent.parse(readBody(request), properties);
        ShortLinks.Saved saved = links.save(content);
        URI url = ServletUriComponentsBuilder.fromCurrentContextPath().path("/s/{id}").buildAndExpand(saved.id()).toUri();
        return ResponseEntity.status(saved.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .location(url)
                .body(new Created(saved.id(), url.toString()));
    }

    /** A link's content never changes (ids are never reused), so browsers may keep it for good. */
    @GetMapping(path = "/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<JsonNode> read(@PathVariable String id) {
        LinkContent content = links.find(id).orElseThrow(() -> new ShareException(
                HttpStatus.NOT_FOUND, "not-found", "id", null, "no short link " + abbreviate(id)));
        return ResponseEntity.ok()
                .cacheControl(CacheControl.maxAge(Duration.ofDays(365)).cachePublic().immutable())
                .body(content.toJson(true).put("id", id));
    }

    private void limit(String client) {
        limiter.tryAcquire(client).ifPresent(wait -> {
            throw new RateLimited(properties.rateLimit().describe(), wait);
        });
    }

    /** JSON only: a cross-site HTML form cannot send it without a CORS preflight, which fails. */
    private static void requireJson(String contentType) {
        boolean json;
        try {
            json = contentType != null && MediaType.parseMediaType(contentType).isCompatibleWith(MediaType.APPLICATION_JSON);
        } catch (InvalidMediaTypeException e) {
            json = false;
        }
        if (!json) {
            throw new ShareException(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type", "Content-Type", null,
                    "send the link as JSON with Content-Type: application/json");
        }
    }

    /** Reads at most the largest useful body, so a huge upload costs no more than that. */
    private JsonNode readBody(HttpServletRequest request) {
        int max = properties.maxBodyBytes();
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(max + 1);
        } catch (IOException e) {
            throw ShareException.invalid("body", "could not read the request body");
        }
        if (body.length > max) {
            throw new ShareException(HttpStatus.CONTENT_TOO_LARGE, "too-large", "body", max,
                    "the request body is larger than " + max + " bytes");
        }
        try {
            return json.readTree(body);
        } catch (JacksonException e) {
            throw ShareException.invalid("body", "the body is not valid JSON");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "…";
    }

    /** 429 with Retry-After. */
    static final class RateLimited extends ShareException {
        final Duration retryAfter;

        RateLimited(String limit, Duration retryAfter) {
            super(HttpStatus.TOO_MANY_REQUESTS, "rate-limited", null, limit,
                    "too many links created from this address; the limit is " + limit);
            this.retryAfter = retryAfter;
        }

        HttpHeaders headers() {
            HttpHeaders headers = new HttpHeaders();
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, (retryAfter.toMillis() + 999) / 1000)));
            return headers;
        }
    }
}
