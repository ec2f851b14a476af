package io.cowscope.host;

import java.util.ArrayList;
import java.util.List;

import io.cowscope.engine.op.Op;
import io.cowscope.engine.op.ProcOp;
import io.cowscope.engine.op.ProcessOp;
import io.cowscope.engine.op.Target;
import io.cowscope.host.Observations.PageKey;
import io.cowscope.host.Observations.PageObs;
import io.cowscope.host.Observations.StepObs;
import io.cowscope.scenario.Check;
import io.cowscope.scenario.Printer;
import io.cowscope.scenario.Statement;
import io.cowscope.scenario.Subject;

/**
 * Evaluates an expectation against what the kernel showed (docs/host.md, "What can be observed"):
 * each check passes, fails, or cannot be observed (with the reason). Nothing is guessed: refcounts,
 * pins, hazards, PTE write/dirty/young bits and anything about a page that is not present (its
 * content would need a fault) are unobservable.
 */
final class KernelChecks {

    enum Result { PASS, FAIL, UNOBSERVABLE }

    record Outcome(Result result, String detail) {
        static Outcome of(boolean pass, String expected, String actual) {
            return new Outcome(pass ? Result.PASS : Result.FAIL, pass ? actual : "expected " + expected + ", got " + actual);
        }

        static Outcome unobservable(String why) {
            return new Outcome(Result.UNOBSERVABLE, why);
        }
    }

    private final ProbeScript script;
    private final Observations.Hello hello;
    private final StepObs cur, prev;
    private final Op lastOp;

    /**
     * @param cur the observation after the last operation before the expectation (null: none yet)
     * @param prev the observation before that operation (null: none)
     * @param lastOp that operation
     */
    KernelChecks(ProbeScript script, Observations.Hello hello, StepObs cur, StepObs prev, Op lastOp) {
        this.script = script;
        this.hello = hello;
        this.cur = cur;
        this.prev = prev;
        this.lastOp = lastOp;
    }

    /** All checks of an expectation: FAIL if one fails, else UNOBSERVABLE if one is, else PASS. */
    Outcome evaluate(Statement.Expect e) {
        if (cur == null) return Outcome.unobservable("nothing has run yet");
        List<String> unobs = new ArrayList<>(), passed = new ArrayList<>();
        for (Check c : e.checks()) {
            Outcome o;
            try {
                o = check(e.subject(), c);
            } catch (RuntimeException ex) {
                o = Outcome.unobservable(ex.getMessage());
            }
            if (o.result() == Result.FAIL) return o;
            if (o.result() == Result.UNOBSERVABLE) unobs.add(Printer.check(c) + ": " + o.detail());
            else passed.add(o.detail());
        }
        if (!unobs.isEmpty()) {
            return Outcome.unobservable(String.join("; ", unobs) + (passed.isEmpty() ? "" : " (the rest held: " + String.join("; ", passed) + ")"));
        }
        return new Outcome(Result.PASS, String.join("; ", passed));
    }

    private PageObs page(StepObs o, String proc, String var, int i) {
        int p = script.processIndex(proc), k = script.slot(proc, var);
        if (o == null || p < 0 || k < 0) return null;
        return o.pages().get(new PageKey(p, k, i));
    }

    private PageObs need(String proc, String var, int i) {
        PageObs p = page(cur, proc, var, i);
        if (p == null) {
            String st = script.processIndex(proc) < 0 ? null : cur.procs().get(script.processIndex(proc));
            throw new IllegalStateException(st != null && !st.equals("alive") ? proc + " has " + st + ": its pages are gone"
                    : proc + "." + var + "[" + i + "] is not observed (the mapping was not created on the kernel)");
        }
        return p;
    }

    private int pages(String proc, String var) {
        int k = script.slot(proc, var);
        if (k < 0) throw new IllegalStateException("unknown mapping " + proc + "." + var);
        return script.slots().get(k).pages();
    }

    private Outcome check(Subject s, Check c) {
        if (s instanceof Subject.Page p) {
            int first = p.index() != null ? p.index() : 0, last = p.index() != null ? p.index() : pages(p.proc(), p.var()) - 1;
            Outcome worst = null;
            for (int i = first; i <= last; i++) {
                Outcome o = pageCheck(p.proc(), p.var(), i, c);
                if (o.result() == Result.FAIL) return new Outcome(Result.FAIL, p.proc() + "." + p.var() + "[" + i + "]: " + o.detail());
                if (o.result() == Result.UNOBSERVABLE && worst == null) worst = new Outcome(o.result(), p.proc() + "." + p.var() + "[" + i + "]: " + o.detail());
            }
            return worst != null ? worst : new Outcome(Result.PASS, Printer.check(c));
        }
        if (s instanceof Subject.Process p) {
            Check.Proc pc = (Check.Proc) c;
            int i = script.processIndex(p.name());
            String st = i < 0 ? null : cur.procs().get(i);
            if (st == null) return Outcome.unobservable(p.name() + " does not exist on the kernel yet");
            return Outcome.of(st.equals(pc.state().word()) != pc.negated(), Printer.check(c), st);
        }
        if (s instanceof Subject.Pipe x) {
            int i = script.pipes().indexOf(x.name());
            List<String> t = i < 0 ? List.of() : cur.pipes().get(i);
            if (t == null) return Outcome.unobservable("the pipe could not be duplicated with tee(2)");
            return content((Check.Content) c, t);
        }
        if (s instanceof Subject.Handle h) {
            if (c instanceof Check.Coherent) return Outcome.unobservable("which frame a pin holds is not visible from user space");
            int i = script.handles().indexOf(h.name());
            List<String> t = i < 0 ? null : cur.handles().get(i);
            if (t == null) return Outcome.unobservable("the handle is not an io_uring fixed buffer on the kernel");
            return content((Check.Content) c, t);
        }
        if (s instanceof Subject.File f) {
            int i = script.files().indexOf(f.name());
            String t = cur.files().get(i + ":" + f.index());
            if (t == null) return Outcome.unobservable("the file page could not be read");
            Check.Content ct = (Check.Content) c;
            return Outcome.of(ct.text().equals(t) == ct.equal(), Printer.check(c), Printer.quote(t));
        }
        if (s instanceof Subject.Last) return last(c);
        if (s instanceof Subject.Stats) return stats((Check.Stat) c);
        return Outcome.unobservable("hazards are the model's judgement; the kernel shows none of them");
    }

    private static Outcome content(Check.Content ct, List<String> pages) {
        boolean all = !pages.isEmpty() && pages.stream().allMatch(ct.text()::equals);
        if (pages.isEmpty() && ct.text().isEmpty()) all = true;
        return Outcome.of(all == ct.equal(), (ct.equal() ? "" : "not ") + Printer.quote(ct.text()),
                pages.isEmpty() ? "nothing (\"\")" : Printer.quote(String.join("|", pages)));
    }

    private Outcome stats(Check.Stat st) {
        if (st.counter() != Check.Counter.FAULTS) return Outcome.unobservable(st.counter().word() + " is counted by the model only");
        return Outcome.unobservable("the total fault count needs every step's count; fork and spawn steps fault on the probe's own memory");
    }

    private Outcome last(Check c) {
        if (lastOp == null) return Outcome.unobservable("no step yet");
        if (c instanceof Check.Content ct) {
            if (!cur.outcome().equals("ok")) return Outcome.unobservable("the last step did not complete on the kernel (" + cur.outcome() + ")");
            return content(ct, cur.values());
        }
        if (c instanceof Check.Errno en) {
            if (cur.outcome().equals("killed") || cur.outcome().equals("skipped"))
                return Outcome.unobservable("the last step did not complete on the kernel (" + cur.outcome() + ")");
            String e = cur.outcome().equals("err") ? cur.detail() : null;
            boolean holds = en.name() == null ? (e != null) != en.negated() : en.name().equals(e) != en.negated();
            return Outcome.of(holds, Printer.check(c), e == null ? "the last step succeeded (no errno)" : "errno " + e);
        }
        Check.EventCheck ev = (Check.EventCheck) c;
        Boolean had = event(ev.event());
        if (had == null) return Outcome.unobservable(reason);
        return Outcome.of(had != ev.negated(), Printer.check(c), had ? ev.event().word() : "no " + ev.event().word());
    }

    private String reason;

    /** Whether the last step had the event, derived from faults and frames; null when not derivable (see {@link #reason}). */
    private Boolean event(Check.Event e) {
        switch (e) {
            case FAULT:
                if (cur.faults() == null) {
                    reason = "the fault count of this step is unknown (the probe's own memory faults around fork and spawn)";
                    return null;
                }
                return cur.faults() > 0;
            case SIGSEGV:
                return cur.outcome().equals("killed");
            case BLOCKED:
                // a write to a uffd-wp page raises SIGBUS in the probe (UFFD_FEATURE_SIGBUS) instead of blocking it: reported as "blocked"
                return cur.outcome().equals("blocked");
            case UNSHARE:
                reason = "an unshare fault leaves no trace in pagemap when it reuses the page";
                return null;
            default:
        }
        if (!hello.pfns()) {
            reason = "frame numbers are hidden without CAP_SYS_ADMIN";
            return null;
        }
        if (e == Check.Event.FORK_COPY) {
            if (!(lastOp instanceof ProcessOp po && po.op() instanceof ProcOp.Fork f)) {
                reason = "fork_copy is derived only for a fork step";
                return null;
            }
            int parent = script.processIndex(po.proc()), child = script.processIndex(f.child());
            for (PageKey k : cur.pages().keySet()) {
                if (k.proc() != parent) continue;
                PageObs a = cur.pages().get(k), b = cur.pages().get(new PageKey(child, k.slot(), k.index()));
                if (a != null && b != null && a.present() && b.present() && a.frame() != b.frame() && !b.flag(PageObs.KPF_ZERO_PAGE)) return true;
            }
            return false;
        }
        // cow, reuse, swapin: from the target pages before and after a write, poke, read, vmsplice or pin
        String proc;
        Target t;
        if (lastOp instanceof ProcessOp po && po.op() instanceof ProcOp.Write w) { proc = po.proc(); t = w.target(); }
        else if (lastOp instanceof ProcessOp po && po.op() instanceof ProcOp.Poke k) { proc = k.proc(); t = k.target(); }
        else if (lastOp instanceof ProcessOp po && po.op() instanceof ProcOp.Read r) { proc = po.proc(); t = r.target(); }
        else if (lastOp instanceof ProcessOp po && po.op() instanceof ProcOp.Vmsplice v) { proc = po.proc(); t = v.target(); }
        else if (lastOp instanceof ProcessOp po && po.op() instanceof ProcOp.IoUringRegister r) { proc = po.proc(); t = r.target(); }
        else {
            reason = e.word() + " is derived only for steps that access pages (write, poke, read, vmsplice, io_uring_register)";
            return null;
        }
        int first = t.isWhole() ? 0 : t.first(), last = t.isWhole() ? pages(proc, t.var()) - 1 : t.last();
        int changed = 0, unknownBefore = 0, swappedBefore = 0, swapIns = 0, samePresent = 0;
        for (int i = first; i <= last; i++) {
            PageObs b = page(prev, proc, t.var(), i), a = page(cur, proc, t.var(), i);
            if (a == null) continue;
            if (b != null && b.swapped()) {
                swappedBefore++;
                if (a.present()) swapIns++;
            }
            if (b == null || !b.present()) {
                unknownBefore++;
                continue;
            }
            if (a.present() && a.frame() != b.frame()) changed++;
            else if (a.present()) samePresent++;
        }
        if (e == Check.Event.SWAPIN) return swapIns > 0;
        if (e == Check.Event.COW) {
            if (changed > 0) return true;
            if (unknownBefore > 0) {
                reason = "a page was not present before the step: whether its fault copied cannot be told from pagemap";
                return null;
            }
            return false;
        }
        // REUSE: a write fault that kept the frame
        if (cur.faults() == null) {
            reason = "the fault count of this step is unknown";
            return null;
        }
        if (first == last && unknownBefore == 0 && changed == 1) return false; // the one page moved to another frame: copied
        if (cur.faults() == 0) return false;
        if (changed == 0 && unknownBefore == 0 && samePresent == 1 && first == last) return true;
        reason = "reuse is derived only for a one-page access whose page was present before";
        return null;
    }

    private Outcome pageCheck(String proc, String var, int i, Check c) {
        PageObs p = need(proc, var, i);
        if (c instanceof Check.Content ct) {
            if (p.content() != null) return Outcome.of(ct.text().equals(p.content()) == ct.equal(), Printer.check(c), Printer.quote(p.content()));
            if (p.vma() == '-' || p.vma() == 'n') return Outcome.of(!ct.equal(), Printer.check(c), "no readable mapping (a read would SIGSEGV)");
            return Outcome.unobservable("the page is not present: reading it would fault");
        }
        if (c instanceof Check.Shares sh) {
            if (!hello.pfns()) return Outcome.unobservable("frame numbers are hidden without CAP_SYS_ADMIN");
            Subject.Page o = sh.other();
            int j = o.index() != null ? o.index() : i;
            PageObs q = need(o.proc(), o.var(), j);
            boolean same = (p.present() && q.present() && p.frame() == q.frame()) || (p.swapped() && q.swapped() && p.frame() == q.frame());
            return Outcome.of(same != sh.negated(), Printer.check(c), (same ? "the same" : "not the same") + " frame as " + o.proc() + "."
                    + o.var() + "[" + j + "] (" + describe(p) + " vs " + describe(q) + ")");
        }
        if (c instanceof Check.State st) {
            boolean v;
            switch (st.state()) {
                case SWAPPED: v = p.swapped(); break;
                case UNMAPPED: v = !p.present() && !p.swapped(); break;
                default:
                    if (p.present() && !p.flagsKnown()) return Outcome.unobservable("/proc/kpageflags needs root");
                    v = p.present() && p.flag(PageObs.KPF_ZERO_PAGE);
            }
            return Outcome.of(v != st.negated(), Printer.check(c), describe(p));
        }
        if (c instanceof Check.Pte pt) {
            for (Check.Flag<Check.PteFlag> f : pt.flags()) {
                boolean v;
                switch (f.flag()) {
                    case PRESENT: v = p.present(); break;
                    case UFFD_WP: v = p.bit(PageObs.UFFD_WP); break;
                    case SOFT_DIRTY:
                        if (!hello.softDirty()) return Outcome.unobservable("this kernel is built without CONFIG_MEM_SOFT_DIRTY");
                        v = p.bit(PageObs.SOFT_DIRTY);
                        break;
                    default:
                        return Outcome.unobservable("the PTE's " + f.flag().word() + " bit is not reported by pagemap");
                }
                if (v == f.negated()) return Outcome.of(false, (f.negated() ? "!" : "") + f.flag().word(), describe(p));
            }
            return Outcome.of(true, Printer.check(c), describe(p));
        }
        if (c instanceof Check.Pagemap pm) {
            for (Check.Flag<Check.PagemapBit> f : pm.bits()) {
                long mask;
                switch (f.flag()) {
                    case PRESENT: mask = PageObs.PRESENT; break;
                    case SWAPPED: mask = PageObs.SWAPPED; break;
                    case FILE: mask = PageObs.FILE; break;
                    case UFFD_WP: mask = PageObs.UFFD_WP; break;
                    case EXCLUSIVE: mask = PageObs.EXCLUSIVE; break;
                    default: mask = PageObs.SOFT_DIRTY;
                }
                if (f.flag() == Check.PagemapBit.SOFT_DIRTY && !hello.softDirty()) {
                    return Outcome.unobservable("this kernel is built without CONFIG_MEM_SOFT_DIRTY (bit 55 is always 0)");
                }
                if (p.bit(mask) == f.negated()) return Outcome.of(false, (f.negated() ? "!" : "") + f.flag().word(), describe(p));
            }
            return Outcome.of(true, Printer.check(c), describe(p));
        }
        Check.Page pg = (Check.Page) c;
        for (Check.PageProp prop : pg.props()) {
            if (prop instanceof Check.PageFlagItem f) {
                int kpf;
                switch (f.flag()) {
                    case ANON: kpf = PageObs.KPF_ANON; break;
                    case KSM: kpf = PageObs.KPF_KSM; break;
                    case SWAPCACHE: kpf = PageObs.KPF_SWAPCACHE; break;
                    case LRU: kpf = PageObs.KPF_LRU; break;
                    case LOCKED: kpf = PageObs.KPF_LOCKED; break;
                    case THP: kpf = PageObs.KPF_THP; break;
                    case HUGETLB: kpf = PageObs.KPF_HUGE; break;
                    case ZERO: kpf = PageObs.KPF_ZERO_PAGE; break;
                    default: return Outcome.unobservable("PG_anon_exclusive is not exported by /proc/kpageflags");
                }
                if (!p.present()) {
                    if (!f.negated()) return Outcome.of(false, f.flag().word(), "no page mapped");
                    continue;
                }
                if (!p.flagsKnown()) return Outcome.unobservable("/proc/kpageflags needs root");
                if (p.flag(kpf) == f.negated()) return Outcome.of(false, (f.negated() ? "!" : "") + f.flag().word(), describe(p));
            } else {
                Check.PageCountItem n = (Check.PageCountItem) prop;
                if (n.count() != Check.PageCount.MAPCOUNT) return Outcome.unobservable(n.count().word() + " is not visible from user space");
                if (!p.present()) return Outcome.of(false, "mapcount " + n.cmp().word() + " " + n.value(), "no page mapped");
                if (p.kpagecount() < 0) return Outcome.unobservable("/proc/kpagecount needs root");
                if (!n.cmp().test(p.kpagecount(), n.value())) {
                    return Outcome.of(false, "mapcount " + n.cmp().word() + " " + n.value(), "mapcount = " + p.kpagecount());
                }
            }
        }
        return Outcome.of(true, Printer.check(c), describe(p));
    }

    static String describe(PageObs p) {
        StringBuilder sb = new StringBuilder();
        if (p.present()) {
            sb.append("present");
            if (p.frame() != 0) sb.append(" pfn ").append(p.frame());
        } else if (p.swapped()) {
            sb.append("swapped (entry ").append(p.frame()).append(')');
        } else {
            sb.append(p.vma() == '-' ? "no VMA" : "not present");
        }
        if (p.bit(PageObs.EXCLUSIVE)) sb.append(", exclusive");
        if (p.bit(PageObs.FILE)) sb.append(", file");
        if (p.bit(PageObs.SOFT_DIRTY)) sb.append(", soft_dirty");
        if (p.bit(PageObs.UFFD_WP)) sb.append(", uffd_wp");
        if (p.kpagecount() >= 0) sb.append(", mapcount ").append(p.kpagecount());
        if (p.flagsKnown()) {
            String[] names = {"anon", "ksm", "thp", "hugetlb", "zero", "swapcache", "lru"};
            int[] bits = {PageObs.KPF_ANON, PageObs.KPF_KSM, PageObs.KPF_THP, PageObs.KPF_HUGE, PageObs.KPF_ZERO_PAGE, PageObs.KPF_SWAPCACHE, PageObs.KPF_LRU};
            for (int i = 0; i < bits.length; i++) if (p.flag(bits[i])) sb.append(", ").append(names[i]);
        }
        return sb.toString();
    }
}
