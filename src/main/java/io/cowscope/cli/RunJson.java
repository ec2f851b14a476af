package io.cowscope.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cowscope.engine.Event;
import io.cowscope.engine.Hazard;
import io.cowscope.engine.KernelStep;
import io.cowscope.engine.Step;
import io.cowscope.scenario.RunResult;

/** A run result as plain maps and lists (for --format json). */
final class RunJson {
    private RunJson() {
    }

    static Map<String, Object> of(RunResult r, long ms) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kernel", r.kernel().toString());
        m.put("era", Eras.of(r.kernel()));
        m.put("passed", r.passed());
        m.put("failed", r.failed());
        m.put("skipped", r.skipped());
        m.put("digest", r.digest());
        m.put("ms", ms);
        if (r.error() != null) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("line", r.error().line());
            e.put("column", r.error().column());
            e.put("source", r.error().source());
            e.put("message", r.error().message());
            m.put("error", e);
        } else {
            m.put("error", null);
        }
        List<Object> steps = new ArrayList<>();
        for (RunResult.StepResult s : r.steps()) steps.add(step(s));
        m.put("steps", steps);
        List<Object> ex = new ArrayList<>();
        for (RunResult.ExpectResult e : r.expectations()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("line", e.line());
            x.put("column", e.column());
            x.put("source", e.source());
            x.put("outcome", e.outcome().name().toLowerCase(java.util.Locale.ROOT));
            x.put("range", e.range());
            List<Object> checks = new ArrayList<>();
            for (RunResult.CheckResult c : e.checks()) {
                Map<String, Object> cm = new LinkedHashMap<>();
                cm.put("check", c.check());
                cm.put("pass", c.pass());
                cm.put("expected", c.expected());
                cm.put("actual", c.actual());
                cm.put("where", c.where());
                checks.add(cm);
            }
            x.put("checks", checks);
            ex.add(x);
        }
        m.put("expectations", ex);
        return m;
    }

    static Map<String, Object> step(RunResult.StepResult s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("line", s.line());
        m.put("column", s.column());
        m.put("source", s.source());
        m.put("caption", s.caption());
        Step st = s.step();
        if (st == null) return m;
        m.put("summary", st.summary());
        m.put("value", st.value() == null || st.value().runs().isEmpty() ? null : st.value().text());
        List<Object> ks = new ArrayList<>();
        for (KernelStep k : st.kernelSteps()) ks.add(Map.of("depth", k.depth(), "function", k.function(), "note", k.note() == null ? "" : k.note()));
        m.put("kernelSteps", ks);
        List<Object> ev = new ArrayList<>();
        for (Event e : st.events()) {
            Map<String, Object> em = new LinkedHashMap<>();
            em.put("type", e.type().word);
            em.put("kind", e.kind());
            em.put("proc", e.proc());
            em.put("var", e.var());
            em.put("page", e.page());
            em.put("pfn", e.pfn());
            em.put("function", e.function());
            em.put("rule", e.rule() == null ? null : e.rule().name());
            em.put("cite", e.ruleCite());
            em.put("text", e.text());
            ev.add(em);
        }
        m.put("events", ev);
        Map<String, Object> counts = new LinkedHashMap<>();
        st.eventCounts().forEach((t, n) -> counts.put(t.word, n));
        m.put("eventCounts", counts);
        m.put("eventsTruncated", st.eventsTruncated());
        m.put("warnings", st.warnings());
        List<Object> hz = new ArrayList<>();
        for (Hazard h : st.hazards()) hz.add(Map.of("type", h.type().word, "text", h.text()));
        m.put("hazards", hz);
        m.put("error", st.error());
        return m;
    }
}
