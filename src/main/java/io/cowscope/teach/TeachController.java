package io.cowscope.teach;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.cowscope.engine.KernelVersion;
import io.cowscope.scenario.Answers;
import io.cowscope.scenario.Execution;
import io.cowscope.scenario.Gallery;
import io.cowscope.scenario.JsonTree;
import io.cowscope.scenario.Lesson;
import io.cowscope.scenario.Lessons;
import io.cowscope.scenario.Limits;
import io.cowscope.scenario.Practice;
import io.cowscope.scenario.ScenarioLanguage;

/**
 * Predict-then-reveal, lessons and practice over HTTP (docs/teach.md).
 * <ul>
 *   <li>{@code POST /api/teach/questions {text, kernel, predict}}: the questions of a scenario at a kernel
 *       (its asks, and with predict the automatic "copy or reuse?" before every ruled decision),
 *       <b>without</b> their answers;
 *   <li>{@code POST /api/teach/answer {text, kernel, predict, index, given}}: the engine's answer to
 *       question {@code index}, with its explanation, and whether {@code given} is right;
 *   <li>{@code GET /api/lessons}, {@code GET /api/lessons/{id}}: the shipped lessons;
 *   <li>{@code GET /api/teach/practice?seed=N&count=K&kernel=V}: seeded practice problems, their text
 *       with the ask but without the answer.
 * </ul>
 * Bad input is a 400 naming the field (or the scenario's diagnostics with line:column).
 */
@RestController
class TeachController {
    /** a question run maps at most this many pages and takes at most this long */
    static final int MAX_PAGES = 65_536;
    static final Duration BUDGET = Duration.ofSeconds(3);
    static final int MAX_TEXT = 64 * 1024;

    private final Gallery gallery = Gallery.load();
    private final Lessons lessons = Lessons.load(gallery);

    record QuestionsRequest(String text, String kernel, Boolean predict) {}

    record AnswerRequest(String text, String kernel, Boolean predict, Integer index, String given) {}

    @PostMapping("/api/teach/questions")
    ResponseEntity<?> questions(@RequestBody(required = false) QuestionsRequest body) {
        if (body == null) return error("body", "expected a JSON object {text, kernel, predict}");
        Run run = run(body.text(), body.kernel(), Boolean.TRUE.equals(body.predict()));
        if (run.problem != null) return run.problem;
        List<Map<String, Object>> out = new ArrayList<>();
        for (Answers.Answer a : run.answers) out.add(question(a));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kernel", run.kernel.toString());
        m.put("questions", out);
        return ResponseEntity.ok(m);
    }

    @PostMapping("/api/teach/answer")
    ResponseEntity<?> answer(@RequestBody(required = false) AnswerRequest body) {
        if (body == null) return error("body", "expected a JSON object {text, kernel, predict, index, given}");
        if (body.index() == null || body.index() < 0) return error("index", "index must be a question's index (0 or more)");
        if (body.given() != null && body.given().length() > 4096) return error("given", "an answer is at most 4096 characters");
        Run run = run(body.text(), body.kernel(), Boolean.TRUE.equals(body.predict()));
        if (run.problem != null) return run.problem;
        if (body.index() >= run.answers.size()) {
            return error("index", "the scenario has " + run.answers.size() + " question" + (run.answers.size() == 1 ? "" : "s") + " at kernel " + run.kernel);
        }
        Answers.Answer a = run.answers.get(body.index());
        Map<String, Object> m = question(a);
        m.put("correct", a.correct());
        m.put("shown", a.shown());
        m.put("right", body.given() == null ? null : a.isCorrect(body.given()));
        m.put("explanation", a.explanation() == null ? null : explanation(a.explanation()));
        return ResponseEntity.ok(m);
    }

    @GetMapping("/api/lessons")
    List<Map<String, Object>> lessons() {
        return lessons.lessons().stream().map(l -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", l.id());
            m.put("title", l.title());
            m.put("parts", l.parts().size());
            return m;
        }).toList();
    }

    @GetMapping("/api/lessons/{id}")
    ResponseEntity<?> lesson(@PathVariable String id) {
        Optional<Lesson> l = lessons.find(id);
        if (l.isEmpty()) return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", "not-found", "field", "id", "message", "no lesson '" + id + "'"));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", l.get().id());
        m.put("title", l.get().title());
        m.put("intro", l.get().intro());
        List<Map<String, Object>> parts = new ArrayList<>();
        for (Lesson.Part p : l.get().parts()) {
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("title", p.title());
            pm.put("intro", p.intro());
            pm.put("scenario", p.scenario());
            pm.put("kernels", p.kernels());
            pm.put("text", p.text());
            pm.put("asks", p.asks());
            parts.add(pm);
        }
        m.put("parts", parts);
        return ResponseEntity.ok(m);
    }

    @GetMapping("/api/teach/practice")
    ResponseEntity<?> practice(@RequestParam(required = false) String seed, @RequestParam(required = false) String count,
            @RequestParam(required = false) String kernel) {
        long s;
        int n = 5;
        try {
            s = Long.parseLong(seed == null ? "" : seed);
        } catch (NumberFormatException e) {
            return error("seed", "seed must be an integer");
        }
        if (count != null) {
            try {
                n = Integer.parseInt(count);
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n < 1 || n > 20) return error("count", "count must be 1..20");
        }
        Optional<KernelVersion> k = KernelVersion.parse(kernel == null ? "latest" : kernel);
        if (k.isEmpty()) return error("kernel", "unsupported kernel version; supported are 4.8-4.20, 5.0-5.19, 6.0-6.18 and latest");
        List<Map<String, Object>> out = new ArrayList<>();
        for (Practice.Problem p : Practice.generate(s, n, k.get())) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("number", p.number());
            m.put("prompt", p.prompt());
            m.put("options", p.options());
            m.put("form", p.form());
            m.put("text", withoutAnswer(p.text()));
            out.add(m);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seed", s);
        m.put("kernel", k.get().toString());
        m.put("problems", out);
        return ResponseEntity.ok(m);
    }

    /** The practice text a viewer may see: the answer comment and the expectations stating it are left out. */
    static String withoutAnswer(String text) {
        StringBuilder sb = new StringBuilder();
        for (String line : text.split("\n")) {
            if (line.startsWith("# the engine's answer") || line.startsWith("expect")) continue;
            sb.append(line).append('\n');
        }
        return sb.toString();
    }

    private record Run(KernelVersion kernel, List<Answers.Answer> answers, ResponseEntity<?> problem) {}

    private Run run(String text, String kernel, boolean predict) {
        if (text == null || text.isBlank()) return new Run(null, null, error("text", "text (the scenario) is required"));
        if (text.length() > MAX_TEXT) return new Run(null, null, error("text", "the scenario is larger than 64 KiB"));
        KernelVersion k = null;
        if (kernel != null && !kernel.isBlank()) {
            Optional<KernelVersion> p = KernelVersion.parse(kernel);
            if (p.isEmpty()) return new Run(null, null, error("kernel", "unsupported kernel version '" + kernel + "'"));
            k = p.get();
        }
        ScenarioLanguage.Checked c = ScenarioLanguage.check(text, Limits.DEFAULT.withMaxPages(MAX_PAGES));
        if (!c.ok()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("error", "invalid");
            m.put("field", "text");
            m.put("message", "the scenario has errors");
            m.put("diagnostics", c.diagnostics().stream().map(JsonTree::diagnostic).toList());
            return new Run(null, null, ResponseEntity.badRequest().body(m));
        }
        Execution ex = new Execution(c.scenario(), k).predict(predict);
        ex.runWithin(BUDGET);
        return new Run(ex.kernel(), ex.answers(), null);
    }

    private static Map<String, Object> question(Answers.Answer a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", a.index());
        m.put("step", a.step());
        m.put("line", a.line());
        m.put("column", a.column());
        m.put("stepLine", a.stepLine());
        m.put("stepSource", a.stepSource());
        m.put("prompt", a.prompt());
        m.put("question", a.question());
        m.put("form", a.form());
        m.put("options", a.options());
        m.put("auto", a.auto());
        m.put("kernel", a.kernel());
        return m;
    }

    private static Map<String, Object> explanation(Answers.Explanation e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rule", e.rule());
        m.put("cite", e.cite());
        m.put("commit", e.commit());
        m.put("function", e.function());
        m.put("text", e.text());
        Map<String, Object> values = new LinkedHashMap<>();
        e.values().forEach((k, v) -> values.put(k, v == null || v instanceof Number || v instanceof Boolean ? v : String.valueOf(v)));
        m.put("values", values);
        return m;
    }

    private static ResponseEntity<Map<String, Object>> error(String field, String message) {
        return ResponseEntity.badRequest().body(Map.of("error", "invalid", "field", field, "message", message));
    }
}
