package io.cowscope.session;

import io.cowscope.engine.EventType;
import io.cowscope.engine.Hazard;
import io.cowscope.engine.PageView;
import io.cowscope.engine.PteView;
import io.cowscope.engine.RefSource;
import io.cowscope.engine.Snapshot;
import io.cowscope.session.Views.DiffEntry;
import io.cowscope.session.Views.FieldDiff;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What differs between two runs of one program at the current step: event counts, hazards raised
 * at the step, and, within the state window, each PTE (its badges) and the page it maps (counts,
 * flags, content). Pages are keyed by where they are mapped (proc.var[i]), never by pfn: frame
 * numbers name pages, they are not behaviour, and two kernels may allocate differently.
 */
final class Diff {
    static final int MAX = 200;

    private Diff() {
    }

    static List<DiffEntry> between(Timeline left, Timeline right, Snapshot.Window window) {
        List<DiffEntry> out = new ArrayList<>();
        Map<EventType, Integer> le = Session.countsAt(left), re = Session.countsAt(right);
        for (EventType t : EventType.values()) {
            int a = le.getOrDefault(t, 0), b = re.getOrDefault(t, 0);
            if (a != b && t != EventType.HAZARD) {
                out.add(new DiffEntry("event", t.word, a, b));
            }
        }
        Map<String, String> lh = hazards(Session.hazardsAt(left)), rh = hazards(Session.hazardsAt(right));
        Set<String> types = new LinkedHashSet<>(lh.keySet());
        types.addAll(rh.keySet());
        for (String t : types) {
            if (!lh.containsKey(t) || !rh.containsKey(t)) {
                out.add(new DiffEntry("hazard", t, lh.get(t), rh.get(t)));
            }
        }
        Snapshot ls = left.machine().snapshot(window), rs = right.machine().snapshot(window);
        Map<String, PteView> lp = new LinkedHashMap<>(), rp = new LinkedHashMap<>();
        Map<Long, PageView> lpages = pages(ls), rpages = pages(rs);
        ptes(ls, lp);
        ptes(rs, rp);
        Set<String> keys = new LinkedHashSet<>(lp.keySet());
        keys.addAll(rp.keySet());
        for (String key : keys) {
            if (out.size() >= MAX) {
                break;
            }
            PteView a = lp.get(key), b = rp.get(key);
            String ab = a == null ? null : a.badges(), bb = b == null ? null : b.badges();
            if (ab == null || !ab.equals(bb)) {
                out.add(new DiffEntry("pte", key, ab, bb));
            }
            String pa = page(a, lpages), pb = page(b, rpages);
            if (pa != null || pb != null) {
                List<FieldDiff> fields = fields(mapped(a, lpages), mapped(b, rpages));
                if (!fields.isEmpty()) {
                    out.add(new DiffEntry("page", key, pa, pb, fields));
                }
            }
        }
        holders(ls, rs, lpages, rpages, out);
        return out;
    }

    private static PageView mapped(PteView pte, Map<Long, PageView> pages) {
        return pte == null || !pte.present() || pte.zero() ? null : pages.get(pte.pfn());
    }

    /**
     * The fields of two pages mapped at the same place that differ. The pfn is among them: both
     * runs allocate in the same order until their decisions part, so a different frame there means
     * one kernel copied where the other did not.
     */
    static List<FieldDiff> fields(PageView a, PageView b) {
        List<FieldDiff> out = new ArrayList<>();
        if (a == null || b == null) {
            if (a != null || b != null) {
                out.add(new FieldDiff("page", a == null ? null : pfnText(a), b == null ? null : pfnText(b)));
            }
            return out;
        }
        field(out, "pfn", pfnText(a), pfnText(b));
        field(out, "content", a.content(), b.content());
        field(out, "refcount", a.refcount(), b.refcount());
        field(out, "references", references(a), references(b));
        field(out, "mapcount", a.mapcount(), b.mapcount());
        field(out, "pincount", a.pincount(), b.pincount());
        field(out, "AE", a.anonExclusive(), b.anonExclusive());
        field(out, "ksm", a.ksm(), b.ksm());
        field(out, "swapcache", a.swapcache(), b.swapcache());
        field(out, "lru", a.lru(), b.lru());
        return out;
    }

    private static void field(List<FieldDiff> out, String name, Object a, Object b) {
        if (!a.equals(b)) {
            out.add(new FieldDiff(name, a, b));
        }
    }

    private static String pfnText(PageView p) {
        return "0x" + Long.toHexString(p.pfn());
    }

    /** the refcount's sources in words, e.g. "1 mapping + 1 pipe" or "1 mapping + 1024 pin dma" */
    static String references(PageView p) {
        Map<String, Integer> by = new LinkedHashMap<>();
        for (RefSource s : p.sources()) {
            String what = switch (s.kind()) {
                // (a pipe named "pipe" is "pipe", not "pipe pipe")
                case "pipe", "pin", "get" -> s.holder() == null || s.holder().equals(s.kind()) ? s.kind()
                        : s.kind() + " " + s.holder();
                case "lru_batch" -> "LRU batch cpu" + s.cpu();
                default -> s.kind().replace('_', ' ');
            };
            by.merge(what, s.count(), Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        by.forEach((what, n) -> parts.add(n + " " + what));
        return parts.isEmpty() ? "none" : String.join(" + ", parts);
    }

    /**
     * Holders whose contents differ (a pipe that holds the parent's later write on one kernel and
     * the old one on the other): pipes by the content of their buffers, pin/get handles by the
     * content of the pages they hold, keyed as the stage keys them ("pipe:NAME", "handle:NAME").
     */
    private static void holders(Snapshot ls, Snapshot rs, Map<Long, PageView> lpages, Map<Long, PageView> rpages,
            List<DiffEntry> out) {
        Map<String, List<String>> lh = new LinkedHashMap<>(), rh = new LinkedHashMap<>();
        for (Snapshot.PipeView p : ls.pipes()) {
            lh.put("pipe:" + p.name(), p.contents());
        }
        for (Snapshot.PipeView p : rs.pipes()) {
            rh.put("pipe:" + p.name(), p.contents());
        }
        for (Snapshot.HandleView h : ls.handles()) {
            lh.put("handle:" + h.name(), contents(h.pfns(), lpages));
        }
        for (Snapshot.HandleView h : rs.handles()) {
            rh.put("handle:" + h.name(), contents(h.pfns(), rpages));
        }
        Set<String> keys = new LinkedHashSet<>(lh.keySet());
        keys.addAll(rh.keySet());
        for (String key : keys) {
            if (out.size() >= MAX) {
                break;
            }
            List<String> a = lh.get(key), b = rh.get(key);
            if (a == null || !a.equals(b)) {
                out.add(new DiffEntry("holder", key, a, b, List.of(new FieldDiff("content", a, b))));
            }
        }
    }

    private static List<String> contents(List<Long> pfns, Map<Long, PageView> pages) {
        List<String> out = new ArrayList<>();
        for (Long pfn : pfns) {
            PageView p = pages.get(pfn);
            out.add(p == null ? "?" : p.content());
        }
        return out;
    }

    private static Map<String, String> hazards(List<Hazard> hs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (Hazard h : hs) {
            m.putIfAbsent(h.type().word, h.text());
        }
        return m;
    }

    private static void ptes(Snapshot s, Map<String, PteView> into) {
        for (Snapshot.ProcessView p : s.processes()) {
            for (Snapshot.VmaView v : p.vmas()) {
                for (PteView pte : v.ptes()) {
                    into.put(p.name() + "." + v.var() + "[" + pte.index() + "]", pte);
                }
            }
        }
    }

    private static Map<Long, PageView> pages(Snapshot s) {
        Map<Long, PageView> m = new LinkedHashMap<>();
        for (PageView p : s.pages()) {
            m.put(p.pfn(), p);
        }
        return m;
    }

    /** the page a PTE maps, without its pfn: what a reader of the two runs compares */
    private static String page(PteView pte, Map<Long, PageView> pages) {
        if (pte == null || !pte.present() || pte.zero()) {
            return null;
        }
        PageView p = pages.get(pte.pfn());
        if (p == null) {
            return null;
        }
        return "\"" + p.content() + "\" refcount " + p.refcount() + ", mapcount " + p.mapcount() + ", pincount "
                + p.pincount() + (p.anonExclusive() ? ", anon_exclusive" : "") + (p.ksm() ? ", ksm" : "")
                + (p.swapcache() ? ", swapcache" : "") + (p.lru() ? ", lru" : "");
    }
}
