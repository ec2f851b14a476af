package io.cowscope.host;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cowscope.engine.EventType;
import io.cowscope.engine.Observer;
import io.cowscope.engine.PageView;
import io.cowscope.engine.Pagemap;
import io.cowscope.engine.PteView;
import io.cowscope.engine.ReadValue;
import io.cowscope.engine.Step;
import io.cowscope.host.Observations.PageKey;
import io.cowscope.host.Observations.PageObs;
import io.cowscope.host.Observations.StepObs;

/**
 * The observations compared between the kernel and the model after a step, as "key = value" fields
 * (docs/host.md, "What is compared"). The kernel side holds only what it could observe; the model
 * side is computed for the same keys. Frames are compared by sharing, not by number: a page's
 * {@code frame} is the first page (in the kernel's order) that maps the same frame or swap entry.
 */
final class Fields {
    private Fields() {
    }

    static String pageName(ProbeScript s, PageKey k) {
        return s.processes().get(k.proc()) + "." + s.slots().get(k.slot()).var() + "[" + k.index() + "]";
    }

    /** The kernel's observable fields after a step. */
    static Map<String, String> kernel(ProbeScript s, StepObs o, Observations.Hello hello, Map<String, String> raw) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("step outcome", o.outcome().equals("err") ? "error" : o.outcome());
        if (o.outcome().equals("err") && o.detail() != null) f.put("step errno", o.detail());
        if (o.faults() != null) f.put("step faults", String.valueOf(o.faults()));
        if (!o.values().isEmpty()) f.put("step value", String.join("|", o.values()));
        o.procs().forEach((p, st) -> f.put(s.processes().get(p) + " state", st));
        Map<String, String> frames = new HashMap<>();
        for (Map.Entry<PageKey, PageObs> e : o.pages().entrySet()) {
            String n = pageName(s, e.getKey()) + " ";
            PageObs p = e.getValue();
            f.put(n + "vma", p.vma() == '-' ? "no" : "yes");
            f.put(n + "present", yes(p.present()));
            f.put(n + "swapped", yes(p.swapped()));
            f.put(n + "pagemap exclusive", yes(p.bit(PageObs.EXCLUSIVE)));
            f.put(n + "pagemap file", yes(p.bit(PageObs.FILE)));
            f.put(n + "pagemap uffd_wp", yes(p.bit(PageObs.UFFD_WP)));
            f.put(n + "pagemap soft_dirty", yes(p.bit(PageObs.SOFT_DIRTY)));
            if (p.content() != null) f.put(n + "content", quote(p.content()));
            String frame = null;
            if (p.present() && hello.pfns() && p.frame() != 0) frame = p.flag(PageObs.KPF_ZERO_PAGE) ? "the zero page" : "pfn:" + p.frame();
            else if (p.swapped()) frame = "swap:" + p.frame();
            if (frame != null) f.put(n + "frame", label(frames, frame, pageName(s, e.getKey())));
            moved(f, raw, n, p.present() && hello.pfns() && p.frame() != 0 ? "pfn:" + p.frame() : null);
            if (p.present() && p.flagsKnown() && !p.flag(PageObs.KPF_ZERO_PAGE)) {
                f.put(n + "mapcount", String.valueOf(p.kpagecount()));
                f.put(n + "page anon", yes(p.flag(PageObs.KPF_ANON)));
                f.put(n + "page ksm", yes(p.flag(PageObs.KPF_KSM)));
                f.put(n + "page thp", yes(p.flag(PageObs.KPF_THP)));
                f.put(n + "page hugetlb", yes(p.flag(PageObs.KPF_HUGE)));
                f.put(n + "page swapcache", yes(p.flag(PageObs.KPF_SWAPCACHE)));
                f.put(n + "page lru", yes(p.flag(PageObs.KPF_LRU)));
            }
        }
        o.pipes().forEach((x, t) -> {
            if (t != null) f.put("pipe " + s.pipes().get(x), String.join("|", t));
        });
        o.handles().forEach((h, t) -> {
            if (t != null) f.put("handle " + s.handles().get(h), String.join("|", t));
        });
        o.files().forEach((k, t) -> {
            if (t == null) return;
            String[] fi = k.split(":");
            f.put("file " + s.files().get(Integer.parseInt(fi[0])) + "[" + fi[1] + "]", quote(t));
        });
        return f;
    }

    /**
     * Which of the model's present pages wait in a per-CPU LRU-add batch after a step: page name → CPU and frame. Not an
     * observation (the kernel cannot say): {@code --random} uses it to tell a "page lru" difference that another
     * process's drain of that CPU's whole batch explains from one that it does not.
     */
    /** A page that waits in CPU {@code cpu}'s LRU-add batch, on frame {@code pfn}. */
    public record Batched(int cpu, long pfn) {}

    static Map<String, Batched> modelBatch(ProbeScript s, StepObs o, Observer obs) {
        Map<String, Batched> b = new HashMap<>();
        for (PageKey k : o.pages().keySet()) {
            String proc = s.processes().get(k.proc()), var = s.slots().get(k.slot()).var();
            try {
                PteView pte = obs.pte(proc, var, k.index());
                PageView pg = obs.page(proc, var, k.index());
                if (pte != null && pte.present() && pg != null && pg.lruBatchCpu() >= 0) b.put(pageName(s, k), new Batched(pg.lruBatchCpu(), pg.pfn()));
            } catch (RuntimeException e) {
                // the model has no such page
            }
        }
        return b;
    }

    /** The model's value for each key of {@code kernel} (null when the model cannot say: it is then a difference). */
    static Map<String, String> model(ProbeScript s, StepObs o, Observer obs, Step step, Map<String, String> kernel, Map<String, String> raw) {
        Map<String, String> f = new LinkedHashMap<>();
        String outcome = step == null ? "error" : step.count(EventType.SIGSEGV) > 0 ? "killed"
                : step.count(EventType.BLOCKED) > 0 ? "blocked" : step.ok() && step.errno() == null ? "ok" : "error";
        f.put("step outcome", outcome);
        if (step != null && step.errno() != null) f.put("step errno", step.errno());
        if (step != null) {
            f.put("step faults", String.valueOf(step.count(EventType.FAULT)));
            ReadValue v = step.value();
            if (v != null && !v.runs().isEmpty()) {
                List<String> all = new ArrayList<>();
                for (ReadValue.Run r : v.runs()) for (int i = 0; i < r.count(); i++) all.add(r.text());
                f.put("step value", String.join("|", all));
            }
        }
        for (String p : s.processes()) f.put(p + " state", safe(() -> obs.processState(p).word));
        Map<String, String> frames = new HashMap<>();
        for (PageKey k : o.pages().keySet()) {
            String name = pageName(s, k), n = name + " ";
            String proc = s.processes().get(k.proc()), var = s.slots().get(k.slot()).var();
            int i = k.index();
            PteView pte;
            Pagemap pm;
            PageView pg;
            try {
                pte = obs.pte(proc, var, i);
                pm = obs.pagemap(proc, var, i);
                pg = obs.page(proc, var, i);
            } catch (RuntimeException e) {
                continue; // the model has no such page (e.g. the process is gone there): every field differs
            }
            f.put(n + "vma", yes(pte != null && pte.vma()));
            f.put(n + "present", yes(pm != null && pm.present()));
            f.put(n + "swapped", yes(pm != null && pm.swapped()));
            f.put(n + "pagemap exclusive", yes(pm != null && pm.exclusive()));
            f.put(n + "pagemap file", yes(pm != null && pm.file()));
            f.put(n + "pagemap uffd_wp", yes(pm != null && pm.uffdWp()));
            f.put(n + "pagemap soft_dirty", yes(pm != null && pm.softDirty()));
            if (kernel.containsKey(n + "content")) f.put(n + "content", quote(safe(() -> obs.content(proc, var, i))));
            String frame = null;
            if (pte != null && pte.present()) frame = pte.zero() ? "the zero page" : "pfn:" + pte.pfn();
            else if (pte != null && pte.swap()) frame = "swap:" + pte.slot();
            if (frame != null) f.put(n + "frame", label(frames, frame, name));
            moved(f, raw, n, pte != null && pte.present() ? "pfn:" + pte.pfn() : null);
            if (pg != null && pte != null && pte.present() && !pg.zero()) {
                f.put(n + "mapcount", String.valueOf(pg.mapcount()));
                f.put(n + "page anon", yes(pg.anon()));
                f.put(n + "page ksm", yes(pg.ksm()));
                f.put(n + "page thp", yes(pg.thp()));
                f.put(n + "page hugetlb", yes(pg.hugetlb()));
                f.put(n + "page swapcache", yes(pg.swapcache()));
                f.put(n + "page lru", yes(pg.lru()));
            }
        }
        for (String x : s.pipes()) { // a pipe not created yet reads as empty, as the kernel's (created up front) does
            String t = safe(() -> joined(obs.pipeContent(x)));
            f.put("pipe " + x, t == null ? "" : t);
        }
        for (String h : s.handles()) f.put("handle " + h, safe(() -> joined(obs.handleContent(h))));
        for (String key : kernel.keySet()) {
            if (!key.startsWith("file ")) continue;
            String spec = key.substring(5);
            String file = spec.substring(0, spec.indexOf('['));
            int idx = Integer.parseInt(spec.substring(spec.indexOf('[') + 1, spec.length() - 1));
            f.put(key, quote(safe(() -> obs.fileContent(file, idx))));
        }
        return f;
    }

    /**
     * "frame changed": whether a page present before and after the step now maps another frame (a
     * copy), which the sharing labels alone do not show. {@code raw} holds the previous step's frames
     * and is updated.
     */
    private static void moved(Map<String, String> f, Map<String, String> raw, String n, String frame) {
        String before = raw.get(n);
        if (before != null && frame != null) f.put(n + "frame changed", yes(!before.equals(frame)));
        if (frame != null) raw.put(n, frame);
        else raw.remove(n);
    }

    static String joined(ReadValue v) {
        if (v == null) return null;
        List<String> all = new ArrayList<>();
        for (ReadValue.Run r : v.runs()) for (int i = 0; i < r.count(); i++) all.add(r.text());
        return String.join("|", all);
    }

    private static String safe(java.util.function.Supplier<String> s) {
        try {
            return s.get();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String label(Map<String, String> frames, String frame, String name) {
        if (frame.equals("the zero page")) return frame;
        String first = frames.putIfAbsent(frame, name);
        return first == null ? (frame.startsWith("swap:") ? "own swap entry" : "own frame") : "same " + (frame.startsWith("swap:") ? "swap entry" : "frame")
                + " as " + first;
    }

    static String yes(boolean b) {
        return b ? "yes" : "no";
    }

    static String quote(String s) {
        return s == null ? "(no readable mapping)" : io.cowscope.scenario.Printer.quote(s);
    }

    /** The keys whose values differ, in the kernel's order (a key the model lacks differs). */
    static List<String> differences(Map<String, String> kernel, Map<String, String> model) {
        List<String> d = new ArrayList<>();
        for (Map.Entry<String, String> e : kernel.entrySet()) {
            if (!e.getValue().equals(model.get(e.getKey()))) d.add(e.getKey());
        }
        return d;
    }

    /** The class of a field for tallies: "pagemap exclusive", "frame", "step faults" … */
    static String kind(String key) {
        if (key.startsWith("step ")) return key;
        if (key.startsWith("pipe ")) return "pipe";
        if (key.startsWith("handle ")) return "handle";
        if (key.startsWith("file ")) return "file";
        if (key.endsWith(" state")) return "process state";
        int sp = key.indexOf("] ");
        return sp < 0 ? key : key.substring(sp + 2);
    }
}
