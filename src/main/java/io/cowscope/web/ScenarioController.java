package io.cowscope.web;

import io.cowscope.scenario.Diagnostic;
import io.cowscope.scenario.Gallery;
import io.cowscope.scenario.JsonTree;
import io.cowscope.scenario.ScenarioLanguage;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The gallery and the checker over HTTP: {@code GET /api/scenarios}, {@code GET /api/scenarios/{id}}
 * (the .cow text) and {@code POST /api/check} (body: the scenario text; answer: its diagnostics and,
 * when valid, the syntax tree).
 */
@RestController
class ScenarioController {

    /** Bodies above this are refused before they are read whole (the language's own limit is 64 KiB). */
    static final int MAX_CHECK_BODY = 256 * 1024;

    private final Gallery gallery = Gallery.load();

    @GetMapping("/api/scenarios")
    List<Map<String, Object>> list() {
        return gallery.entries().stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", e.id());
            m.put("title", e.title());
            m.put("description", e.description());
            m.put("tags", e.tags());
            return m;
        }).toList();
    }

    @GetMapping(value = "/api/scenarios/{id}")
    ResponseEntity<?> text(@PathVariable String id) {
        return gallery.find(id)
                .<ResponseEntity<?>>map(e -> ResponseEntity.ok()
                        .contentType(new MediaType("text", "plain", java.nio.charset.StandardCharsets.UTF_8))
                        .body(e.text()))
                .orElseGet(() -> error(HttpStatus.NOT_FOUND, "id", "no gallery scenario with id '" + id + "'"));
    }

    @PostMapping("/api/check")
    ResponseEntity<?> check(InputStream body) throws IOException {
        byte[] bytes = body.readNBytes(MAX_CHECK_BODY + 1);
        if (bytes.length > MAX_CHECK_BODY) {
            return error(HttpStatus.CONTENT_TOO_LARGE, "body",
                    "the scenario text is larger than " + MAX_CHECK_BODY + " bytes (the language's limit is 64 KiB)");
        }
        ScenarioLanguage.Checked checked = ScenarioLanguage.check(bytes);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", checked.ok());
        answer.put("diagnostics", checked.diagnostics().stream().map(ScenarioController::diagnostic).toList());
        if (checked.ok()) answer.put("tree", JsonTree.of(checked.scenario()));
        return ResponseEntity.ok(answer);
    }

    private static Map<String, Object> diagnostic(Diagnostic d) {
        Map<String, Object> m = JsonTree.diagnostic(d);
        m.put("docs", d.docsAnchor());
        return m;
    }

    private static ResponseEntity<Map<String, Object>> error(HttpStatus status, String field, String message) {
        return ResponseEntity.status(status).body(Map.of("error", status.getReasonPhrase(), "field", field, "message", message));
    }
}
