package io.cowscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The subcommands through {@link ScenarioCommands#run}, with captured streams: exit codes and output formats. */
class ScenarioCommandsTest {

    static final String VMSPLICE = String.join("\n",
            "title \"vmsplice after fork\"",
            "kernel 5.7",
            "process parent",
            "parent: buf = mmap 1",
            "parent: write buf \"secret-1\"",
            "parent: fork child",
            "say \"The child splices the page into a pipe.\"",
            "child: vmsplice buf into p",
            "child: munmap buf",
            "parent: write buf \"secret-2\"",
            "child: read p",
            "expect[<5.8]  last == \"secret-2\"",
            "expect[>=5.8] last == \"secret-1\"",
            "");

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {}

    Result cmdIn(String name, String stdin, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code = ScenarioCommands.run(name, args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    Result cmd(String name, String... args) {
        return cmdIn(name, "", args);
    }

    String file(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p.toString();
    }

    @Test
    void everyCommandHasHelpWithExamples() {
        for (String c : ScenarioCommands.NAMES) {
            Result r = cmd(c, "--help");
            assertEquals(0, r.code, c);
            assertTrue(r.out.contains("usage: cowscope " + c), r.out);
            assertTrue(r.out.contains("examples:"), c);
        }
        assertEquals(2, cmd("frobnicate").code);
        assertEquals(2, cmd("check").code);
    }

    @Test
    void checkValidAndInvalid() throws IOException {
        String good = file("good.cow", VMSPLICE);
        Result r = cmd("check", good);
        assertEquals(0, r.code, r.out);
        assertTrue(r.out.contains("ok"));
        String bad = file("bad.cow", "process p\np: buf = mmpa 1\np: write buf[3] \"x\"\n");
        r = cmd("check", good, bad);
        assertEquals(2, r.code);
        assertTrue(r.out.contains(bad + ":2:10: unknown operation 'mmpa' after 'buf ='; did you mean 'mmap'? [COW101]\n"
                + "    p: buf = mmpa 1\n"
                + "             ^^^^\n"), r.out);
        r = cmd("check", dir.resolve("missing.cow").toString());
        assertEquals(2, r.code);
        assertTrue(r.err.contains("cannot read"), r.err);
        r = cmdIn("check", "process p\np: oops\n", "-");
        assertEquals(2, r.code);
        assertTrue(r.out.contains("<stdin>:2:4: unknown operation 'oops'"), r.out);
    }

    @Test
    void fmtPrintsTheCanonicalForm() throws IOException {
        String f = file("f.cow", "process   p  # the only one\np:b=mmap 8K rw private anon\nkernel 5.8\n");
        Result r = cmd("fmt", f);
        assertEquals(2, r.code, "kernel after the body is an error");
        f = file("g.cow", "# top\nswap off\ntitle \"t\"\nprocess   p  # the only one\np:b=mmap 8K rw private anon\n\n\np: write b[0..1] \"x\"\n");
        r = cmd("fmt", f);
        assertEquals(0, r.code, r.err);
        assertEquals("# top\ntitle \"t\"\nswap off\n\nprocess p  # the only one\np: b = mmap 2\n\np: write b[0..1] \"x\"\n", r.out);
        Result again = cmdIn("fmt", r.out, "-");
        assertEquals(r.out, again.out);
    }

    @Test
    void runTextTapAndJson() throws IOException {
        String f = file("v.cow", VMSPLICE);
        Result r = cmd("run", f);
        assertEquals(0, r.code, r.out);
        assertTrue(r.out.contains("on Linux 5.7 (E0)"), r.out);
        assertTrue(r.out.contains("» The child splices the page into a pipe."), r.out);
        assertTrue(r.out.contains("MAPCOUNT_REUSE"), "the rule that decided is named");
        assertTrue(r.out.contains("1 passed, 0 failed, 1 skipped"), r.out);

        r = cmd("run", f, "--kernels", "5.7,5.8,6.18", "--format", "tap");
        assertEquals(0, r.code, r.out);
        assertTrue(r.out.startsWith("TAP version 14\n"));
        assertTrue(r.out.contains("ok 1 - " + f + ":12 [5.7] expect[<5.8]  last == \"secret-2\"\n"), r.out);
        assertTrue(r.out.contains("ok 2 - " + f + ":13 [5.7] expect[>=5.8] last == \"secret-1\" # SKIP not in >=5.8\n"), r.out);
        assertTrue(r.out.endsWith("1..6\n3 passed, 0 failed, 3 skipped\n"), r.out);

        r = cmd("run", f, "--kernel", "5.8", "--format", "json");
        assertEquals(0, r.code);
        assertTrue(r.out.contains("\"kernel\": \"5.8\""), r.out);
        assertTrue(r.out.contains("\"outcome\": \"pass\""), r.out);
        assertTrue(r.out.contains("\"events\": ["), r.out);
        assertTrue(r.out.contains("\"passed\": 1"), r.out);
    }

    @Test
    void failingExpectationsExitOne() throws IOException {
        String f = file("fail.cow", "process p\np: b = mmap 1\np: write b \"x\"\nexpect p.b[0] == \"y\"\nexpect stats cow == 0\n");
        Result r = cmd("run", f, "--format", "tap");
        assertEquals(1, r.code, r.out);
        assertTrue(r.out.contains("not ok 1 - " + f + ":4 [6.18] expect p.b[0] == \"y\" — p.b[0]: expected \"y\", got \"x\"\n"), r.out);
        assertTrue(r.out.contains("ok 2 - "), r.out);
        assertTrue(r.out.endsWith("1 passed, 1 failed\n"), r.out);
        r = cmd("run", f);
        assertEquals(1, r.code);
        assertTrue(r.out.contains("FAIL  " + f + ":4"), r.out);
    }

    @Test
    void errorsExitTwo() throws IOException {
        String bad = file("bad.cow", "process p\np: write nothing \"x\"\n");
        assertEquals(2, cmd("run", bad).code);
        String good = file("good.cow", VMSPLICE);
        Result r = cmd("run", good, "--kernel", "5.20");
        assertEquals(2, r.code);
        assertTrue(r.err.contains("unsupported kernel version '5.20'"), r.err);
        assertEquals(2, cmd("run", good, "--format", "xml").code);
        String killed = file("killed.cow", "process p\np: b = mmap 1 none\np: read b\nexpect p killed\np: read b\nexpect p killed\n");
        r = cmd("run", killed);
        assertEquals(2, r.code, r.out);
        assertTrue(r.out.contains(killed + ":5:1: run-time error on 6.18:"), r.out);
        assertTrue(r.out.contains("not run"), r.out);
    }

    @Test
    void kernelsAllRunsEveryMainlineRelease() throws IOException {
        String f = file("v.cow", VMSPLICE);
        Result r = cmd("run", f, "--kernels", "all", "--format", "tap");
        assertEquals(0, r.code, r.out);
        Matcher m = Pattern.compile("(?m)^1\\.\\.(\\d+)$").matcher(r.out);
        assertTrue(m.find());
        assertEquals(2 * io.cowscope.engine.KernelVersion.all().size(), Integer.parseInt(m.group(1)));
    }

    @Test
    void bisectPrintsRangesAndRuleSwitches() throws IOException {
        String f = file("v.cow", VMSPLICE);
        Result r = cmd("bisect", f);
        assertEquals(0, r.code, r.err);
        assertTrue(r.out.contains("kernels"), r.out);
        assertTrue(r.out.contains("4.8 – 5.7"), r.out);
        assertTrue(r.out.contains("5.7 → 5.8"), r.out);
        assertTrue(r.out.contains("+ GUP_FORCE_COW_BREAK"), r.out);
        assertTrue(r.out.contains("17839856fd58"), r.out);
        r = cmd("bisect", f, "--format", "json");
        assertTrue(r.out.contains("\"rulesChanged\""), r.out);
        assertEquals(2, cmd("bisect").code);
    }
}
