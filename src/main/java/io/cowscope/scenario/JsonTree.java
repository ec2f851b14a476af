package io.cowscope.scenario;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.cowscope.engine.KernelVersion;
import io.cowscope.engine.op.Advice;
import io.cowscope.engine.op.Hook;
import io.cowscope.engine.op.Prot;

/**
 * The syntax tree as plain maps and lists, for the web API (serialise with any JSON library, or
 * {@link Json#write}). Every record becomes {"type": "RecordName", component: value …}; enums become
 * the language's word; each statement carries line, column, source and its canonical text.
 *
 * <pre>
 * {"header": {"title": …, "descriptions": […], "kernel": "5.7", "cpus": 1, "thp": "madvise", "swap": true,
 *             "softDirty": true, "files": [{"name": "passwd", "pages": 1, "content": "…"}]},
 *  "statements": [{"line": 5, "column": 1, "source": "parent: buf = mmap 1", "text": "parent: buf = mmap 1",
 *                  "kind": "operation", "op": {"type": "ProcessOp", "proc": "parent",
 *                  "op": {"type": "Mmap", "var": "buf", "pages": 1, …}}}, …]}
 * </pre>
 */
public final class JsonTree {
    private JsonTree() {
    }

    public static Map<String, Object> of(Scenario s) {
        Map<String, Object> m = new LinkedHashMap<>();
        Header h = s.header();
        Map<String, Object> hm = new LinkedHashMap<>();
        hm.put("title", h.title());
        hm.put("descriptions", h.descriptions());
        hm.put("kernel", h.kernel());
        hm.put("cpus", h.cpus());
        hm.put("thp", h.thp().word());
        hm.put("swap", h.swap());
        hm.put("softDirty", h.softDirty());
        hm.put("faultAroundBytes", h.faultAroundBytes());
        if (!h.mthp().isEmpty()) {
            List<Object> mthp = new ArrayList<>();
            for (HeaderItem.Mthp t : h.mthp()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("kb", t.kb());
                e.put("mode", t.mode().word());
                mthp.add(e);
            }
            hm.put("mthp", mthp);
        }
        List<Object> files = new ArrayList<>();
        for (HeaderItem.FileDecl f : h.files()) files.add(value(f));
        hm.put("files", files);
        m.put("header", hm);
        List<Object> st = new ArrayList<>();
        for (Statement x : s.statements()) st.add(statement(x));
        m.put("statements", st);
        return m;
    }

    public static Map<String, Object> statement(Statement x) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("line", x.line());
        m.put("column", x.column());
        m.put("source", x.source());
        m.put("text", Printer.node(x.node()));
        Statement.Node n = x.node();
        if (n instanceof Statement.Operation o) {
            m.put("kind", "operation");
            m.put("op", value(o.op()));
        } else if (n instanceof Statement.Say s) {
            m.put("kind", "say");
            m.put("say", s.text());
        } else if (n instanceof Statement.Ask a) {
            m.put("kind", "ask");
            m.put("prompt", a.promptText());
            m.put("question", value(a.question()));
            m.put("form", a.question().form().name().toLowerCase(Locale.ROOT));
            m.put("choices", a.options());
        } else {
            Statement.Expect e = (Statement.Expect) n;
            m.put("kind", "expect");
            m.put("range", e.range() == null ? null : e.range().toString());
            m.put("subject", value(e.subject()));
            List<Object> checks = new ArrayList<>();
            for (Check c : e.checks()) checks.add(value(c));
            m.put("checks", checks);
        }
        return m;
    }

    public static Map<String, Object> diagnostic(Diagnostic d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", d.code());
        m.put("message", d.message());
        m.put("line", d.line());
        m.put("column", d.column());
        m.put("length", d.length());
        return m;
    }

    /** Records to maps, enums to words, lists element-wise. */
    static Object value(Object v) {
        if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean) return v;
        if (v instanceof KernelVersion k) return k.toString();
        if (v instanceof Check.Word w) return w.word();
        if (v instanceof Advice a) return a.word;
        if (v instanceof Prot p) return p.word;
        if (v instanceof Hook.HookPoint p) return p.word;
        if (v instanceof Header.ThpMode t) return t.word();
        if (v instanceof Enum<?> e) return e.name().toLowerCase(Locale.ROOT);
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) out.add(value(o));
            return out;
        }
        if (v.getClass().isRecord()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", v.getClass().getSimpleName());
            for (RecordComponent rc : v.getClass().getRecordComponents()) {
                try {
                    m.put(rc.getName(), value(rc.getAccessor().invoke(v)));
                } catch (ReflectiveOperationException e) {
                    m.put(rc.getName(), null);
                }
            }
            return m;
        }
        return v.toString();
    }
}
