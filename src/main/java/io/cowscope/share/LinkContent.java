package io.cowscope.share;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a short link stores: the canonical scenario text and the view state, the same fields as a
 * full-state link's fragment (docs/share.md). Two requests with the same content, in any key order
 * or line-ending style, have the same {@link #canonicalJson()} and so the same {@link #hash()}.
 *
 * @param text the scenario text, line endings normalised to LF
 * @param kernel the kernel version to run it under ("5.7", "latest")
 * @param compare the kernel to compare with, or null
 * @param step the step to open at, or null for the start
 * @param view the view options as canonical JSON (keys sorted at every level), or null
 */
public record LinkContent(String text, String kernel, String compare, Integer step, String view) {
    /** The schema version inside the canonical JSON; a new one keeps old links loading. */
    public static final int VERSION = 1;

    static final Pattern KERNEL = Pattern.compile("[0-9A-Za-z][0-9A-Za-z._+-]{0,31}");
    static final int MAX_STEP = 1_000_000;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> FIELDS = List.of("text", "kernel", "compare", "step", "view");

    /** Reads a request body, naming the first field that is wrong. */
    static LinkContent parse(JsonNode body, ShareProperties limits) {
        if (body == null || !body.isObject()) {
            throw ShareException.invalid("body", "the body must be a JSON object with text and kernel");
        }
        for (String name : body.propertyNames()) {
            if (!FIELDS.contains(name)) {
                throw ShareException.invalid(name, "unknown field '" + name + "'; expected " + String.join(", ", FIELDS));
            }
        }
        String text = requiredString(body, "text").replace("\r\n", "\n").replace('\r', '\n');
        int textBytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (textBytes > limits.maxTextBytes()) {
            throw new ShareException(HttpStatus.CONTENT_TOO_LARGE, "too-large", "text", limits.maxTextBytes(),
                    "text is " + textBytes + " bytes; the limit is " + limits.maxTextBytes() + " bytes");
        }
        if (text.isBlank()) {
            throw ShareException.invalid("text", "text is empty");
        }
        int unpaired = io.cowscope.web.socket.Utf16.firstLoneSurrogate(text);
        if (unpaired >= 0) {
            // UTF-8 cannot encode it: the link's viewers could not be sent the text
            throw ShareException.invalid("text", "text contains an unpaired UTF-16 surrogate at index " + unpaired);
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 && c != '\n' && c != '\t') {
                throw ShareException.invalid("text", "text contains control character U+%04X at index %d".formatted((int) c, i));
            }
        }
        String kernel = kernel(body, "kernel", true);
        String compare = kernel(body, "compare", false);
        Integer step = step(body);
        String view = view(body, limits);
        return new LinkContent(text, kernel, compare, step, view);
    }

    private static String requiredString(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            throw ShareException.invalid(field, field + " is required");
        }
        if (!node.isString()) {
            throw ShareException.invalid(field, field + " must be a string");
        }
        return node.stringValue();
    }

    private static String kernel(JsonNode body, String field, boolean required) {
        JsonNode node = body.get(field);
        if (!required && (node == null || node.isNull())) {
            return null;
        }
        String value = requiredString(body, field);
        if (!KERNEL.matcher(value).matches()) {
            throw ShareException.invalid(field, field + " must be a kernel version such as \"5.7\" or \"latest\" (at most 32 characters)");
        }
        return value;
    }

    private static Integer step(JsonNode body) {
        JsonNode node = body.get("step");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < 0 || node.intValue() > MAX_STEP) {
            throw ShareException.invalid("step", "step must be an integer from 0 to " + MAX_STEP);
        }
        return node.intValue();
    }

    private static String view(JsonNode body, ShareProperties limits) {
        JsonNode node = body.get("view");
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw ShareException.invalid("view", "view must be a JSON object");
        }
        String view = JSON.writeValueAsString(sorted(node));
        if (io.cowscope.web.socket.Utf16.firstLoneSurrogate(view) >= 0) {
            throw ShareException.invalid("view", "view contains an unpaired UTF-16 surrogate");
        }
        int bytes = view.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > limits.maxViewBytes()) {
            throw new ShareException(HttpStatus.CONTENT_TOO_LARGE, "too-large", "view", limits.maxViewBytes(),
                    "view is " + bytes + " bytes as JSON; the limit is " + limits.maxViewBytes() + " bytes");
        }
        return view;
    }

    /** A copy with object keys sorted at every level, so that key order never changes the hash. */
    static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = NODES.objectNode();
            node.properties().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> copy.set(e.getKey(), sorted(e.getValue())));
            return copy;
        }
        if (node.isArray()) {
            var copy = NODES.arrayNode();
            node.values().forEach(v -> copy.add(sorted(v)));
            return copy;
        }
        return node;
    }

    /** {@code {"v":1,"text":…,"kernel":…,"compare":…,"step":…,"view":{…}}}, absent fields left out. */
    public String canonicalJson() {
        return JSON.writeValueAsString(toJson(true));
    }

    /** The API's answer for {@code GET /api/links/{id}}: the canonical fields, without the version. */
    ObjectNode toJson(boolean withVersion) {
        ObjectNode out = NODES.objectNode();
        if (withVersion) {
            out.put("v", VERSION);
        }
        out.put("text", text);
        out.put("kernel", kernel);
        if (compare != null) out.put("compare", compare);
        if (step != null) out.put("step", step);
        if (view != null) out.set("view", JSON.readTree(view));
        return out;
    }

    /** SHA-256 of the canonical JSON, base32 in lower case: 52 characters; ids are its prefixes. */
    public String hash() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonicalJson().getBytes(StandardCharsets.UTF_8));
            return Base32.encode(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Title and description lines of the scenario, for the page's title and OpenGraph tags. */
    ScenarioHeader header() {
        return ScenarioHeader.of(text);
    }
}
