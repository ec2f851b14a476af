package io.cowscope.scenario;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.cowscope.engine.KernelVersion;
import io.cowscope.engine.op.Advice;
import io.cowscope.engine.op.GlobalOp;
import io.cowscope.engine.op.Hook;
import io.cowscope.engine.op.Op;
import io.cowscope.engine.op.ProcOp;
import io.cowscope.engine.op.ProcessOp;
import io.cowscope.engine.op.Prot;
import io.cowscope.engine.op.Spawn;
import io.cowscope.engine.op.Target;
import io.cowscope.scenario.Token.Type;

/**
 * Tokens to the syntax tree: one method per grammar rule (scenario-language.ebnf), one statement per
 * line. An error reports "expected X after Y, found Z" and abandons the line (panic mode), so one pass
 * reports every line's first error. The parser knows which names are pipes, handles and processes so
 * far: "read NAME" and "expect NAME …" are decided by the declared kind of the name (A16, section 9).
 * Local static rules (sizes, versions, cpus, reserved names, repeated header lines) are checked here,
 * where the token's column is at hand; flow rules are the {@link Validator}'s.
 */
final class Parser {

    static final List<String> HEADER_WORDS = List.of("title", "description", "kernel", "cpus", "thp", "mthp", "swap", "soft_dirty",
            "fault_around_bytes", "file");
    static final List<String> BODY_WORDS = List.of("process", "say", "expect", "ask", "on", "dma", "complete", "ksmd", "lru_drain", "reclaim");
    static final Set<String> RESERVED = Set.of("title", "description", "kernel", "cpus", "thp", "swap", "soft_dirty",
            "file", "process", "say", "expect", "on", "dma", "complete", "ksmd", "lru_drain", "reclaim", "last", "stats", "hazard");
    static final List<String> OPERATIONS = List.of("mmap", "munmap", "mprotect", "madvise", "write", "read", "fork", "exit",
            "clear_refs", "vmsplice", "pin", "get", "unpin", "put", "io_uring_register", "rdma_register", "odirect_read",
            "poke", "uffd_register", "uffd_wp", "cpu");
    static final List<String> MMAP_OPTIONS = List.of("anon", "file", "private", "shared", "rw", "ro", "none", "hugepage", "hugetlb", "populate");
    static final List<String> ADVICE = words(Advice.values());
    static final List<String> PROTS = List.of("rw", "ro", "none");

    /** Parse output besides the tree: statement tokens for the validator's columns, names from broken lines. */
    record Result(Scenario scenario, List<List<Token>> statementTokens, Set<String> looseNames) {}

    /** Thrown after a syntax error has been reported: abandon the line. */
    private static final class Abandon extends RuntimeException {
        Abandon() {
            super(null, null, false, false);
        }
    }

    private final List<Line> lines;
    private final Diagnostics diags;
    private final Limits limits;

    private final List<HeaderLine> header = new ArrayList<>();
    private final List<Statement> statements = new ArrayList<>();
    private final List<List<Token>> statementTokens = new ArrayList<>();
    private final Set<String> looseNames = new HashSet<>();
    private final Set<String> pipes = new HashSet<>();
    private final Set<String> handles = new HashSet<>();
    private final Set<String> processes = new HashSet<>();
    private final Set<String> files = new HashSet<>();
    private final Set<Integer> mthpSizes = new HashSet<>();
    private final Set<Class<?>> seenHeader = new HashSet<>();
    private int firstBodyLine = 0;

    private List<Token> toks;
    private int i;
    private Line line;

    Parser(List<Line> lines, Diagnostics diags, Limits limits) {
        this.lines = lines;
        this.diags = diags;
        this.limits = limits;
    }

    Result parse() {
        List<String> pending = new ArrayList<>();
        int count = 0;
        for (Line l : lines) {
            if (diags.full()) break;
            if (l.isBlank()) {
                if (l.comment() != null) pending.add(l.comment());
                else if (!pending.isEmpty() || !header.isEmpty() || !statements.isEmpty()) {
                    if (pending.isEmpty() || !pending.get(pending.size() - 1).isEmpty()) pending.add("");
                }
                continue;
            }
            if (l.tokens().get(l.tokens().size() - 1).is(Type.ERROR)) {
                // the scanner reported this line: parsing it would only add a second, less precise error
                if (!l.text().strip().startsWith("#")) count++;
                pending.clear();
                toks = l.tokens();
                harvestNames();
                continue;
            }
            if (++count > limits.maxStatements()) {
                Token t = l.tokens().get(0);
                diags.add(Code.LIMIT_STATEMENTS, "too many statements: at most " + limits.maxStatements()
                        + " statements per scenario", t.line(), t.column(), l.text().length() - t.column() + 1);
                break;
            }
            line = l;
            toks = l.tokens();
            i = 0;
            Token lastTok = toks.size() >= 2 ? toks.get(toks.size() - 2) : toks.get(0);
            String source = l.text().substring(toks.get(0).column() - 1, Math.min(l.text().length(), lastTok.column() - 1 + lastTok.text().length()));
            Trivia trivia = new Trivia(l.number(), toks.get(0).column(), source, trimBlank(pending), l.comment());
            pending.clear();
            try {
                statement(trivia);
            } catch (Abandon e) {
                harvestNames();
            }
        }
        if (!header.isEmpty()) {
            // the comments above the first header line open the file: they stay on top when the header is sorted
            HeaderLine top = header.get(0);
            header.sort((a, b) -> Integer.compare(a.item().rank(), b.item().rank()));
            if (header.get(0) != top && !top.trivia().leading().isEmpty()) {
                int at = 0;
                for (int k = 0; k < header.size(); k++) if (header.get(k) == top) at = k;
                Trivia t = top.trivia();
                header.set(at, new HeaderLine(top.item(), new Trivia(t.line(), t.column(), t.source(), List.of(), t.trailing())));
                HeaderLine first = header.get(0);
                Trivia f = first.trivia();
                List<String> lead = new ArrayList<>(t.leading());
                lead.addAll(f.leading());
                header.set(0, new HeaderLine(first.item(), new Trivia(f.line(), f.column(), f.source(), lead, f.trailing())));
            }
        }
        while (!pending.isEmpty() && pending.get(pending.size() - 1).isEmpty()) pending.remove(pending.size() - 1);
        return new Result(new Scenario(header, statements, pending), statementTokens, looseNames);
    }

    private static List<String> trimBlank(List<String> pending) {
        return List.copyOf(pending);
    }

    // ---------------------------------------------------------------- statements

    private void statement(Trivia trivia) {
        Token first = peek();
        if (first.is(Type.ERROR)) throw new Abandon();
        if (!first.is(Type.NAME)) {
            error(Code.EXPECTED, "expected a statement (a header word, 'process', 'PROC:', 'expect', 'say', 'on' or a global operation), found "
                    + first.describe(), first);
        }
        if (peekAt(1).is(Type.COLON)) {
            body(trivia, processStmt(), first);
            return;
        }
        String w = first.text();
        if (HEADER_WORDS.contains(w)) {
            headerStmt(trivia);
            return;
        }
        switch (w) {
            case "process": body(trivia, processDecl(), first); return;
            case "say": body(trivia, say(), first); return;
            case "expect": body(trivia, expectation(), first); return;
            case "ask": body(trivia, ask(), first); return;
            case "on": body(trivia, hook(), first); return;
            case "dma": case "complete": case "ksmd": case "lru_drain": case "reclaim":
                body(trivia, new Statement.Operation(globalOp()), first);
                return;
            default:
                unknownStatement(first);
        }
    }

    private void unknownStatement(Token first) {
        String w = first.text();
        if (processes.contains(w)) {
            error(Code.EXPECTED, "expected ':' after process name '" + w + "', found " + peekAt(1).describe(), peekAt(1));
        }
        if (OPERATIONS.contains(w) || w.equals("mmap")) {
            error(Code.EXPECTED, "operation '" + w + "' needs a process: write 'PROC: " + w + " …'", first);
        }
        List<String> all = new ArrayList<>(HEADER_WORDS);
        all.addAll(BODY_WORDS);
        String near = Suggest.nearest(w, all);
        if (near == null) near = Suggest.nearest(w, processes);
        String opNear = Suggest.nearest(w, OPERATIONS);
        String hint = near != null ? "; did you mean '" + near + "'?"
                : opNear != null ? "; did you mean 'PROC: " + opNear + " …'?" : "";
        error(Code.UNKNOWN_STATEMENT, "unknown statement '" + w + "'" + hint, first);
    }

    private void body(Trivia trivia, Statement.Node node, Token first) {
        endOfLine();
        if (firstBodyLine == 0) firstBodyLine = first.line();
        statements.add(new Statement(node, trivia));
        statementTokens.add(toks);
    }

    // ---------------------------------------------------------------- header

    private void headerStmt(Trivia trivia) {
        Token kw = advance();
        HeaderItem item;
        switch (kw.text()) {
            case "title": item = new HeaderItem.Title(string("after 'title'")); break;
            case "description": item = new HeaderItem.Description(string("after 'description'")); break;
            case "kernel": {
                Token v = peek();
                KernelVersion kv = version("after 'kernel'");
                item = new HeaderItem.Kernel(v.isWord("latest") ? "latest" : kv.toString());
                break;
            }
            case "cpus": {
                Token t = peek();
                int n = integer("after 'cpus'", "a CPU count 1..8");
                if (n < 1 || n > 8) error(Code.OUT_OF_RANGE, "cpus must be 1..8, not " + n, t);
                item = new HeaderItem.Cpus(n);
                break;
            }
            case "thp": {
                Token t = word("after 'thp'", "never, madvise or always");
                Header.ThpMode m = Header.ThpMode.fromWord(t.text());
                if (m == null) unknownWord(t, "THP mode", List.of("never", "madvise", "always"));
                item = new HeaderItem.Thp(m);
                break;
            }
            case "mthp": {
                Token t = peek();
                if (!t.is(Type.SIZE) && !t.is(Type.INT)) {
                    if (t.is(Type.ERROR)) throw new Abandon();
                    error(Code.EXPECTED, "expected an mTHP size (16K, 32K, 64K, 128K, 256K, 512K or 1M) after 'mthp', found " + t.describe(), t);
                }
                advance();
                long pages = t.is(Type.SIZE) ? t.number() : -3;
                long kb = pages > 0 ? pages * 4 : -1;
                if (pages == 512) error(Code.BAD_SIZE, "mthp 2M is the PMD size: write 'thp always', 'thp madvise' or 'thp never'", t);
                if (kb < 16 || kb > 1024 || Long.bitCount(kb) != 1)
                    error(Code.BAD_SIZE, "an mTHP size is a power of two from 16K to 1M (hugepages-16kB .. hugepages-1024kB), not " + abbreviate(t.text()), t);
                Token w = word("after 'mthp " + t.text() + "'", "always, inherit, madvise or never");
                Header.MthpMode m = Header.MthpMode.fromWord(w.text());
                if (m == null) unknownWord(w, "mTHP setting", List.of("always", "inherit", "madvise", "never"));
                item = new HeaderItem.Mthp((int) kb, m);
                if (!mthpSizes.add((int) kb)) error(Code.REPEATED_HEADER, "'mthp " + t.text() + "' may appear only once in the header", t);
                break;
            }
            case "swap": item = new HeaderItem.Swap(onOff("after 'swap'")); break;
            case "soft_dirty": item = new HeaderItem.SoftDirty(onOff("after 'soft_dirty'")); break;
            case "fault_around_bytes": {
                Token t = peek();
                int b = integer("after 'fault_around_bytes'", "a number of bytes (65536 by default; 4096 turns fault-around off)");
                if (b < 4096 || b > 2097152 || Integer.bitCount(b) != 1) {
                    int down = b < 4096 ? 4096 : b > 2097152 ? 2097152 : Integer.highestOneBit(b);
                    error(Code.OUT_OF_RANGE, "fault_around_bytes must be a power of two from 4096 (one page: no fault-around) to 2097152 (one page table), not "
                            + b + "; the kernel would use " + down, t);
                }
                item = new HeaderItem.FaultAroundBytes(b);
                break;
            }
            default: {
                Token name = declName("after 'file'", "a file name");
                int pages = size("after 'file " + name.text() + "'");
                String content = string("after 'file " + name.text() + " SIZE'");
                item = new HeaderItem.FileDecl(name.text(), pages, content);
                if (!files.add(name.text())) error(Code.REDECLARED, "file '" + name.text() + "' is already declared", name);
            }
        }
        endOfLine();
        if (firstBodyLine != 0) {
            error(Code.HEADER_AFTER_BODY, "header statement '" + kw.text() + "' must come before every body statement (the body starts at line "
                    + firstBodyLine + ")", kw);
        }
        boolean repeats = item instanceof HeaderItem.Description || item instanceof HeaderItem.FileDecl || item instanceof HeaderItem.Mthp;
        if (!repeats && !seenHeader.add(item.getClass())) {
            error(Code.REPEATED_HEADER, "'" + kw.text() + "' may appear only once in the header", kw);
        }
        header.add(new HeaderLine(item, trivia));
    }

    private boolean onOff(String after) {
        Token t = word(after, "on or off");
        if (t.text().equals("on")) return true;
        if (t.text().equals("off")) return false;
        unknownWord(t, "value", List.of("on", "off"));
        return false;
    }

    // ---------------------------------------------------------------- body

    private Statement.Node processDecl() {
        advance();
        Token name = declName("after 'process'", "a process name");
        processes.add(name.text());
        return new Statement.Operation(new Spawn(name.text()));
    }

    private Statement.Node say() {
        advance();
        return new Statement.Say(string("after 'say'"));
    }

    private Statement.Node processStmt() {
        Token proc = advance();
        advance(); // ':'
        return new Statement.Operation(new ProcessOp(proc.text(), operation(proc.text())));
    }

    private Statement.Node hook() {
        advance();
        Token point = word("after 'on'", "a hook point (gup_retry)");
        Hook.HookPoint hp = null;
        for (Hook.HookPoint p : Hook.HookPoint.values()) if (p.word.equals(point.text())) hp = p;
        if (hp == null) unknownWord(point, "hook point", List.of("gup_retry"));
        consume(Type.COLON, "expected ':' after 'on " + point.text() + "'");
        Token proc = word("after 'on " + point.text() + ":'", "a process name");
        consume(Type.COLON, "expected ':' after the process name '" + proc.text() + "'");
        return new Statement.Operation(new Hook(hp, proc.text(), operation(proc.text())));
    }

    private ProcOp operation(String proc) {
        Token op = peek();
        if (op.is(Type.NAME) && peekAt(1).is(Type.EQUAL)) return mmap();
        Token w = word("after '" + proc + ":'", "an operation");
        switch (w.text()) {
            case "munmap": return new ProcOp.Munmap(target("after 'munmap'"));
            case "mprotect": {
                Target t = target("after 'mprotect'");
                return new ProcOp.Mprotect(t, prot("after 'mprotect " + show(t) + "'"));
            }
            case "madvise": {
                Target t = target("after 'madvise'");
                Token a = word("after 'madvise " + show(t) + "'", "an advice (" + String.join(", ", ADVICE) + ")");
                Advice adv = Advice.fromWord(a.text());
                if (adv == null) unknownWord(a, "advice", ADVICE);
                return new ProcOp.Madvise(t, adv);
            }
            case "write": {
                Target t = target("after 'write'");
                return new ProcOp.Write(t, string("after 'write " + show(t) + "'"));
            }
            case "read": {
                Token n = peek();
                if (n.is(Type.NAME) && pipes.contains(n.text()) && !peekAt(1).is(Type.LBRACKET)) {
                    advance();
                    return new ProcOp.ReadPipe(n.text());
                }
                return new ProcOp.Read(target("after 'read'"));
            }
            case "fork": {
                Token child = declName("after 'fork'", "the child's name");
                processes.add(child.text());
                return new ProcOp.Fork(child.text());
            }
            case "exit": return new ProcOp.Exit();
            case "clear_refs": return new ProcOp.ClearRefs();
            case "vmsplice": {
                Target t = target("after 'vmsplice'");
                keyword("into", "after 'vmsplice " + show(t) + "'");
                Token p = declName("after 'into'", "a pipe name");
                if (handles.contains(p.text()) || processes.contains(p.text()) || files.contains(p.text())) {
                    error(Code.WRONG_KIND, "'" + p.text() + "' is not a pipe", p);
                }
                pipes.add(p.text());
                return new ProcOp.Vmsplice(t, p.text());
            }
            case "pin": {
                Target t = target("after 'pin'");
                boolean rw = false, lt = false, fast = false;
                while (peek().is(Type.NAME) && !peek().isWord("as")) {
                    Token f = advance();
                    switch (f.text()) {
                        case "rw": rw = once(rw, f); break;
                        case "longterm": lt = once(lt, f); break;
                        case "fast": fast = once(fast, f); break;
                        default: unknownWord(f, "pin flag", List.of("rw", "longterm", "fast", "as"));
                    }
                }
                return new ProcOp.Pin(t, rw, lt, fast, asHandle("after 'pin " + show(t) + "'"));
            }
            case "get": {
                Target t = target("after 'get'");
                boolean rw = false, force = false;
                while (peek().is(Type.NAME) && !peek().isWord("as")) {
                    Token f = advance();
                    switch (f.text()) {
                        case "rw": rw = once(rw, f); break;
                        case "force": force = once(force, f); break;
                        default: unknownWord(f, "get flag", List.of("rw", "force", "as"));
                    }
                }
                return new ProcOp.Get(t, rw, force, asHandle("after 'get " + show(t) + "'"));
            }
            case "unpin": return new ProcOp.Unpin(word("after 'unpin'", "a handle name").text());
            case "put": return new ProcOp.Put(word("after 'put'", "a handle name").text());
            case "io_uring_register": {
                Target t = target("after 'io_uring_register'");
                return new ProcOp.IoUringRegister(t, asHandle("after 'io_uring_register " + show(t) + "'"));
            }
            case "rdma_register": {
                Target t = target("after 'rdma_register'");
                return new ProcOp.RdmaRegister(t, asHandle("after 'rdma_register " + show(t) + "'"));
            }
            case "odirect_read": {
                Target t = target("after 'odirect_read'");
                return new ProcOp.OdirectRead(t, asHandle("after 'odirect_read " + show(t) + "'"));
            }
            case "poke": {
                Token p = word("after 'poke'", "the process whose memory is written");
                Target t = target("after 'poke " + p.text() + "'");
                return new ProcOp.Poke(p.text(), t, string("after 'poke " + p.text() + " " + show(t) + "'"));
            }
            case "uffd_register": return new ProcOp.UffdRegister(target("after 'uffd_register'"));
            case "uffd_wp": {
                Target t = target("after 'uffd_wp'");
                return new ProcOp.UffdWp(t, onOff("after 'uffd_wp " + show(t) + "'"));
            }
            case "cpu": return new ProcOp.Cpu(integer("after 'cpu'", "a CPU number"));
            case "mmap":
                return error(Code.EXPECTED, "expected 'VAR = mmap …': name the mapping, e.g. '" + proc + ": buf = mmap 1'", w);
            default:
                return unknownWord(w, "operation", OPERATIONS);
        }
    }

    private ProcOp mmap() {
        Token var = advance();
        advance(); // '='
        Token m = word("after '" + var.text() + " ='", "'mmap'");
        if (!m.text().equals("mmap")) {
            error(Code.UNKNOWN_OPERATION, "unknown operation '" + m.text() + "' after '" + var.text() + " ='"
                    + (Suggest.distance(m.text(), "mmap") <= 2 ? "; did you mean 'mmap'?" : "; only mmap declares a mapping"), m);
        }
        Token sizeTok = peek();
        int pages = size("after 'mmap'");
        String file = null;
        boolean backing = false, sharing = false, shared = false, hugepage = false, populate = false, hugetlb = false;
        Token hugetlbTok = null, fileTok = null, sharedTok = null, hugepageTok = null;
        Prot prot = null;
        while (peek().is(Type.NAME)) {
            Token o = advance();
            switch (o.text()) {
                case "anon":
                    if (backing) error(Code.DUPLICATE_MODIFIER, "'anon' conflicts with an earlier backing (anon or file)", o);
                    backing = true;
                    break;
                case "file":
                    if (backing) error(Code.DUPLICATE_MODIFIER, "'file' conflicts with an earlier backing (anon or file)", o);
                    backing = true;
                    fileTok = o;
                    file = word("after 'file'", "a file name").text();
                    break;
                case "private": case "shared":
                    if (sharing) error(Code.DUPLICATE_MODIFIER, "'" + o.text() + "' conflicts with an earlier private or shared", o);
                    sharing = true;
                    shared = o.text().equals("shared");
                    if (shared) sharedTok = o;
                    break;
                case "rw": case "ro": case "none":
                    if (prot != null) error(Code.DUPLICATE_MODIFIER, "'" + o.text() + "' conflicts with an earlier protection (rw, ro or none)", o);
                    prot = protOf(o.text());
                    break;
                case "hugepage": hugepage = once(hugepage, o); hugepageTok = o; break;
                case "hugetlb": hugetlb = once(hugetlb, o); hugetlbTok = o; break;
                case "populate": populate = once(populate, o); break;
                default: unknownWord(o, "mmap option", MMAP_OPTIONS);
            }
        }
        if (hugetlb) {
            // MAP_HUGETLB: anonymous private memory from the 2 MiB hugetlb pool (hugetlbfs files and MAP_SHARED are not simulated)
            if (fileTok != null) error(Code.CONFLICT, "'hugetlb' maps anonymous huge pages (MAP_HUGETLB); it cannot be combined with 'file'", hugetlbTok);
            else if (sharedTok != null) error(Code.CONFLICT, "'shared hugetlb' is not simulated: a hugetlb mapping here is MAP_PRIVATE", sharedTok);
            else if (hugepageTok != null) error(Code.CONFLICT, "'hugepage' (MADV_HUGEPAGE, THP) and 'hugetlb' (MAP_HUGETLB) exclude each other", hugepageTok);
            else if (pages > 0 && pages % 512 != 0)
                error(Code.BAD_SIZE, "a hugetlb mapping's size must be a multiple of 2M (512 pages), not " + sizeTok.text(), sizeTok);
        }
        return new ProcOp.Mmap(var.text(), pages, file, shared, prot == null ? Prot.RW : prot, hugepage, populate, hugetlb);
    }

    private boolean once(boolean already, Token t) {
        if (already) error(Code.DUPLICATE_MODIFIER, "'" + t.text() + "' is given twice", t);
        return true;
    }

    private String asHandle(String after) {
        keyword("as", after);
        Token h = declName("after 'as'", "a handle name");
        if (pipes.contains(h.text()) || processes.contains(h.text()) || files.contains(h.text())) {
            error(Code.WRONG_KIND, "'" + h.text() + "' is already declared as another kind of name; choose a new handle name", h);
        }
        handles.add(h.text());
        return h.text();
    }

    private Prot prot(String after) {
        Token t = word(after, "rw, ro or none");
        Prot p = protOf(t.text());
        if (p == null) unknownWord(t, "protection", PROTS);
        return p;
    }

    private static Prot protOf(String w) {
        for (Prot p : Prot.values()) if (p.word.equals(w)) return p;
        return null;
    }

    /** target = var_name [ "[" INT [ ".." INT ] "]" ] */
    private Target target(String after) {
        Token var = word(after, "a mapping name");
        if (!match(Type.LBRACKET)) return Target.whole(var.text());
        Token a = peek();
        int first = integer("after '" + var.text() + "['", "a page index");
        if (match(Type.DOTDOT)) {
            int last = integer("after '..'", "the last page index");
            consume(Type.RBRACKET, "expected ']' after '" + var.text() + "[" + first + ".." + last + "'");
            if (first > last) error(Code.OUT_OF_RANGE, "empty page range " + first + ".." + last + ": the first index must not exceed the last", a);
            return Target.range(var.text(), first, last);
        }
        consume(Type.RBRACKET, "expected ']' or '..' after '" + var.text() + "[" + first + "'");
        return Target.page(var.text(), first);
    }

    private GlobalOp globalOp() {
        Token kw = advance();
        switch (kw.text()) {
            case "dma": {
                Token h = word("after 'dma'", "a handle name");
                Token w = word("after 'dma " + h.text() + "'", "'write' or 'read'");
                if (w.text().equals("write")) return new GlobalOp.DmaWrite(h.text(), string("after 'dma " + h.text() + " write'"));
                if (w.text().equals("read")) return new GlobalOp.DmaRead(h.text());
                return unknownWord(w, "dma direction", List.of("write", "read"));
            }
            case "complete": {
                Token h = word("after 'complete'", "a handle name");
                return new GlobalOp.Complete(h.text(), string("after 'complete " + h.text() + "'"));
            }
            case "ksmd": {
                if (peek().is(Type.EOL)) return new GlobalOp.Ksmd(1);
                Token t = peek();
                int n = integer("after 'ksmd'", "a number of scans");
                if (n < 1) error(Code.OUT_OF_RANGE, "ksmd needs at least 1 scan", t);
                return new GlobalOp.Ksmd(n);
            }
            case "lru_drain": {
                if (peek().is(Type.EOL)) return new GlobalOp.LruDrain(null);
                keyword("cpu", "after 'lru_drain'");
                return new GlobalOp.LruDrain(integer("after 'lru_drain cpu'", "a CPU number"));
            }
            default:
                return new GlobalOp.Reclaim();
        }
    }

    // ---------------------------------------------------------------- questions (extension)

    static final int MAX_CHOICES = 8;
    private static final List<String> ASK_WORDS = List.of("decision", "fault", "hazard", "last", "PROC.VAR[i]");
    private static final List<String> ABOUT_WORDS = List.of("page", "pte", "pagemap", "content", "shares");

    /** ask = "ask" [ STRING ] question [ "choices" choice { "," choice } ] */
    private Statement.Node ask() {
        advance();
        String prompt = null;
        if (peek().is(Type.STRING)) prompt = advance().string();
        Token w = word(prompt == null ? "after 'ask'" : "after the question's text",
                "a question (decision, fault, hazard, last, or PROC.VAR[i] and what to ask about it)");
        Question q;
        if (peek().is(Type.DOT)) {
            i--;
            q = about(pageSubject("after 'ask'"));
        } else {
            switch (w.text()) {
                case "decision": q = new Question.Decision(); break;
                case "fault": q = new Question.Fault(); break;
                case "hazard": q = new Question.Hazard(); break;
                case "last": q = new Question.Last(); break;
                default: q = unknownWord(w, "question", ASK_WORDS);
            }
        }
        List<String> choices = new ArrayList<>();
        if (peek().isWord("choices")) choices(advance(), q, choices);
        return new Statement.Ask(prompt, q, choices);
    }

    private Question about(Subject.Page pg) {
        String shown = Question.show(pg);
        Token g = word("after '" + shown + "'", "what to ask about it (" + String.join(", ", ABOUT_WORDS) + ")");
        switch (g.text()) {
            case "refcount": case "mapcount": case "pincount":
                return new Question.Count(pg, Check.find(Check.PageCount.class, g.text()));
            case "page": {
                Token x = word("after 'page'", "a page count (refcount, mapcount, pincount) or flag");
                Check.PageCount c = Check.find(Check.PageCount.class, x.text());
                if (c != null) return new Question.Count(pg, c);
                Check.PageFlag f = Check.find(Check.PageFlag.class, x.text());
                if (f == null) {
                    List<String> all = new ArrayList<>(wordsOf(Check.PageCount.class));
                    all.addAll(wordsOf(Check.PageFlag.class));
                    unknownWord(x, "page property", all);
                }
                return new Question.PageFlag(pg, f);
            }
            case "pte": {
                Token x = word("after 'pte'", "a pte flag");
                Check.PteFlag f = Check.find(Check.PteFlag.class, x.text());
                if (f == null) unknownWord(x, "pte flag", wordsOf(Check.PteFlag.class));
                return new Question.Pte(pg, f);
            }
            case "pagemap": {
                Token x = word("after 'pagemap'", "a pagemap bit");
                Check.PagemapBit b = Check.find(Check.PagemapBit.class, x.text());
                if (b == null) unknownWord(x, "pagemap bit", wordsOf(Check.PagemapBit.class));
                return new Question.Pagemap(pg, b);
            }
            case "content": return new Question.Content(pg);
            case "shares": return new Question.Shares(pg, pageSubject("after 'shares'"));
            default: return unknownWord(g, "question about a page", ABOUT_WORDS);
        }
    }

    private void choices(Token kw, Question q, List<String> out) {
        if (q.form() == Question.Form.CHOICE) {
            error(Code.ASK_CHOICES, "this question's choices are fixed (" + String.join(", ", q.fixedChoices())
                    + "); 'choices' is only for a number or text question", kw);
        }
        boolean number = q.form() == Question.Form.NUMBER;
        do {
            Token c = peek();
            if (c.is(Type.ERROR)) throw new Abandon();
            if (number && !c.is(Type.INT)) {
                error(Code.ASK_CHOICES, "expected a number as a choice of a count question, found " + c.describe(), c);
            }
            if (!number && !c.is(Type.STRING)) {
                error(Code.ASK_CHOICES, "expected a string in double quotes as a choice of a text question, found " + c.describe(), c);
            }
            advance();
            if (number && (c.number() < 0 || c.number() > Integer.MAX_VALUE)) error(Code.BAD_NUMBER, "number " + abbreviate(c.text()) + " is too large", c);
            String v = number ? Long.toString(c.number()) : c.string();
            if (out.contains(v)) error(Code.ASK_CHOICES, "choice " + c.text() + " is given twice", c);
            out.add(v);
            if (out.size() > MAX_CHOICES) error(Code.ASK_CHOICES, "too many choices: at most " + MAX_CHOICES, c);
        } while (match(Type.COMMA));
        if (out.size() < 2) error(Code.ASK_CHOICES, "give at least two choices, separated by ','", kw);
    }

    // ---------------------------------------------------------------- expectations

    private Statement.Node expectation() {
        advance();
        VersionRange range = null;
        if (match(Type.LBRACKET)) {
            range = range();
            consume(Type.RBRACKET, "expected ']' after the version range '" + range + "'");
        }
        Token s = peek();
        if (s.is(Type.LBRACKET)) error(Code.EXPECTED, "only one version range is allowed", s);
        Token w = word("after 'expect'", "a subject (PROC.VAR, a handle, a pipe, file NAME[i], a process, last, stats or hazard)");
        Subject subject;
        List<Check> checks = new ArrayList<>();
        switch (w.text()) {
            case "last":
                subject = new Subject.Last();
                do checks.add(lastCheck()); while (match(Type.COMMA));
                break;
            case "stats":
                subject = new Subject.Stats();
                do checks.add(statCheck()); while (match(Type.COMMA));
                break;
            case "hazard":
                subject = new Subject.Hazard();
                hazardChecks(checks);
                break;
            case "file":
                if (peek().is(Type.NAME)) {
                    Token f = advance();
                    consume(Type.LBRACKET, "expected '[' and a page index after 'file " + f.text() + "' (e.g. file " + f.text() + "[0])");
                    int idx = integer("after 'file " + f.text() + "['", "a page index");
                    consume(Type.RBRACKET, "expected ']' after 'file " + f.text() + "[" + idx);
                    subject = new Subject.File(f.text(), idx);
                    do checks.add(content("for a file page")); while (match(Type.COMMA));
                    break;
                }
                // fall through: reported as a missing file name
                return error(Code.EXPECTED, "expected a file name after 'expect file', found " + peek().describe(), peek());
            default:
                if (peek().is(Type.DOT)) {
                    i--;
                    subject = pageSubject("after 'expect'");
                    do checks.add(mapCheck()); while (match(Type.COMMA));
                } else if (pipes.contains(w.text())) {
                    subject = new Subject.Pipe(w.text());
                    do checks.add(content("for a pipe")); while (match(Type.COMMA));
                } else if (processes.contains(w.text()) || (!handles.contains(w.text()) && looksLikeState())) {
                    subject = new Subject.Process(w.text());
                    do checks.add(procState()); while (match(Type.COMMA));
                } else {
                    subject = new Subject.Handle(w.text());
                    do checks.add(handleCheck()); while (match(Type.COMMA));
                }
        }
        return new Statement.Expect(range, subject, checks);
    }

    private boolean looksLikeState() {
        Token t = peek().is(Type.BANG) ? peekAt(1) : peek();
        return t.isWord("alive") || t.isWord("exited") || t.isWord("killed");
    }

    private VersionRange range() {
        Token t = peek();
        VersionRange.Kind kind = null;
        if (t.is(Type.LT)) kind = VersionRange.Kind.LT;
        else if (t.is(Type.LE)) kind = VersionRange.Kind.LE;
        else if (t.is(Type.GT)) kind = VersionRange.Kind.GT;
        else if (t.is(Type.GE)) kind = VersionRange.Kind.GE;
        if (kind != null) {
            advance();
            VersionRange r = new VersionRange(kind, version("after '" + t.text() + "'"), null);
            if (!r.selectsAny()) {
                error(Code.EMPTY_RANGE, "version range " + r + " selects no supported version (4.8 to 6.18)", t);
            }
            return r;
        }
        KernelVersion a = version("after 'expect['");
        if (match(Type.DOTDOT)) {
            KernelVersion b = version("after '" + a + "..'");
            VersionRange r = new VersionRange(VersionRange.Kind.BETWEEN, a, b);
            if (a.compareTo(b) > 0) error(Code.EMPTY_RANGE, "version range " + r + " is empty: the first version must not exceed the second", t);
            return r;
        }
        return new VersionRange(VersionRange.Kind.ONE, a, null);
    }

    private Subject.Page pageSubject(String after) {
        Token proc = word(after, "PROC.VAR");
        consume(Type.DOT, "expected '.' and a mapping name after '" + proc.text() + "' (PROC.VAR)");
        Token var = word("after '" + proc.text() + ".'", "a mapping name");
        Integer idx = null;
        if (match(Type.LBRACKET)) {
            idx = integer("after '" + proc.text() + "." + var.text() + "['", "a page index");
            if (peek().is(Type.DOTDOT)) error(Code.EXPECTED, "a page range is not a subject: check one page PROC.VAR[i], or the whole mapping PROC.VAR", peek());
            consume(Type.RBRACKET, "expected ']' after '" + proc.text() + "." + var.text() + "[" + idx + "'");
        }
        return new Subject.Page(proc.text(), var.text(), idx);
    }

    private static final List<String> MAP_CHECKS = List.of("==", "!=", "shares", "zero", "unmapped", "swapped", "pte", "page", "pagemap");

    private Check mapCheck() {
        Token t = peek();
        if (t.is(Type.EQEQ) || t.is(Type.BANGEQ)) return content("");
        boolean neg = match(Type.BANG);
        Token w = word(neg ? "after '!'" : "after the subject", "a check (" + String.join(", ", MAP_CHECKS) + ")");
        switch (w.text()) {
            case "shares": return new Check.Shares(neg, pageSubject("after 'shares'"));
            case "zero": return new Check.State(neg, Check.MapState.ZERO);
            case "unmapped": return new Check.State(neg, Check.MapState.UNMAPPED);
            case "swapped": return new Check.State(neg, Check.MapState.SWAPPED);
            case "pte": case "page": case "pagemap":
                if (neg) error(Code.EXPECTED, "'!' cannot negate the group '" + w.text() + "'; negate its items, e.g. '" + w.text() + " !"
                        + (w.text().equals("page") ? "ksm" : "present") + "'", t);
                if (w.text().equals("pte")) return new Check.Pte(flagGroup(Check.PteFlag.class, "pte"));
                if (w.text().equals("pagemap")) return new Check.Pagemap(flagGroup(Check.PagemapBit.class, "pagemap"));
                return new Check.Page(pageGroup());
            default:
                return unknownWord(w, "check for a mapping", MAP_CHECKS.subList(2, MAP_CHECKS.size()));
        }
    }

    /** A1: items separated by ',' or blanks; greedy while the next word (after ',' and '!') is an item. */
    private <E extends Enum<E> & Check.Word> List<Check.Flag<E>> flagGroup(Class<E> type, String group) {
        List<Check.Flag<E>> out = new ArrayList<>();
        out.add(flagItem(type, group));
        while (groupContinues(w -> Check.find(type, w) != null)) {
            match(Type.COMMA);
            out.add(flagItem(type, group));
        }
        return out;
    }

    private <E extends Enum<E> & Check.Word> Check.Flag<E> flagItem(Class<E> type, String group) {
        boolean neg = match(Type.BANG);
        Token w = word("after '" + group + "'", "a " + group + " " + (group.equals("pte") ? "flag" : "bit"));
        E e = Check.find(type, w.text());
        if (e == null) unknownWord(w, group + " " + (group.equals("pte") ? "flag" : "bit"), wordsOf(type));
        return new Check.Flag<>(neg, e);
    }

    private List<Check.PageProp> pageGroup() {
        List<Check.PageProp> out = new ArrayList<>();
        out.add(pageItem());
        while (groupContinues(w -> Check.find(Check.PageFlag.class, w) != null || Check.find(Check.PageCount.class, w) != null)) {
            match(Type.COMMA);
            out.add(pageItem());
        }
        return out;
    }

    private Check.PageProp pageItem() {
        Token bang = peek();
        boolean neg = match(Type.BANG);
        Token w = word("after 'page'", "a page property");
        Check.PageCount c = Check.find(Check.PageCount.class, w.text());
        if (c != null) {
            if (neg) error(Code.EXPECTED, "'!' cannot negate a count; use a comparison, e.g. '" + w.text() + " != 1'", bang);
            Check.Cmp cmp = cmp("after '" + w.text() + "'");
            return new Check.PageCountItem(c, cmp, integer("after '" + w.text() + " " + cmp.word() + "'", "a number"));
        }
        Check.PageFlag f = Check.find(Check.PageFlag.class, w.text());
        if (f == null) {
            List<String> all = new ArrayList<>(wordsOf(Check.PageFlag.class));
            all.addAll(wordsOf(Check.PageCount.class));
            unknownWord(w, "page property", all);
        }
        return new Check.PageFlagItem(neg, f);
    }

    private boolean groupContinues(java.util.function.Predicate<String> isItem) {
        int k = 0;
        if (peekAt(k).is(Type.COMMA)) k++;
        if (peekAt(k).is(Type.BANG)) k++;
        Token t = peekAt(k);
        return t.is(Type.NAME) && isItem.test(t.text());
    }

    private Check content(String forWhat) {
        Token t = peek();
        if (t.is(Type.EQEQ) || t.is(Type.BANGEQ)) {
            advance();
            return new Check.Content(t.is(Type.EQEQ), string("after '" + t.text() + "'"));
        }
        return error(Code.EXPECTED, "expected '==' or '!=' and a string" + (forWhat.isEmpty() ? "" : " " + forWhat) + ", found " + t.describe(), t);
    }

    private Check handleCheck() {
        Token t = peek();
        if (t.is(Type.EQEQ) || t.is(Type.BANGEQ)) return content("");
        boolean neg = match(Type.BANG);
        Token w = word("after the handle", "'== \"text\"' or 'coherent'");
        if (!w.text().equals("coherent")) unknownWord(w, "check for a handle", List.of("coherent"));
        return new Check.Coherent(neg);
    }

    private Check procState() {
        boolean neg = match(Type.BANG);
        Token w = word("after the process", "alive, exited or killed");
        Check.ProcState s = Check.find(Check.ProcState.class, w.text());
        if (s == null) unknownWord(w, "process state", wordsOf(Check.ProcState.class));
        return new Check.Proc(neg, s);
    }

    private Check lastCheck() {
        Token t = peek();
        if (t.is(Type.EQEQ) || t.is(Type.BANGEQ)) return content("");
        Token bang = peek();
        boolean neg = match(Type.BANG);
        Token w = word("after 'last'", "'== \"text\"', errno or an event (" + String.join(", ", wordsOf(Check.Event.class)) + ")");
        if (w.text().equals("errno")) {
            Token op = peek();
            if (!op.is(Type.EQEQ) && !op.is(Type.BANGEQ)) return new Check.Errno(neg, null);
            if (neg) error(Code.EXPECTED, "'!' cannot negate 'errno ==': write 'errno != NAME'", bang);
            advance();
            Token n = word("after 'errno " + op.text() + "'", "an error name (" + String.join(", ", Check.ERRNOS) + ")");
            if (!Check.ERRNOS.contains(n.text())) unknownWord(n, "error name", Check.ERRNOS);
            return new Check.Errno(op.is(Type.BANGEQ), n.text());
        }
        Check.Event e = Check.find(Check.Event.class, w.text());
        if (e == null) unknownWord(w, "event", wordsOf(Check.Event.class));
        return new Check.EventCheck(neg, e);
    }

    private Check statCheck() {
        Token w = word("after 'stats'", "a counter (cow, reuse, faults, pages)");
        Check.Counter c = Check.find(Check.Counter.class, w.text());
        if (c == null) unknownWord(w, "counter", wordsOf(Check.Counter.class));
        Check.Cmp cmp = cmp("after '" + w.text() + "'");
        return new Check.Stat(c, cmp, integer("after '" + w.text() + " " + cmp.word() + "'", "a number"));
    }

    private void hazardChecks(List<Check> checks) {
        if (peek().isWord("none")) {
            advance();
            checks.add(new Check.HazardNone());
            if (peek().is(Type.COMMA)) error(Code.CONFLICT, "'hazard none' stands alone: no other hazard check may follow it", peek());
            return;
        }
        do {
            Token bang = peek();
            boolean neg = match(Type.BANG);
            Token w = word("after 'hazard'", "'none' or a hazard (" + String.join(", ", wordsOf(Check.HazardKind.class)) + ")");
            if (w.text().equals("none")) {
                error(neg ? Code.EXPECTED : Code.CONFLICT, neg ? "'!' cannot negate 'none'" : "'hazard none' stands alone: no other hazard check in the same expectation", neg ? bang : w);
            }
            Check.HazardKind h = Check.find(Check.HazardKind.class, w.text());
            if (h == null) unknownWord(w, "hazard", wordsOf(Check.HazardKind.class));
            checks.add(new Check.Hazard(neg, h));
        } while (match(Type.COMMA));
    }

    private Check.Cmp cmp(String after) {
        Token t = peek();
        Check.Cmp c = Check.find(Check.Cmp.class, t.text());
        if (t.is(Type.EQUAL)) error(Code.EXPECTED, "expected a comparison " + after + ": write '==' (two '=')", t);
        if (c == null || t.is(Type.STRING) || t.is(Type.NAME)) {
            error(Code.EXPECTED, "expected a comparison (==, !=, >=, <=, >, <) " + after + ", found " + t.describe(), t);
        }
        advance();
        return c;
    }

    // ---------------------------------------------------------------- terminals

    private String string(String after) {
        Token t = peek();
        if (!t.is(Type.STRING)) {
            if (t.is(Type.ERROR)) throw new Abandon();
            error(Code.EXPECTED, "expected a string in double quotes " + after + ", found " + t.describe(), t);
        }
        advance();
        return t.string();
    }

    private KernelVersion version(String after) {
        Token t = peek();
        if (t.isWord("latest")) {
            advance();
            return KernelVersion.LATEST;
        }
        if (t.is(Type.INT)) {
            error(Code.BAD_VERSION, "expected a version MAJOR.MINOR " + after + " (e.g. 5.8 or latest), found '" + t.text() + "'", t);
        }
        if (!t.is(Type.VERSION)) {
            String near = t.is(Type.NAME) ? Suggest.hint(t.text(), List.of("latest")) : "";
            error(Code.EXPECTED, "expected a version MAJOR.MINOR or 'latest' " + after + ", found " + t.describe() + near, t);
        }
        advance();
        int dot = t.text().indexOf('.');
        String a = t.text().substring(0, dot), b = t.text().substring(dot + 1);
        KernelVersion v = a.length() > 4 || b.length() > 4 ? null : new KernelVersion(Integer.parseInt(a), Integer.parseInt(b));
        if (v == null || !v.isSupported()) {
            error(Code.BAD_VERSION, "unsupported kernel version '" + t.text() + "': supported are the mainline releases 4.8-4.20, 5.0-5.19, 6.0-6.18 and latest", t);
        }
        return v;
    }

    private int integer(String after, String what) {
        Token t = peek();
        if (!t.is(Type.INT)) {
            if (t.is(Type.ERROR)) throw new Abandon();
            error(Code.EXPECTED, "expected " + what + " " + after + ", found " + t.describe(), t);
        }
        advance();
        if (t.number() < 0 || t.number() > Integer.MAX_VALUE) error(Code.BAD_NUMBER, "number " + abbreviate(t.text()) + " is too large", t);
        return (int) t.number();
    }

    /** SIZE >= 1 page; K/M/G multiples of 4K; not over the page limit. */
    private int size(String after) {
        Token t = peek();
        if (!t.is(Type.INT) && !t.is(Type.SIZE)) {
            if (t.is(Type.ERROR)) throw new Abandon();
            error(Code.EXPECTED, "expected a size (pages, or bytes with K, M or G) " + after + ", found " + t.describe(), t);
        }
        advance();
        long pages = t.number();
        if (pages == -2) error(Code.BAD_SIZE, "size " + t.text() + " is not a multiple of 4K (one page)", t);
        if (pages == 0) error(Code.BAD_SIZE, "size " + t.text() + " is empty: a size is at least one page (1 or 4K)", t);
        if (pages < 0 || pages > limits.maxPages()) {
            error(Code.LIMIT_PAGES, "size " + abbreviate(t.text()) + " exceeds the limit of " + limits.maxPages() + " pages mapped at once", t);
        }
        return (int) pages;
    }

    private static String abbreviate(String s) {
        return s.length() > 24 ? s.substring(0, 20) + "…" : s;
    }

    /** A NAME that declares something: not a reserved word (A14). */
    private Token declName(String after, String what) {
        Token t = word(after, what);
        if (RESERVED.contains(t.text())) {
            error(Code.RESERVED_NAME, "'" + t.text() + "' is a keyword and cannot name a process, pipe, handle or file", t);
        }
        return t;
    }

    private Token word(String after, String what) {
        Token t = peek();
        if (!t.is(Type.NAME)) {
            if (t.is(Type.ERROR)) throw new Abandon();
            error(Code.EXPECTED, "expected " + what + " " + after + ", found " + t.describe(), t);
        }
        return advance();
    }

    private void keyword(String kw, String after) {
        Token t = peek();
        if (t.isWord(kw)) {
            advance();
            return;
        }
        if (t.is(Type.ERROR)) throw new Abandon();
        String near = t.is(Type.NAME) && Suggest.distance(t.text(), kw) <= 2 ? "; did you mean '" + kw + "'?" : "";
        error(Code.EXPECTED, "expected '" + kw + "' " + after + ", found " + t.describe() + near, t);
    }

    private <T> T unknownWord(Token t, String what, List<String> candidates) {
        String article = "aeiou".indexOf(what.charAt(0)) >= 0 ? "an " : "a ";
        String hint = Suggest.hint(t.text(), candidates);
        if (hint.isEmpty() && candidates.size() <= 12) hint = "; expected one of: " + String.join(", ", candidates);
        return error(what.equals("operation") ? Code.UNKNOWN_OPERATION : Code.UNKNOWN_WORD,
                "unknown " + what + " '" + t.text() + "'" + hint, t);
    }

    private void endOfLine() {
        Token t = peek();
        if (t.is(Type.EOL)) return;
        if (t.is(Type.ERROR)) throw new Abandon();
        String hint = toks.get(0).isWord("expect") && (t.is(Type.NAME) || t.is(Type.BANG)) ? " (separate checks with ',')" : "";
        error(Code.TRAILING_INPUT, "unexpected " + t.describe() + "; expected the end of the line" + hint, t);
    }

    private void consume(Type type, String message) {
        Token t = peek();
        if (t.is(type)) {
            advance();
            return;
        }
        if (t.is(Type.ERROR)) throw new Abandon();
        error(Code.EXPECTED, message + ", found " + t.describe(), t);
    }

    private <T> T error(Code code, String message, Token at) {
        diags.add(code, message, at.line(), at.column(), at.is(Type.EOL) ? 1 : at.length());
        throw new Abandon();
    }

    private boolean match(Type type) {
        if (peek().is(type)) {
            advance();
            return true;
        }
        return false;
    }

    private Token peek() {
        return toks.get(Math.min(i, toks.size() - 1));
    }

    private Token peekAt(int k) {
        return toks.get(Math.min(i + k, toks.size() - 1));
    }

    private Token advance() {
        Token t = peek();
        if (i < toks.size() - 1) i++;
        return t;
    }

    /** A broken line may still declare names; remember them so the validator does not cascade "unknown name". */
    private void harvestNames() {
        for (int k = 0; k + 1 < toks.size(); k++) {
            Token t = toks.get(k), n = toks.get(k + 1);
            if (!n.is(Type.NAME)) {
                if (t.is(Type.NAME) && (n.is(Type.EQUAL) || n.is(Type.COLON))) looseNames.add(t.text());
                continue;
            }
            if (t.isWord("fork") || t.isWord("as") || t.isWord("into") || t.isWord("process") || t.isWord("file")) {
                looseNames.add(n.text());
                if (t.isWord("fork") || t.isWord("process")) processes.add(n.text());
                if (t.isWord("into")) pipes.add(n.text());
                if (t.isWord("as")) handles.add(n.text());
            }
        }
    }

    private static String show(Target t) {
        if (t.isWhole()) return t.var();
        return t.var() + "[" + t.first() + (t.first().equals(t.last()) ? "" : ".." + t.last()) + "]";
    }

    static List<String> words(Advice[] values) {
        List<String> out = new ArrayList<>();
        for (Advice a : values) out.add(a.word);
        return List.copyOf(out);
    }

    static <E extends Enum<E> & Check.Word> List<String> wordsOf(Class<E> type) {
        List<String> out = new ArrayList<>();
        for (E e : type.getEnumConstants()) out.add(e.word());
        return out;
    }
}
