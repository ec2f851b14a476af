package io.cowscope.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cowscope.engine.KernelVersion;
import io.cowscope.engine.op.Advice;
import io.cowscope.engine.op.GlobalOp;
import io.cowscope.engine.op.Hook;
import io.cowscope.engine.op.ProcOp;
import io.cowscope.engine.op.ProcessOp;
import io.cowscope.engine.op.Prot;
import io.cowscope.engine.op.Spawn;
import io.cowscope.engine.op.Target;

class ScenarioLanguageTest {

    static Scenario ok(String text) {
        ScenarioLanguage.Checked c = ScenarioLanguage.check(text);
        assertTrue(c.ok(), () -> c.diagnostics().toString());
        return c.scenario();
    }

    static List<Diagnostic> errors(String text) {
        ScenarioLanguage.Checked c = ScenarioLanguage.check(text);
        assertFalse(c.ok());
        assertNull(c.scenario());
        return c.diagnostics();
    }

    @Test
    void operationsAreTheEnginesValues() {
        Scenario s = ok("file lib 2 \"x\"\nprocess p\np: buf = mmap 8K shared ro populate\np: f = mmap 1 file lib\n"
                + "p: madvise buf[0..1] pageout\np: vmsplice buf into q\np: read q\np: read buf[1]\n"
                + "p: pin buf longterm as h\non gup_retry: p: madvise buf dontneed\nksmd 2\nlru_drain\n");
        List<Statement> st = s.statements();
        assertEquals(new Spawn("p"), op(st.get(0)));
        assertEquals(new ProcessOp("p", new ProcOp.Mmap("buf", 2, null, true, Prot.RO, false, true)), op(st.get(1)));
        assertEquals(new ProcessOp("p", new ProcOp.Mmap("f", 1, "lib", false, Prot.RW, false, false)), op(st.get(2)));
        assertEquals(new ProcessOp("p", new ProcOp.Madvise(Target.range("buf", 0, 1), Advice.PAGEOUT)), op(st.get(3)));
        assertEquals(new ProcessOp("p", new ProcOp.ReadPipe("q")), op(st.get(5)));
        assertEquals(new ProcessOp("p", new ProcOp.Read(Target.page("buf", 1))), op(st.get(6)));
        assertEquals(new ProcessOp("p", new ProcOp.Pin(Target.whole("buf"), false, true, false, "h")), op(st.get(7)));
        assertEquals(new Hook(Hook.HookPoint.GUP_RETRY, "p", new ProcOp.Madvise(Target.whole("buf"), Advice.DONTNEED)), op(st.get(8)));
        assertEquals(new GlobalOp.Ksmd(2), op(st.get(9)));
        assertEquals(new GlobalOp.LruDrain(null), op(st.get(10)));
        assertEquals(3, st.get(1).line());
        assertEquals("p: buf = mmap 8K shared ro populate", st.get(1).source());
    }

    private static Object op(Statement s) {
        return ((Statement.Operation) s.node()).op();
    }

    @Test
    void headerDefaultsAndOrder() {
        Scenario s = ok("process a");
        Header h = s.header();
        assertEquals("latest", h.kernel());
        assertEquals(KernelVersion.LATEST, h.kernelVersion());
        assertEquals(1, h.cpus());
        assertEquals(Header.ThpMode.MADVISE, h.thp());
        assertTrue(h.swap() && h.softDirty());
        Scenario t = ok("swap off\ndescription \"b\"\ntitle \"t\"\ndescription \"c\"\nprocess a");
        assertEquals("title \"t\"\ndescription \"b\"\ndescription \"c\"\nswap off\n\nprocess a\n", Printer.print(t));
        assertEquals("b\nc", t.header().description());
    }

    @Test
    void flagGroupsAreGreedy() {
        Scenario s = ok("process p\np: b = mmap 1\nexpect p.b page thp, zero\nexpect p.b zero, page thp\nexpect p.b pagemap swapped, !present\n"
                + "expect p.b pte write, page anon\nexpect p.b pte write soft_dirty");
        Statement.Expect e0 = (Statement.Expect) s.statements().get(2).node();
        assertEquals(1, e0.checks().size());
        assertEquals(List.of(new Check.PageFlagItem(false, Check.PageFlag.THP), new Check.PageFlagItem(false, Check.PageFlag.ZERO)),
                ((Check.Page) e0.checks().get(0)).props());
        Statement.Expect e1 = (Statement.Expect) s.statements().get(3).node();
        assertEquals(new Check.State(false, Check.MapState.ZERO), e1.checks().get(0));
        assertEquals(2, ((Check.Pagemap) ((Statement.Expect) s.statements().get(4).node()).checks().get(0)).bits().size());
        assertEquals(2, ((Statement.Expect) s.statements().get(5).node()).checks().size());
        assertEquals(2, ((Check.Pte) ((Statement.Expect) s.statements().get(6).node()).checks().get(0)).flags().size());
    }

    @Test
    void rangesAndVersions() {
        Scenario s = ok("kernel 5.7\nprocess p\nexpect[<5.8] p alive\nexpect [ 5.9 .. 5.18 ] p alive\nexpect[latest] p alive");
        VersionRange r = ((Statement.Expect) s.statements().get(1).node()).range();
        assertTrue(r.contains(new KernelVersion(5, 7)));
        assertFalse(r.contains(new KernelVersion(5, 8)));
        VersionRange b = ((Statement.Expect) s.statements().get(2).node()).range();
        assertTrue(b.contains(new KernelVersion(5, 18)) && !b.contains(new KernelVersion(5, 19)));
        assertEquals("5.7", s.header().kernel());
        assertEquals(Code.BAD_VERSION.id, errors("kernel 4.21").get(0).code());
        assertEquals(Code.BAD_NUMBER.id, errors("kernel 5.7.3").get(0).code());
        assertEquals(Code.EMPTY_RANGE.id, errors("process p\nexpect[<4.8] p alive").get(0).code());
    }

    @Test
    void textOverTheLimitIsReportedAtLineZero() {
        String big = "# " + "x".repeat(70_000);
        Diagnostic d = errors(big).get(0);
        assertEquals(Code.LIMIT_TEXT.id, d.code());
        assertEquals(0, d.line());
        assertTrue(d.message().contains("65536"), d.message());
    }

    @Test
    void serversMayLowerLimits() {
        Limits l = Limits.DEFAULT.withMaxStatements(3).withMaxProcesses(1).withMaxBytes(1000);
        ScenarioLanguage.Checked c = ScenarioLanguage.check("process a\nprocess b\n", l);
        assertEquals(Code.LIMIT_PROCESSES.id, c.diagnostics().get(0).code());
        assertTrue(c.diagnostics().get(0).message().contains("at most 1"));
        c = ScenarioLanguage.check("process a\na: b = mmap 1\na: read b\na: read b\n", l);
        assertEquals(Code.LIMIT_STATEMENTS.id, c.diagnostics().get(0).code());
        assertEquals(4, c.diagnostics().get(0).line());
        c = ScenarioLanguage.check("# " + "y".repeat(1200), l);
        assertTrue(c.diagnostics().get(0).message().contains("1000 bytes"));
        c = ScenarioLanguage.check("process a\na: b = mmap 20\n", Limits.DEFAULT.withMaxPages(16));
        assertEquals(Code.LIMIT_PAGES.id, c.diagnostics().get(0).code());
        assertThrows(IllegalArgumentException.class, () -> Limits.DEFAULT.withMaxProcesses(65));
    }

    @Test
    void oneErrorPerLineAndEveryLineReported() {
        List<Diagnostic> d = errors("process p\np: mmpa 1\np: b = mmap 1 huge\nexpect last fualt\n");
        assertEquals(3, d.size());
        assertEquals("unknown operation 'mmpa'; did you mean 'mmap'?", d.get(0).message());
        assertEquals(2, d.get(0).line());
        assertEquals(4, d.get(0).column());
        assertEquals(4, d.get(0).length());
    }

    @Test
    void brokenDeclarationsDoNotCascade() {
        List<Diagnostic> d = errors("process p\np: buf = mmap 1 huge\np: write buf \"x\"\np: fork c $\nc: read buf\n");
        assertEquals(2, d.size(), d.toString());
    }

    @Test
    void crlfBomAndTabsAreAccepted() {
        Scenario s = ok("\uFEFFprocess p\r\np:\tb = mmap 1\r\np: write b \"a\tb\"\r\n");
        assertEquals(3, s.statements().size());
        assertEquals(Code.CONTROL_CHARACTER.id, errors("process p\rp: x = mmap 1").get(0).code());
    }

    @Test
    void notUtf8IsReportedAtTheFirstBadByte() {
        byte[] b = "process p\np: b = mmap 1\np: write b \"caf\u00e9\"\n".getBytes(StandardCharsets.ISO_8859_1);
        Diagnostic d = ScenarioLanguage.check(b).diagnostics().get(0);
        assertEquals(Code.NOT_UTF8.id, d.code());
        assertEquals(3, d.line());
        assertEquals(16, d.column());
    }

    @Test
    void stringLimitCountsUtf8Bytes() {
        String ok = "\u00e9".repeat(2048);
        ok("process p\np: b = mmap 1\np: write b \"" + ok + "\"");
        assertEquals(Code.STRING_TOO_LONG.id, errors("process p\np: b = mmap 1\np: write b \"" + ok + "x\"").get(0).code());
    }

    @Test
    void jsonTreeIsPlainMapsAndLists() {
        Scenario s = ok("title \"t\"\nprocess p\np: b = mmap 1\nsay \"hi\"\nexpect[>=5.8] p.b[0] == \"\", page !ksm refcount >= 1");
        Map<String, Object> tree = JsonTree.of(s);
        String json = Json.write(tree);
        assertTrue(json.contains("\"title\":\"t\""), json);
        assertTrue(json.contains("\"type\":\"Mmap\""), json);
        assertTrue(json.contains("\"range\":\">=5.8\""), json);
        assertTrue(json.contains("\"flag\":\"ksm\""), json);
        assertTrue(json.contains("\"say\":\"hi\""), json);
        assertTrue(json.contains("\"line\":5"), json);
    }

    @Test
    void suggestions() {
        assertEquals("mmap", Suggest.nearest("mmpa", Parser.OPERATIONS));
        assertEquals("vmsplice", Suggest.nearest("vmsplcie", Parser.OPERATIONS));
        assertNull(Suggest.nearest("zzzzzz", Parser.OPERATIONS));
    }

    @Test
    void hookRestrictionsAndAllowedHooks() {
        ok("process p\np: b = mmap 1\np: vmsplice b into q\non gup_retry: p: vmsplice b into q\non gup_retry: p: write b \"x\"");
        assertEquals(Code.HOOK_RESTRICTION.id, errors("process p\np: b = mmap 1\non gup_retry: p: exit").get(0).code());
    }

    @Test
    void aRunStopsWhenItsTimeBudgetIsSpent() {
        Scenario s = ok("process p\np: b = mmap 1\np: write b \"x\"\nexpect p.b == \"x\"\n");
        RunResult r = new Execution(s, null).runWithin(java.time.Duration.ZERO);
        assertTrue(r.error() != null && r.error().message().contains("time budget"), String.valueOf(r.error()));
        assertEquals(RunResult.Outcome.NOT_RUN, r.expectations().get(0).outcome());
        RunResult full = new Execution(s, KernelVersion.parse("5.8").orElseThrow()).runWithin(java.time.Duration.ofMinutes(1));
        assertEquals(1, full.passed());
    }
}
