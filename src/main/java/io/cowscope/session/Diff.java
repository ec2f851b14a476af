package io.cowscope.session;

import io.cowscope.engine.EventType;
import io.cowscope.engine.Hazard;
import io.cowscope.engine.PageView;
import io.cowscope.engine.PteView;
import io.cowscope.engine.Snapshot;
import io.cowscope.session.Views.DiffEntry;
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
                if (pa == null || !pa.equals(pb)) {
                    out.add(new DiffEntry("page", key, pa, pb));
                }
            }
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
