package io.cowscope.scenario;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cowscope.engine.KernelVersion;
import io.cowscope.engine.op.GlobalOp;
import io.cowscope.engine.op.Hook;
import io.cowscope.engine.op.Op;
import io.cowscope.engine.op.ProcOp;
import io.cowscope.engine.op.ProcessOp;
import io.cowscope.engine.op.Spawn;
import io.cowscope.engine.op.Target;

/**
 * The static rules R1-R9 and limits R8 over the syntax tree, walking the statements in order with a
 * table of what is declared, alive and released at each point. Continues after an error (every line
 * is checked); names declared on lines that failed to parse are not reported as unknown.
 */
final class Validator {

    enum Kind {
        PROCESS("process"), PIPE("pipe"), HANDLE("handle"), FILE("file");

        final String word;

        Kind(String w) {
            word = w;
        }
    }

    enum HandleKind { PIN, GET, ODIRECT }

    private static final class Proc {
        final String name;
        boolean alive = true;
        int exitLine;
        final Map<String, Mapping> maps = new LinkedHashMap<>();
        /** R9 (static part): pages armed by this process's uffd_wp on; the page a write blocked on */
        final Map<String, Set<Integer>> armed = new HashMap<>();
        String blockedVar;
        int blockedPage = -1, blockedLine;

        Proc(String name) {
            this.name = name;
        }
    }

    private static final class Mapping {
        final int pages;
        final int line;
        boolean live = true;

        Mapping(int pages, int line) {
            this.pages = pages;
            this.line = line;
        }
    }

    private record Handle(HandleKind kind, String owner, int line) {}

    private final Diagnostics diags;
    private final Limits limits;
    private final Set<String> looseNames;

    private final Map<String, Kind> names = new HashMap<>();
    private final Map<String, Integer> declaredAt = new HashMap<>();
    private final Map<String, Proc> procs = new LinkedHashMap<>();
    private final Map<String, Handle> handles = new HashMap<>();
    private final Map<String, Integer> released = new HashMap<>();
    private final Map<String, Integer> files = new HashMap<>();
    private int processCount, handleAndPipeCount;
    private long livePages;
    private int cpus;
    private boolean uffdWpExists;

    private List<io.cowscope.scenario.Token> toks;
    private Statement stmt;

    Validator(Diagnostics diags, Limits limits, Set<String> looseNames) {
        this.diags = diags;
        this.limits = limits;
        this.looseNames = looseNames;
    }

    void validate(Scenario s, List<List<io.cowscope.scenario.Token>> tokens) {
        Header h = s.header();
        cpus = h.cpus();
        uffdWpExists = h.kernelVersion().atLeast(new KernelVersion(5, 7));
        for (HeaderLine hl : s.headerLines()) {
            if (hl.item() instanceof HeaderItem.FileDecl f) {
                names.putIfAbsent(f.name(), Kind.FILE);
                declaredAt.putIfAbsent(f.name(), hl.trivia().line());
                files.putIfAbsent(f.name(), f.pages());
            }
        }
        List<Statement> st = s.statements();
        for (int k = 0; k < st.size() && !diags.full(); k++) {
            stmt = st.get(k);
            toks = tokens == null || k >= tokens.size() ? List.of() : tokens.get(k);
            Statement.Node n = stmt.node();
            if (n instanceof Statement.Operation o) {
                op(o.op());
                asksAfterStep();
            } else if (n instanceof Statement.Expect e) {
                expect(e);
            } else if (n instanceof Statement.Ask) {
                pendingAsks.add(new PendingAsk(stmt, toks));
            }
        }
        for (PendingAsk a : pendingAsks) {
            stmt = a.stmt;
            toks = a.toks;
            err(Code.ASK_NO_STEP, "a question needs a step after it: 'ask' is answered by the next operation", "ask");
        }
    }

    private record PendingAsk(Statement stmt, List<io.cowscope.scenario.Token> toks) {}

    private final List<PendingAsk> pendingAsks = new ArrayList<>();

    /** An ask is about the state after its step: its names are checked once the step is (a fork declares the child). */
    private void asksAfterStep() {
        if (pendingAsks.isEmpty()) return;
        Statement op = stmt;
        List<io.cowscope.scenario.Token> opToks = toks;
        for (PendingAsk a : pendingAsks) {
            stmt = a.stmt;
            toks = a.toks;
            Question q = ((Statement.Ask) a.stmt.node()).question();
            if (q.page() != null) askPage(q.page());
            if (q instanceof Question.Shares sh) askPage(sh.other());
        }
        pendingAsks.clear();
        stmt = op;
        toks = opToks;
    }

    private void askPage(Subject.Page pg) {
        Proc p = process(pg.proc());
        if (p == null) return;
        Mapping mp = mapping(p, pg.var());
        if (mp == null) return;
        if (pg.index() == null && mp.pages > 1) {
            err(Code.ASK_ONE_PAGE, "a question is about one page: '" + pg.var() + "' has " + mp.pages + " pages, write "
                    + pg.proc() + "." + pg.var() + "[i]", pg.var());
        } else if (pg.index() != null && pg.index() >= mp.pages) {
            err(Code.INDEX_OUT_OF_RANGE, "page index " + pg.index() + " is outside the mapping '" + pg.var() + "' of " + mp.pages + " page"
                    + (mp.pages == 1 ? "" : "s") + " (indexes 0.." + (mp.pages - 1) + ")", String.valueOf(pg.index()));
        }
    }

    // ---------------------------------------------------------------- operations

    private void op(Op op) {
        if (op instanceof Spawn sp) {
            if (declare(sp.name(), Kind.PROCESS)) {
                if (++processCount > limits.maxProcesses()) {
                    err(Code.LIMIT_PROCESSES, "too many processes: at most " + limits.maxProcesses() + " per scenario", sp.name());
                }
                procs.put(sp.name(), new Proc(sp.name()));
            }
        } else if (op instanceof ProcessOp po) {
            Proc p = runner(po.proc());
            if (p == null) return;
            checkBlocked(p, po.op());
            procOp(p, po.op());
        } else if (op instanceof Hook hk) {
            Proc p = runner(hk.proc());
            if (p == null) return;
            ProcOp o = hk.op();
            String why = hookForbidden(o);
            if (why == null && o instanceof ProcOp.Vmsplice v && !names.containsKey(v.pipe())) why = "it creates the pipe '" + v.pipe() + "'";
            if (why != null) {
                err(Code.HOOK_RESTRICTION, "a hook cannot run '" + opWord(o) + "': " + why
                        + " (when a hook runs is not known before the run)", opWord(o));
                return;
            }
            procOp(p, o);
        } else if (op instanceof GlobalOp g) {
            globalOp(g);
        }
    }

    private static String hookForbidden(ProcOp o) {
        if (o instanceof ProcOp.Mmap || o instanceof ProcOp.Fork || o instanceof ProcOp.Pin || o instanceof ProcOp.Get
                || o instanceof ProcOp.IoUringRegister || o instanceof ProcOp.RdmaRegister || o instanceof ProcOp.OdirectRead) {
            return "it declares a name";
        }
        if (o instanceof ProcOp.Exit || o instanceof ProcOp.Unpin || o instanceof ProcOp.Put) return "it releases names";
        return null;
    }

    /** The process running a statement: declared, a process, alive (R3). */
    private Proc runner(String name) {
        Proc p = process(name);
        if (p != null && !p.alive) {
            err(Code.EXITED_PROCESS, "process '" + name + "' exited at line " + p.exitLine + " and runs no operation", name);
            return null;
        }
        return p;
    }

    private Proc process(String name) {
        Kind k = names.get(name);
        if (k == Kind.PROCESS) return procs.get(name);
        if (k != null) {
            err(Code.WRONG_KIND, "'" + name + "' is a " + k.word + " (line " + declaredAt.get(name) + "), not a process", name);
        } else {
            unknown(name, "process", Kind.PROCESS);
        }
        return null;
    }

    private void procOp(Proc p, ProcOp o) {
        if (o instanceof ProcOp.Mmap m) {
            if (p.maps.containsKey(m.var())) {
                Mapping old = p.maps.get(m.var());
                err(Code.REDECLARED, "process '" + p.name + "' already has a mapping '" + m.var() + "' (line " + old.line
                        + (old.live ? "" : ", unmapped since") + "); choose another name", m.var());
                return;
            }
            if (names.containsKey(m.var())) {
                err(Code.REDECLARED, "'" + m.var() + "' is already a " + names.get(m.var()).word + " (line " + declaredAt.get(m.var())
                        + "); a mapping needs its own name", m.var());
                return;
            }
            if (m.file() != null) {
                Kind k = names.get(m.file());
                if (k != Kind.FILE) {
                    if (k == null) unknown(m.file(), "file", Kind.FILE);
                    else err(Code.WRONG_KIND, "'" + m.file() + "' is a " + k.word + ", not a file", m.file());
                }
            }
            p.maps.put(m.var(), new Mapping(m.pages(), stmt.line()));
            addPages(m.pages());
        } else if (o instanceof ProcOp.Munmap u) {
            Mapping mp = target(p, u.target());
            if (mp != null && u.target().isWhole() && mp.live) {
                mp.live = false;
                livePages -= mp.pages;
            }
        } else if (o instanceof ProcOp.Mprotect x) {
            target(p, x.target());
        } else if (o instanceof ProcOp.Madvise x) {
            target(p, x.target());
        } else if (o instanceof ProcOp.Write x) {
            Mapping mp = target(p, x.target());
            if (mp != null && uffdWpExists) {
                Set<Integer> armed = p.armed.getOrDefault(x.target().var(), Set.of());
                int first = x.target().isWhole() ? 0 : x.target().first();
                int last = x.target().isWhole() ? mp.pages - 1 : x.target().last();
                for (int i = first; i <= last; i++) {
                    if (armed.contains(i)) {
                        p.blockedVar = x.target().var();
                        p.blockedPage = i;
                        p.blockedLine = stmt.line();
                        break;
                    }
                }
            }
        } else if (o instanceof ProcOp.Read x) {
            target(p, x.target());
        } else if (o instanceof ProcOp.ReadPipe x) {
            use(x.pipe(), Kind.PIPE);
        } else if (o instanceof ProcOp.Fork f) {
            if (declare(f.child(), Kind.PROCESS)) {
                if (++processCount > limits.maxProcesses()) {
                    err(Code.LIMIT_PROCESSES, "too many processes: at most " + limits.maxProcesses() + " per scenario", f.child());
                }
                Proc c = new Proc(f.child());
                long pages = 0;
                for (Map.Entry<String, Mapping> e : p.maps.entrySet()) {
                    Mapping copy = new Mapping(e.getValue().pages, e.getValue().line);
                    copy.live = e.getValue().live;
                    if (copy.live) pages += copy.pages;
                    c.maps.put(e.getKey(), copy);
                }
                procs.put(f.child(), c);
                addPages(pages);
            }
        } else if (o instanceof ProcOp.Exit) {
            p.alive = false;
            p.exitLine = stmt.line();
            for (Mapping mp : p.maps.values()) if (mp.live) livePages -= mp.pages;
            for (Map.Entry<String, Handle> e : handles.entrySet()) {
                if (e.getValue().owner.equals(p.name)) released.putIfAbsent(e.getKey(), stmt.line());
            }
        } else if (o instanceof ProcOp.Vmsplice v) {
            target(p, v.target());
            Kind k = names.get(v.pipe());
            if (k == null) declare(v.pipe(), Kind.PIPE);
            else if (k != Kind.PIPE) err(Code.WRONG_KIND, "'" + v.pipe() + "' is a " + k.word + " (line " + declaredAt.get(v.pipe()) + "), not a pipe", v.pipe());
        } else if (o instanceof ProcOp.Pin x) {
            target(p, x.target());
            newHandle(x.handle(), HandleKind.PIN, p);
        } else if (o instanceof ProcOp.Get x) {
            target(p, x.target());
            newHandle(x.handle(), HandleKind.GET, p);
        } else if (o instanceof ProcOp.IoUringRegister x) {
            target(p, x.target());
            newHandle(x.handle(), HandleKind.PIN, p);
        } else if (o instanceof ProcOp.RdmaRegister x) {
            target(p, x.target());
            newHandle(x.handle(), HandleKind.PIN, p);
        } else if (o instanceof ProcOp.OdirectRead x) {
            target(p, x.target());
            newHandle(x.handle(), HandleKind.ODIRECT, p);
        } else if (o instanceof ProcOp.Unpin x) {
            release(x.handle(), HandleKind.PIN, "unpin");
        } else if (o instanceof ProcOp.Put x) {
            release(x.handle(), HandleKind.GET, "put");
        } else if (o instanceof ProcOp.Poke x) {
            Proc q = process(x.proc());
            if (q == null) return;
            if (!q.alive) {
                err(Code.EXITED_PROCESS, "process '" + q.name + "' exited at line " + q.exitLine + ": its memory cannot be poked", x.proc());
                return;
            }
            target(q, x.target());
        } else if (o instanceof ProcOp.UffdRegister x) {
            target(p, x.target());
        } else if (o instanceof ProcOp.UffdWp x) {
            Mapping mp = target(p, x.target());
            if (mp != null) {
                Set<Integer> armed = p.armed.computeIfAbsent(x.target().var(), v -> new HashSet<>());
                int first = x.target().isWhole() ? 0 : x.target().first();
                int last = x.target().isWhole() ? mp.pages - 1 : Math.min(x.target().last(), mp.pages - 1);
                for (int i = first; i <= last && i - first < 4096; i++) {
                    if (x.on()) armed.add(i);
                    else armed.remove(i);
                }
            }
        } else if (o instanceof ProcOp.Cpu x) {
            if (x.cpu() >= cpus) {
                err(Code.OUT_OF_RANGE, "cpu " + x.cpu() + " does not exist: the header gives " + cpus + " CPU" + (cpus == 1 ? "" : "s")
                        + " (0.." + (cpus - 1) + "); raise 'cpus' in the header", String.valueOf(x.cpu()));
            }
        }
    }

    /** R9 where visible: a write that hit a page this process armed with uffd_wp blocks it until uffd_wp … off. */
    private void checkBlocked(Proc p, ProcOp o) {
        if (p.blockedVar == null) return;
        String var = p.blockedVar;
        int page = p.blockedPage;
        p.blockedVar = null;
        if (o instanceof ProcOp.UffdWp w && !w.on() && w.target().var().equals(var)
                && (w.target().isWhole() || (w.target().first() <= page && page <= w.target().last()))) {
            return;
        }
        err(Code.BLOCKED_PROCESS, "process '" + p.name + "' is blocked: its write at line " + p.blockedLine + " hit the uffd-wp page "
                + var + "[" + page + "], so its next statement must be 'uffd_wp " + var + "[" + page + "] off'", p.name);
    }

    private void globalOp(GlobalOp g) {
        if (g instanceof GlobalOp.DmaWrite d) {
            dmaHandle(d.handle());
        } else if (g instanceof GlobalOp.DmaRead d) {
            dmaHandle(d.handle());
        } else if (g instanceof GlobalOp.Complete c) {
            release(c.handle(), HandleKind.ODIRECT, "complete");
        } else if (g instanceof GlobalOp.LruDrain l && l.cpu() != null && l.cpu() >= cpus) {
            err(Code.OUT_OF_RANGE, "cpu " + l.cpu() + " does not exist: the header gives " + cpus + " CPU" + (cpus == 1 ? "" : "s")
                    + " (0.." + (cpus - 1) + ")", String.valueOf(l.cpu()));
        }
    }

    private void dmaHandle(String h) {
        Handle hd = liveHandle(h);
        if (hd != null && hd.kind == HandleKind.ODIRECT) {
            err(Code.WRONG_KIND, "'" + h + "' is an O_DIRECT handle: the device writes it with 'complete " + h + " \"…\"'", h);
        }
    }

    private void newHandle(String name, HandleKind kind, Proc owner) {
        if (!declare(name, Kind.HANDLE)) return;
        handles.put(name, new Handle(kind, owner.name, stmt.line()));
        if (++handleAndPipeCount > limits.maxHandlesAndPipes()) {
            err(Code.LIMIT_HANDLES, "too many handles and pipes: at most " + limits.maxHandlesAndPipes() + " per scenario", name);
        }
    }

    private void release(String name, HandleKind kind, String how) {
        Handle h = liveHandle(name);
        if (h == null) return;
        if (h.kind != kind) {
            String right = h.kind == HandleKind.PIN ? "unpin" : h.kind == HandleKind.GET ? "put" : "complete";
            err(Code.WRONG_KIND, "'" + name + "' is " + (h.kind == HandleKind.PIN ? "a pin handle" : h.kind == HandleKind.GET ? "a get handle" : "an O_DIRECT handle")
                    + ": release it with '" + right + "', not '" + how + "'", name);
            return;
        }
        released.put(name, stmt.line());
    }

    private Handle liveHandle(String name) {
        if (!use(name, Kind.HANDLE)) return null;
        Integer rel = released.get(name);
        if (rel != null) {
            err(Code.RELEASED_HANDLE, "handle '" + name + "' was released at line " + rel + " and cannot be used again", name);
            return null;
        }
        return handles.get(name);
    }

    private boolean use(String name, Kind kind) {
        Kind k = names.get(name);
        if (k == kind) return true;
        if (k == null) unknown(name, kind.word, kind);
        else err(Code.WRONG_KIND, "'" + name + "' is a " + k.word + " (line " + declaredAt.get(name) + "), not a " + kind.word, name);
        return false;
    }

    private boolean declare(String name, Kind kind) {
        Kind k = names.get(name);
        if (k != null) {
            err(Code.REDECLARED, "'" + name + "' is already declared as a " + k.word + " at line " + declaredAt.get(name)
                    + "; a name is declared once", name);
            return false;
        }
        for (Proc p : procs.values()) {
            if (p.maps.containsKey(name)) {
                err(Code.REDECLARED, "'" + name + "' is already a mapping of process '" + p.name + "'; a " + kind.word + " needs its own name", name);
                return false;
            }
        }
        if (kind == Kind.PIPE && ++handleAndPipeCount > limits.maxHandlesAndPipes()) {
            err(Code.LIMIT_HANDLES, "too many handles and pipes: at most " + limits.maxHandlesAndPipes() + " per scenario", name);
        }
        names.put(name, kind);
        declaredAt.put(name, stmt.line());
        return true;
    }

    private void addPages(long pages) {
        livePages += pages;
        if (livePages > limits.maxPages()) {
            err(Code.LIMIT_PAGES, "too many pages mapped: " + livePages + " pages exceed the limit of " + limits.maxPages()
                    + " pages mapped at once over all processes", null);
            livePages -= pages;
        }
    }

    /** R2: the mapping exists in that process and the indexes lie inside it. */
    private Mapping target(Proc p, Target t) {
        Mapping mp = mapping(p, t.var());
        if (mp == null || t.isWhole()) return mp;
        if (t.last() >= mp.pages) {
            int bad = t.first() >= mp.pages ? t.first() : t.last();
            err(Code.INDEX_OUT_OF_RANGE, "page index " + bad + " is outside the mapping '" + t.var() + "' of " + mp.pages + " page"
                    + (mp.pages == 1 ? "" : "s") + " (indexes 0.." + (mp.pages - 1) + ")", String.valueOf(bad));
            return null;
        }
        return mp;
    }

    private Mapping mapping(Proc p, String var) {
        Mapping mp = p.maps.get(var);
        if (mp != null) return mp;
        if (looseNames.contains(var)) return null;
        String hint = Suggest.hint(var, p.maps.keySet());
        if (hint.isEmpty()) {
            for (Proc q : procs.values()) {
                if (q.maps.containsKey(var)) {
                    hint = "; '" + var + "' is a mapping of process '" + q.name + "'";
                    break;
                }
            }
        }
        if (hint.isEmpty() && names.get(var) == Kind.PIPE) hint = "; '" + var + "' is a pipe";
        err(Code.UNKNOWN_NAME, "process '" + p.name + "' has no mapping '" + var + "'" + hint, var);
        return null;
    }

    private void unknown(String name, String what, Kind kind) {
        if (looseNames.contains(name)) return;
        List<String> same = new ArrayList<>();
        for (Map.Entry<String, Kind> e : names.entrySet()) if (e.getValue() == kind) same.add(e.getKey());
        same.sort(null);
        String hint = Suggest.hint(name, same);
        if (hint.isEmpty()) {
            for (Proc p : procs.values()) {
                if (p.maps.containsKey(name)) {
                    hint = "; '" + name + "' is a mapping: write " + p.name + "." + name + " in an expectation";
                    break;
                }
            }
        }
        if (hint.isEmpty() && kind == Kind.PROCESS && procs.isEmpty()) hint = "; declare it first with 'process " + name + "'";
        err(Code.UNKNOWN_NAME, "unknown " + what + " '" + name + "'" + hint, name);
    }

    // ---------------------------------------------------------------- expectations

    private void expect(Statement.Expect e) {
        Subject s = e.subject();
        if (s instanceof Subject.Page pg) {
            pageSubject(pg);
        } else if (s instanceof Subject.Handle h) {
            liveHandle(h.name());
        } else if (s instanceof Subject.Pipe p) {
            use(p.name(), Kind.PIPE);
        } else if (s instanceof Subject.Process p) {
            process(p.name());
        } else if (s instanceof Subject.File f) {
            if (use(f.name(), Kind.FILE)) {
                int pages = files.get(f.name());
                if (f.index() >= pages) {
                    err(Code.INDEX_OUT_OF_RANGE, "page index " + f.index() + " is outside file '" + f.name() + "' of " + pages + " page"
                            + (pages == 1 ? "" : "s") + " (indexes 0.." + (pages - 1) + ")", String.valueOf(f.index()));
                }
            }
        }
        for (Check c : e.checks()) {
            if (c instanceof Check.Shares sh) pageSubject(sh.other());
        }
    }

    private void pageSubject(Subject.Page pg) {
        Proc p = process(pg.proc());
        if (p == null) return;
        Mapping mp = mapping(p, pg.var());
        if (mp != null && pg.index() != null && pg.index() >= mp.pages) {
            err(Code.INDEX_OUT_OF_RANGE, "page index " + pg.index() + " is outside the mapping '" + pg.var() + "' of " + mp.pages + " page"
                    + (mp.pages == 1 ? "" : "s") + " (indexes 0.." + (mp.pages - 1) + ")", String.valueOf(pg.index()));
        }
    }

    // ---------------------------------------------------------------- reporting

    private void err(Code code, String message, String word) {
        io.cowscope.scenario.Token t = find(word);
        if (t != null) diags.add(code, message, t);
        else diags.add(code, message, stmt.line(), Math.max(1, stmt.column()), Math.max(1, stmt.source().length()));
    }

    /** The first token of the statement spelling {@code word} (the name or index the error is about). */
    private io.cowscope.scenario.Token find(String word) {
        if (word == null) return null;
        for (io.cowscope.scenario.Token t : toks) if (t.text().equals(word)) return t;
        return null;
    }

    private static String opWord(ProcOp o) {
        String n = o.getClass().getSimpleName();
        switch (n) {
            case "IoUringRegister": return "io_uring_register";
            case "RdmaRegister": return "rdma_register";
            case "OdirectRead": return "odirect_read";
            default: return n.toLowerCase(java.util.Locale.ROOT);
        }
    }
}
