package io.cowscope.scenario;

import java.util.List;

import io.cowscope.engine.op.GlobalOp;
import io.cowscope.engine.op.Hook;
import io.cowscope.engine.op.Op;
import io.cowscope.engine.op.ProcOp;
import io.cowscope.engine.op.ProcessOp;
import io.cowscope.engine.op.Prot;
import io.cowscope.engine.op.Spawn;
import io.cowscope.engine.op.Target;

/**
 * The canonical form: header first in the spec's order, one space between words, keywords in the
 * spec's order, defaults (anon, rw, ksmd 1, private for anonymous memory) left out, sizes as page counts except whole
 * multiples of 2M (printed 2M, 4M …) and of 1G. Comments and single blank lines are kept with the
 * statement they precede. {@code ScenarioLanguage.check(print(x)).scenario().equals(x)}.
 */
public final class Printer {

    private Printer() {
    }

    public static String print(Scenario s) {
        return print(s, true);
    }

    public static String print(Scenario s, boolean comments) {
        StringBuilder sb = new StringBuilder();
        for (HeaderLine h : s.headerLines()) emit(sb, header(h.item()), h.trivia(), comments, sb.length() == 0);
        boolean first = true;
        for (Statement st : s.statements()) {
            if (first && !s.headerLines().isEmpty() && (!comments || st.trivia().leading().isEmpty() || !st.trivia().leading().get(0).isEmpty())) {
                sb.append('\n');
            }
            emit(sb, node(st.node()), st.trivia(), comments, sb.length() == 0);
            first = false;
        }
        if (comments) {
            for (String c : s.endComments()) sb.append(c.isEmpty() ? "" : "#" + c).append('\n');
        }
        return sb.toString();
    }

    private static void emit(StringBuilder sb, String text, Trivia t, boolean comments, boolean atStart) {
        if (comments) {
            for (String c : t.leading()) {
                if (c.isEmpty() && (atStart || sb.length() >= 2 && sb.charAt(sb.length() - 2) == '\n')) continue;
                sb.append(c.isEmpty() ? "" : "#" + c).append('\n');
                atStart = false;
            }
        }
        sb.append(text);
        if (comments && t.trailing() != null) sb.append("  #").append(t.trailing());
        sb.append('\n');
    }

    public static String header(HeaderItem i) {
        if (i instanceof HeaderItem.Title t) return "title " + quote(t.text());
        if (i instanceof HeaderItem.Description d) return "description " + quote(d.text());
        if (i instanceof HeaderItem.Kernel k) return "kernel " + k.version();
        if (i instanceof HeaderItem.Cpus c) return "cpus " + c.count();
        if (i instanceof HeaderItem.Thp t) return "thp " + t.mode().word();
        if (i instanceof HeaderItem.Mthp t) return "mthp " + (t.kb() >= 1024 ? t.kb() / 1024 + "M" : t.kb() + "K") + " " + t.mode().word();
        if (i instanceof HeaderItem.Swap s) return "swap " + (s.on() ? "on" : "off");
        if (i instanceof HeaderItem.SoftDirty s) return "soft_dirty " + (s.on() ? "on" : "off");
        if (i instanceof HeaderItem.FaultAroundBytes b) return "fault_around_bytes " + b.bytes();
        HeaderItem.FileDecl f = (HeaderItem.FileDecl) i;
        return "file " + f.name() + " " + size(f.pages()) + " " + quote(f.content());
    }

    public static String node(Statement.Node n) {
        if (n instanceof Statement.Operation o) return op(o.op());
        if (n instanceof Statement.Say s) return "say " + quote(s.text());
        if (n instanceof Statement.Ask a) return ask(a);
        return expect((Statement.Expect) n);
    }

    /** {@code ask ["prompt"] QUESTION [choices C, …]} */
    public static String ask(Statement.Ask a) {
        StringBuilder sb = new StringBuilder("ask");
        if (a.prompt() != null) sb.append(' ').append(quote(a.prompt()));
        sb.append(' ').append(question(a.question()));
        if (!a.choices().isEmpty()) {
            sb.append(" choices ");
            boolean number = a.question().form() == Question.Form.NUMBER;
            for (int k = 0; k < a.choices().size(); k++) {
                if (k > 0) sb.append(", ");
                sb.append(number ? a.choices().get(k) : quote(a.choices().get(k)));
            }
        }
        return sb.toString();
    }

    public static String question(Question q) {
        if (q instanceof Question.Decision) return "decision";
        if (q instanceof Question.Fault) return "fault";
        if (q instanceof Question.Hazard) return "hazard";
        if (q instanceof Question.Last) return "last";
        String p = page(q.page());
        if (q instanceof Question.Count c) return p + " page " + c.count().word();
        if (q instanceof Question.Content) return p + " content";
        if (q instanceof Question.Pte x) return p + " pte " + x.flag().word();
        if (q instanceof Question.PageFlag x) return p + " page " + x.flag().word();
        if (q instanceof Question.Pagemap x) return p + " pagemap " + x.bit().word();
        return p + " shares " + page(((Question.Shares) q).other());
    }

    public static String op(Op op) {
        if (op instanceof Spawn s) return "process " + s.name();
        if (op instanceof ProcessOp p) return p.proc() + ": " + procOp(p.op());
        if (op instanceof Hook h) return "on " + h.point().word + ": " + h.proc() + ": " + procOp(h.op());
        GlobalOp g = (GlobalOp) op;
        if (g instanceof GlobalOp.DmaWrite d) return "dma " + d.handle() + " write " + quote(d.text());
        if (g instanceof GlobalOp.DmaRead d) return "dma " + d.handle() + " read";
        if (g instanceof GlobalOp.Complete c) return "complete " + c.handle() + " " + quote(c.text());
        if (g instanceof GlobalOp.Ksmd k) return k.scans() == 1 ? "ksmd" : "ksmd " + k.scans();
        if (g instanceof GlobalOp.LruDrain l) return l.cpu() == null ? "lru_drain" : "lru_drain cpu " + l.cpu();
        return "reclaim";
    }

    public static String procOp(ProcOp o) {
        if (o instanceof ProcOp.Mmap m) {
            StringBuilder sb = new StringBuilder(m.var()).append(" = mmap ").append(size(m.pages()));
            if (m.file() != null) sb.append(" file ").append(m.file());
            // a file mapping always says private or shared: that is the point of most file scenarios
            if (m.shared()) sb.append(" shared");
            else if (m.file() != null) sb.append(" private");
            if (m.prot() != Prot.RW) sb.append(' ').append(m.prot().word);
            if (m.hugepage()) sb.append(" hugepage");
            if (m.hugetlb()) sb.append(" hugetlb");
            if (m.populate()) sb.append(" populate");
            return sb.toString();
        }
        if (o instanceof ProcOp.Munmap x) return "munmap " + target(x.target());
        if (o instanceof ProcOp.Mprotect x) return "mprotect " + target(x.target()) + " " + x.prot().word;
        if (o instanceof ProcOp.Madvise x) return "madvise " + target(x.target()) + " " + x.advice().word;
        if (o instanceof ProcOp.Write x) return "write " + target(x.target()) + " " + quote(x.text());
        if (o instanceof ProcOp.Read x) return "read " + target(x.target());
        if (o instanceof ProcOp.ReadPipe x) return "read " + x.pipe();
        if (o instanceof ProcOp.Fork x) return "fork " + x.child();
        if (o instanceof ProcOp.Exit) return "exit";
        if (o instanceof ProcOp.ClearRefs) return "clear_refs";
        if (o instanceof ProcOp.Vmsplice x) return "vmsplice " + target(x.target()) + " into " + x.pipe();
        if (o instanceof ProcOp.Pin x) {
            return "pin " + target(x.target()) + (x.write() ? " rw" : "") + (x.longterm() ? " longterm" : "")
                    + (x.fast() ? " fast" : "") + " as " + x.handle();
        }
        if (o instanceof ProcOp.Get x) {
            return "get " + target(x.target()) + (x.write() ? " rw" : "") + (x.force() ? " force" : "") + " as " + x.handle();
        }
        if (o instanceof ProcOp.Unpin x) return "unpin " + x.handle();
        if (o instanceof ProcOp.Put x) return "put " + x.handle();
        if (o instanceof ProcOp.IoUringRegister x) return "io_uring_register " + target(x.target()) + " as " + x.handle();
        if (o instanceof ProcOp.RdmaRegister x) return "rdma_register " + target(x.target()) + " as " + x.handle();
        if (o instanceof ProcOp.OdirectRead x) return "odirect_read " + target(x.target()) + " as " + x.handle();
        if (o instanceof ProcOp.Poke x) return "poke " + x.proc() + " " + target(x.target()) + " " + quote(x.text());
        if (o instanceof ProcOp.UffdRegister x) return "uffd_register " + target(x.target());
        if (o instanceof ProcOp.UffdWp x) return "uffd_wp " + target(x.target()) + (x.on() ? " on" : " off");
        return "cpu " + ((ProcOp.Cpu) o).cpu();
    }

    public static String target(Target t) {
        if (t.isWhole()) return t.var();
        if (t.first().equals(t.last())) return t.var() + "[" + t.first() + "]";
        return t.var() + "[" + t.first() + ".." + t.last() + "]";
    }

    public static String size(int pages) {
        if (pages % 262144 == 0) return pages / 262144 + "G";
        if (pages % 512 == 0) return pages / 256 + "M";
        return Integer.toString(pages);
    }

    public static String expect(Statement.Expect e) {
        StringBuilder sb = new StringBuilder("expect");
        if (e.range() != null) sb.append('[').append(e.range()).append(']');
        sb.append(' ').append(subject(e.subject()));
        boolean first = true;
        for (Check c : e.checks()) {
            sb.append(first ? " " : ", ").append(check(c));
            first = false;
        }
        return sb.toString();
    }

    public static String subject(Subject s) {
        if (s instanceof Subject.Page p) return page(p);
        if (s instanceof Subject.Handle h) return h.name();
        if (s instanceof Subject.Pipe p) return p.name();
        if (s instanceof Subject.Process p) return p.name();
        if (s instanceof Subject.File f) return "file " + f.name() + "[" + f.index() + "]";
        if (s instanceof Subject.Last) return "last";
        if (s instanceof Subject.Stats) return "stats";
        return "hazard";
    }

    private static String page(Subject.Page p) {
        return p.proc() + "." + p.var() + (p.index() == null ? "" : "[" + p.index() + "]");
    }

    public static String check(Check c) {
        if (c instanceof Check.Content x) return (x.equal() ? "== " : "!= ") + quote(x.text());
        if (c instanceof Check.Shares x) return bang(x.negated()) + "shares " + page(x.other());
        if (c instanceof Check.State x) return bang(x.negated()) + x.state().word();
        if (c instanceof Check.Pte x) return "pte " + flags(x.flags());
        if (c instanceof Check.Pagemap x) return "pagemap " + flags(x.bits());
        if (c instanceof Check.Page x) {
            StringBuilder sb = new StringBuilder("page ");
            boolean first = true;
            for (Check.PageProp p : x.props()) {
                if (!first) sb.append(", ");
                first = false;
                if (p instanceof Check.PageFlagItem f) sb.append(bang(f.negated())).append(f.flag().word());
                else {
                    Check.PageCountItem n = (Check.PageCountItem) p;
                    sb.append(n.count().word()).append(' ').append(n.cmp().word()).append(' ').append(n.value());
                }
            }
            return sb.toString();
        }
        if (c instanceof Check.Coherent x) return bang(x.negated()) + "coherent";
        if (c instanceof Check.Proc x) return bang(x.negated()) + x.state().word();
        if (c instanceof Check.EventCheck x) return bang(x.negated()) + x.event().word();
        if (c instanceof Check.Errno x) return x.name() == null ? bang(x.negated()) + "errno" : "errno " + (x.negated() ? "!=" : "==") + " " + x.name();
        if (c instanceof Check.Stat x) return x.counter().word() + " " + x.cmp().word() + " " + x.value();
        if (c instanceof Check.Hazard x) return bang(x.negated()) + x.hazard().word();
        return "none";
    }

    private static <E extends Enum<E> & Check.Word> String flags(List<Check.Flag<E>> flags) {
        StringBuilder sb = new StringBuilder();
        for (Check.Flag<E> f : flags) {
            if (sb.length() > 0) sb.append(", ");
            sb.append(bang(f.negated())).append(f.flag().word());
        }
        return sb.toString();
    }

    private static String bang(boolean neg) {
        return neg ? "!" : "";
    }

    public static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\t': sb.append("\\t"); break;
                default: sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
