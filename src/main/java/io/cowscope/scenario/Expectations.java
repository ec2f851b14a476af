package io.cowscope.scenario;

import java.util.ArrayList;
import java.util.List;

import io.cowscope.engine.HazardType;
import io.cowscope.engine.KernelVersion;
import io.cowscope.engine.Observer;
import io.cowscope.engine.PageView;
import io.cowscope.engine.Pagemap;
import io.cowscope.engine.PteView;
import io.cowscope.engine.ReadValue;
import io.cowscope.engine.Stats;
import io.cowscope.engine.Step;
import io.cowscope.scenario.RunResult.CheckResult;
import io.cowscope.scenario.RunResult.ExpectResult;
import io.cowscope.scenario.RunResult.Outcome;

/**
 * Evaluates expectations through the engine's {@link Observer} (side-effect free). A page subject
 * without an index holds when the check holds on every page; the result names the first page that
 * does not. {@code !=} is the negation of {@code ==} (for several pages: not every page reads t).
 * A question the engine cannot answer (an unknown name) fails the check with the engine's message.
 */
final class Expectations {
    /** at most this many failing pages are looked at before giving up detail (bulk mappings) */
    private final Observer obs;

    Expectations(Observer obs) {
        this.obs = obs;
    }

    ExpectResult evaluate(Statement st, Statement.Expect e, KernelVersion v) {
        String range = e.range() == null ? null : e.range().toString();
        if (e.range() != null && !e.range().contains(v)) {
            return new ExpectResult(st.line(), st.column(), st.source(), Outcome.SKIPPED, range, List.of());
        }
        List<CheckResult> out = new ArrayList<>();
        boolean pass = true;
        for (Check c : e.checks()) {
            CheckResult r;
            try {
                r = check(e.subject(), c);
            } catch (RuntimeException ex) {
                r = new CheckResult(Printer.check(c), false, Printer.check(c), "cannot be observed: " + ex.getMessage(), null);
            }
            out.add(r);
            pass &= r.pass();
        }
        return new ExpectResult(st.line(), st.column(), st.source(), pass ? Outcome.PASS : Outcome.FAIL, range, out);
    }

    private CheckResult check(Subject s, Check c) {
        String text = Printer.check(c);
        if (s instanceof Subject.Page p) return page(p, c, text);
        if (s instanceof Subject.Handle h) {
            if (c instanceof Check.Content ct) return content(text, ct, obs.handleContent(h.name()));
            Check.Coherent co = (Check.Coherent) c;
            boolean coherent = obs.handleCoherent(h.name());
            return result(text, coherent != co.negated(), co.negated() ? "!coherent" : "coherent", coherent ? "coherent" : "!coherent", null);
        }
        if (s instanceof Subject.Pipe p) return content(text, (Check.Content) c, obs.pipeContent(p.name()));
        if (s instanceof Subject.File f) {
            Check.Content ct = (Check.Content) c;
            String actual = obs.fileContent(f.name(), f.index());
            return result(text, ct.equal() == ct.text().equals(actual), Printer.quote(ct.text()), quoteOrNull(actual), null);
        }
        if (s instanceof Subject.Process p) {
            Check.Proc pc = (Check.Proc) c;
            String state = obs.processState(p.name()).word;
            boolean is = state.equals(pc.state().word());
            return result(text, is != pc.negated(), text, state, null);
        }
        if (s instanceof Subject.Last) return last(c, text);
        if (s instanceof Subject.Stats) {
            Check.Stat st = (Check.Stat) c;
            long actual = counter(obs.stats(), st.counter());
            return result(text, st.cmp().test(actual, st.value()), st.counter().word() + " " + st.cmp().word() + " " + st.value(),
                    st.counter().word() + " = " + actual, null);
        }
        return hazard(c, text);
    }

    private CheckResult last(Check c, String text) {
        Step step = obs.lastStep();
        if (c instanceof Check.Content ct) {
            ReadValue v = step == null ? ReadValue.NONE : step.value();
            if (v == null || v.runs().isEmpty()) {
                return result(text, !ct.equal(), Printer.quote(ct.text()), "nothing read by the last step", null);
            }
            return content(text, ct, v);
        }
        if (c instanceof Check.Errno en) {
            String e = step == null ? null : step.errno();
            String actual = step == null ? "no step yet" : e == null ? "the last step succeeded (no errno)" : "errno " + e;
            boolean holds = en.name() == null ? (e != null) != en.negated() : en.name().equals(e) != en.negated();
            return result(text, step != null && holds, text, actual, null);
        }
        Check.EventCheck ev = (Check.EventCheck) c;
        boolean had = step != null && step.has(ev.event().word());
        String actual = step == null ? "no step yet" : had ? ev.event().word() : "no " + ev.event().word() + " (events: " + events(step) + ")";
        return result(text, had != ev.negated(), text, actual, null);
    }

    private static String events(Step s) {
        StringBuilder sb = new StringBuilder();
        s.eventCounts().forEach((t, n) -> sb.append(sb.length() == 0 ? "" : ", ").append(t.word).append(n > 1 ? " ×" + n : ""));
        return sb.length() == 0 ? "none" : sb.toString();
    }

    private CheckResult hazard(Check c, String text) {
        if (c instanceof Check.HazardNone) {
            List<String> raised = new ArrayList<>();
            for (Check.HazardKind k : Check.HazardKind.values()) if (obs.hazardRaised(HazardType.fromWord(k.word()))) raised.add(k.word());
            return result(text, raised.isEmpty(), "no hazard", raised.isEmpty() ? "no hazard" : String.join(", ", raised), null);
        }
        Check.Hazard h = (Check.Hazard) c;
        boolean raised = obs.hazardRaised(HazardType.fromWord(h.hazard().word()));
        return result(text, raised != h.negated(), text, raised ? h.hazard().word() + " raised" : "no " + h.hazard().word(), null);
    }

    private static long counter(Stats s, Check.Counter c) {
        switch (c) {
            case COW: return s.cow();
            case REUSE: return s.reuse();
            case FAULTS: return s.faults();
            default: return s.pages();
        }
    }

    // ---------------------------------------------------------------- page subjects

    private CheckResult page(Subject.Page p, Check c, String text) {
        int first, last;
        if (p.index() != null) {
            first = last = p.index();
        } else {
            first = 0;
            last = obs.mappingPages(p.proc(), p.var()) - 1;
        }
        if (c instanceof Check.Content ct && p.index() == null) {
            // "!=" is the negation of "==": not every page reads t
            int bad = -1;
            String badValue = null;
            for (int i = first; i <= last; i++) {
                String v = obs.content(p.proc(), p.var(), i);
                if (!ct.text().equals(v)) {
                    bad = i;
                    badValue = v;
                    break;
                }
            }
            boolean all = bad < 0;
            String where = bad < 0 ? null : p.proc() + "." + p.var() + "[" + bad + "]";
            String actual = all ? "every page reads " + Printer.quote(ct.text()) : where + " reads " + quoteOrNull(badValue);
            return result(text, all == ct.equal(), (ct.equal() ? "" : "not ") + "every page reads " + Printer.quote(ct.text()), actual, where);
        }
        for (int i = first; i <= last; i++) {
            CheckResult r = pageCheck(p, i, c, text);
            if (!r.pass()) return r;
        }
        String where = p.proc() + "." + p.var() + (p.index() == null ? "" : "[" + p.index() + "]");
        return result(text, true, text, text, where);
    }

    private CheckResult pageCheck(Subject.Page p, int i, Check c, String text) {
        String proc = p.proc(), var = p.var(), where = proc + "." + var + "[" + i + "]";
        if (c instanceof Check.Content ct) {
            String v = obs.content(proc, var, i);
            return result(text, ct.equal() == ct.text().equals(v), (ct.equal() ? "" : "not ") + Printer.quote(ct.text()), quoteOrNull(v), where);
        }
        if (c instanceof Check.Shares sh) {
            Subject.Page o = sh.other();
            int j = o.index() != null ? o.index() : i;
            boolean shares = obs.shares(proc, var, i, o.proc(), o.var(), j);
            String other = o.proc() + "." + o.var() + "[" + j + "]";
            return result(text, shares != sh.negated(), (sh.negated() ? "not " : "") + "the same page as " + other,
                    (shares ? "the same page as " : "not the same page as ") + other + pfns(proc, var, i, o.proc(), o.var(), j), where);
        }
        if (c instanceof Check.State s) {
            boolean v;
            switch (s.state()) {
                case ZERO: v = obs.zero(proc, var, i); break;
                case UNMAPPED: v = obs.unmapped(proc, var, i); break;
                default: v = obs.swapped(proc, var, i);
            }
            return result(text, v != s.negated(), (s.negated() ? "!" : "") + s.state().word(), describePte(obs.pte(proc, var, i)), where);
        }
        if (c instanceof Check.Pte pt) {
            PteView pte = obs.pte(proc, var, i);
            for (Check.Flag<Check.PteFlag> f : pt.flags()) {
                boolean v = pte != null && pteFlag(pte, f.flag());
                if (v == f.negated()) return result(text, false, (f.negated() ? "!" : "") + f.flag().word(), "pte " + describePte(pte), where);
            }
            return result(text, true, text, "pte " + describePte(pte), where);
        }
        if (c instanceof Check.Pagemap pm) {
            Pagemap m = obs.pagemap(proc, var, i);
            for (Check.Flag<Check.PagemapBit> f : pm.bits()) {
                boolean v = m != null && pagemapBit(m, f.flag());
                if (v == f.negated()) return result(text, false, (f.negated() ? "!" : "") + f.flag().word(), "pagemap " + describePagemap(m), where);
            }
            return result(text, true, text, "pagemap " + describePagemap(m), where);
        }
        Check.Page pg = (Check.Page) c;
        PageView page = obs.page(proc, var, i);
        for (Check.PageProp prop : pg.props()) {
            if (prop instanceof Check.PageFlagItem f) {
                boolean v = page != null && pageFlag(page, f.flag());
                if (v == f.negated()) return result(text, false, (f.negated() ? "!" : "") + f.flag().word(), describePage(page), where);
            } else {
                Check.PageCountItem n = (Check.PageCountItem) prop;
                if (page == null) return result(text, false, n.count().word() + " " + n.cmp().word() + " " + n.value(), "no page mapped", where);
                long v = n.count() == Check.PageCount.REFCOUNT ? page.refcount() : n.count() == Check.PageCount.MAPCOUNT ? page.mapcount() : page.pincount();
                if (!n.cmp().test(v, n.value())) {
                    return result(text, false, n.count().word() + " " + n.cmp().word() + " " + n.value(), n.count().word() + " = " + v, where);
                }
            }
        }
        return result(text, true, text, describePage(page), where);
    }

    private String pfns(String p, String v, int i, String q, String w, int j) {
        PteView a = obs.pte(p, v, i), b = obs.pte(q, w, j);
        return " (pfn " + (a == null || a.pfn() < 0 ? "-" : a.pfn()) + " vs " + (b == null || b.pfn() < 0 ? "-" : b.pfn()) + ")";
    }

    static boolean pteFlag(PteView p, Check.PteFlag f) {
        switch (f) {
            case PRESENT: return p.present();
            case WRITE: return p.write();
            case DIRTY: return p.dirty();
            case YOUNG: return p.young();
            case SOFT_DIRTY: return p.softDirty();
            default: return p.uffdWp();
        }
    }

    static boolean pagemapBit(Pagemap m, Check.PagemapBit b) {
        switch (b) {
            case PRESENT: return m.present();
            case SWAPPED: return m.swapped();
            case FILE: return m.file();
            case UFFD_WP: return m.uffdWp();
            case EXCLUSIVE: return m.exclusive();
            default: return m.softDirty();
        }
    }

    static boolean pageFlag(PageView p, Check.PageFlag f) {
        switch (f) {
            case ANON: return p.anon();
            case ANON_EXCLUSIVE: return p.anonExclusive();
            case KSM: return p.ksm();
            case SWAPCACHE: return p.swapcache();
            case LRU: return p.lru();
            case LOCKED: return p.locked();
            case THP: return p.thp();
            case HUGETLB: return p.hugetlb();
            default: return p.zero();
        }
    }

    static String describePte(PteView p) {
        if (p == null) return "none";
        if (p.swap()) return "swap entry" + (p.swpExclusive() ? " (exclusive)" : "") + (p.softDirty() ? " soft_dirty" : "") + (p.uffdWp() ? " uffd_wp" : "");
        if (!p.present()) return p.vma() ? "none (not mapped)" : "none (no VMA)";
        StringBuilder sb = new StringBuilder("present");
        sb.append(p.write() ? " write" : " !write");
        if (p.dirty()) sb.append(" dirty");
        if (p.young()) sb.append(" young");
        if (p.softDirty()) sb.append(" soft_dirty");
        if (p.uffdWp()) sb.append(" uffd_wp");
        if (p.zero()) sb.append(" (zero page)");
        return sb.toString();
    }

    static String describePagemap(Pagemap m) {
        if (m == null) return "none";
        StringBuilder sb = new StringBuilder();
        if (m.present()) sb.append(" present");
        if (m.swapped()) sb.append(" swapped");
        if (m.file()) sb.append(" file");
        if (m.uffdWp()) sb.append(" uffd_wp");
        if (m.exclusive()) sb.append(" exclusive");
        if (m.softDirty()) sb.append(" soft_dirty");
        return sb.length() == 0 ? "no bits (" + m.hex() + ")" : sb.substring(1) + " (" + m.hex() + ")";
    }

    static String describePage(PageView p) {
        if (p == null) return "no page mapped";
        StringBuilder sb = new StringBuilder("pfn ").append(p.pfn()).append(": refcount ").append(p.refcount())
                .append(", mapcount ").append(p.mapcount());
        if (p.pincount() > 0) sb.append(", pincount ").append(p.pincount());
        if (p.anon()) sb.append(", anon");
        if (p.anonExclusive()) sb.append(", anon_exclusive");
        if (p.ksm()) sb.append(", ksm");
        if (p.swapcache()) sb.append(", swapcache");
        if (p.lru()) sb.append(", lru");
        if (p.locked()) sb.append(", locked");
        if (p.thp()) sb.append(", thp");
        if (p.hugetlb()) sb.append(", hugetlb");
        if (p.zero()) sb.append(", zero");
        return sb.toString();
    }

    private static CheckResult content(String text, Check.Content ct, ReadValue v) {
        String actual = v == null || v.runs().isEmpty() ? "" : v.text();
        boolean equal = v != null && (v.allEqual(ct.text()) || (v.runs().isEmpty() && ct.text().isEmpty()));
        return result(text, equal == ct.equal(), (ct.equal() ? "" : "not ") + Printer.quote(ct.text()),
                v == null || v.runs().isEmpty() ? "nothing (\"\")" : Printer.quote(actual), null);
    }

    private static String quoteOrNull(String s) {
        return s == null ? "nothing: no readable mapping (a read would SIGSEGV)" : Printer.quote(s);
    }

    private static CheckResult result(String check, boolean pass, String expected, String actual, String where) {
        return new CheckResult(check, pass, expected, actual, where);
    }
}
