package io.cowscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.cowscope.engine.Event;
import io.cowscope.engine.EventType;
import io.cowscope.engine.KernelVersion;
import io.cowscope.engine.Rule;
import io.cowscope.engine.Rules;
import io.cowscope.scenario.Gallery;

/**
 * The command line's wording: golden outputs (src/test/resources/cli/, refreshed with
 * {@code -Dcowscope.golden.update=true}) and the rules behind them: one step numbering, eras
 * explained, descriptions wrapped and never cut, totals once, warnings once, gallery ids.
 */
class CliWordingTest {
    static final Path GOLDEN = Path.of("src/test/resources/cli");

    record Result(int code, String out, String err) {}

    static Result cmdIn(String name, String stdin, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code = ScenarioCommands.run(name, args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    static Result cmd(String name, String... args) {
        return cmdIn(name, "", args);
    }

    /** Compares with a golden file; timings are masked. */
    static void golden(String file, String actual) throws IOException {
        String masked = actual.replaceAll("\\(\\d+ ms\\)", "(N ms)");
        Path p = GOLDEN.resolve(file);
        if (Boolean.getBoolean("cowscope.golden.update")) {
            Files.createDirectories(GOLDEN);
            Files.writeString(p, masked, StandardCharsets.UTF_8);
        }
        String expected = Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "(missing " + p + ")";
        assertEquals(expected, masked, "CLI output differs from " + p + "; if the new wording is intended, refresh the golden files:\n"
                + "    mvn -B -ntp -q test -Dfrontend.skip=true -Dtest=CliWordingTest -Dcowscope.golden.update=true\n"
                + "and review the diff (git diff " + GOLDEN + ") before committing it.");
    }

    @Test
    void goldenRunOfTheVmspliceScenario() throws IOException {
        Result r = cmdIn("run", ScenarioCommandsTest.VMSPLICE, "-");
        assertEquals(0, r.code, r.err);
        golden("run-vmsplice-5.7.txt", r.out);
    }

    @Test
    void goldenHelpOfRunAndBisect() throws IOException {
        golden("run-help.txt", cmd("run", "--help").out);
        golden("bisect-help.txt", cmd("bisect", "--help").out);
    }

    @Test
    void stepsAreNumberedOnceAndShowTheirLine() {
        Result r = cmdIn("run", ScenarioCommandsTest.VMSPLICE, "-");
        Matcher m = Pattern.compile("(?m)^ {3,}(\\d+) +(\\d+)  (.*)$").matcher(r.out);
        List<Integer> steps = new ArrayList<>();
        while (m.find()) {
            steps.add(Integer.parseInt(m.group(1)));
            int line = Integer.parseInt(m.group(2));
            assertEquals(ScenarioCommandsTest.VMSPLICE.split("\n")[line - 1], m.group(3), "the line number is the statement's line");
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) expected.add(i);
        assertEquals(expected, steps, "the process declaration is step 0, then 1, 2, 3 … in order:\n" + r.out);
        assertTrue(r.out.contains("step  line  statement"), r.out);
    }

    @Test
    void theLeadingDeclarationsAreStepZeroAsOnThePage() {
        assertEquals(List.of(0, 0, 1, 2), List.of(RunCommand.pageStep(0, 2), RunCommand.pageStep(1, 2), RunCommand.pageStep(2, 2), RunCommand.pageStep(3, 2)));
        assertEquals(List.of(0, 1, 2), List.of(RunCommand.pageStep(0, 1), RunCommand.pageStep(1, 1), RunCommand.pageStep(2, 1)));
        Result r = cmdIn("run", "process a\nprocess b\na: x = mmap 1\nb: y = mmap 1\n", "-");
        assertTrue(r.out.contains("      0     1  process a\n"), r.out);
        assertTrue(r.out.contains("      0     2  process b\n"), r.out);
        assertTrue(r.out.contains("      1     3  a: x = mmap 1\n"), r.out);
        assertTrue(r.out.contains("      2     4  b: y = mmap 1\n"), r.out);
    }

    @Test
    void hazardsNameTheStepsAsNumbered() {
        Result r = cmdIn("run", ScenarioCommandsTest.VMSPLICE, "-");
        Matcher h = Pattern.compile("written by parent at step (\\d+), after child and parent stopped sharing \\(step (\\d+)\\)").matcher(r.out);
        assertTrue(h.find(), r.out);
        assertTrue(Pattern.compile("(?m)^ +" + h.group(1) + " +\\d+  parent: write buf \"secret-2\"$").matcher(r.out).find(), "the write is step " + h.group(1) + ":\n" + r.out);
        assertTrue(Pattern.compile("(?m)^ +" + h.group(2) + " +\\d+  parent: fork child$").matcher(r.out).find(), "the fork is step " + h.group(2) + ":\n" + r.out);
    }

    @Test
    void hazardsNameTheStepsAsNumberedWithSeveralDeclarations() {
        // two leading process lines are one step 0 together: the hazard's step numbers shift with the table's
        String twoDeclarations = ScenarioCommandsTest.VMSPLICE.replace("process parent\n", "process parent\nprocess bystander\n");
        Result r = cmdIn("run", twoDeclarations, "-");
        assertTrue(r.out.contains("      0     4  process bystander\n"), r.out);
        Matcher h = Pattern.compile("written by parent at step (\\d+), after child and parent stopped sharing \\(step (\\d+)\\)").matcher(r.out);
        assertTrue(h.find(), r.out);
        assertTrue(Pattern.compile("(?m)^ +" + h.group(1) + " +\\d+  parent: write buf \"secret-2\"$").matcher(r.out).find(), "the write is step " + h.group(1) + ":\n" + r.out);
        assertTrue(Pattern.compile("(?m)^ +" + h.group(2) + " +\\d+  parent: fork child$").matcher(r.out).find(), "the fork is step " + h.group(2) + ":\n" + r.out);
    }

    @Test
    void theEraIsExplainedWhereItFirstAppears() {
        Result r = cmdIn("run", ScenarioCommandsTest.VMSPLICE, "-", "--kernels", "5.6,5.7,5.8", "--steps");
        String[] lines = r.out.split("\n");
        int e0 = 0, e1 = 0;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].startsWith("== ") && lines[i].contains("(E0)") && lines[i + 1].contains("era E0 = Linux ≤ 5.7:")) e0++;
            if (lines[i].startsWith("== ") && lines[i].contains("(E1)") && lines[i + 1].contains("era E1 = Linux 5.8:")) e1++;
        }
        assertEquals(1, e0, "E0 explained once, at its first run:\n" + r.out);
        assertEquals(1, e1, r.out);
        assertTrue(cmd("run", "--help").out.contains("E0 <= 5.7"), "run --help explains the eras");
    }

    @Test
    void totalsArePrintedOnceForOneRunAndPerRunForSeveral() {
        Pattern totals = Pattern.compile("(?m)^\\s*\\d+ passed, \\d+ failed, \\d+ skipped.*$");
        Result one = cmdIn("run", ScenarioCommandsTest.VMSPLICE, "-");
        assertEquals(1, count(totals, one.out), one.out);
        assertTrue(one.out.endsWith("1 passed, 0 failed, 1 skipped (" + one.out.replaceAll("(?s).*\\((\\d+) ms\\)\n$", "$1") + " ms)\n"), one.out);
        Result three = cmdIn("run", ScenarioCommandsTest.VMSPLICE, "-", "--kernels", "5.6,5.7,5.8");
        assertEquals(4, count(totals, three.out), "one per run and the sum:\n" + three.out);
    }

    @Test
    void aWarningIsPrintedOncePerStatement() {
        Result r = cmd("run", "gallery:uffd-wp-fork", "--kernel", "5.6");
        String[] lines = r.out.split("\n");
        Set<String> inStep = new HashSet<>();
        int warnings = 0;
        for (String l : lines) {
            if (l.matches("^ {3,}\\d+ +\\d+  .*")) inStep.clear();
            if (l.strip().startsWith("warning:")) {
                warnings++;
                assertTrue(inStep.add(l), "printed twice in one step: " + l + "\n" + r.out);
            }
        }
        assertTrue(r.out.contains("does not exist before 5.7"), r.out);
        assertTrue(warnings >= 2, r.out);
    }

    @Test
    void bisectWrapsRuleDescriptionsAtWordsAndNeverCutsThem() {
        Result r = cmdIn("bisect", ScenarioCommandsTest.VMSPLICE, "-");
        assertFalse(r.out.contains("…\n"), r.out);
        String flat = r.out.replaceAll("\\s+", " ");
        int checked = 0;
        for (Rules.RuleDiff d : Rules.differences(new KernelVersion(5, 7), new KernelVersion(5, 8))) {
            assertTrue(flat.contains(d.rule().description.replaceAll("\\s+", " ")), d.rule().name() + " in full:\n" + r.out);
            checked++;
        }
        assertTrue(checked > 0);
        for (String l : r.out.split("\n")) assertTrue(l.length() <= 110, "line too long: " + l);
        assertFalse(r.out.contains("kernel-model"), r.out);
    }

    @Test
    void galleryIdsWorkEverywhereAndTheGalleryIsListed() {
        Result list = cmd("gallery");
        assertEquals(0, list.code);
        List<Gallery.Entry> es = Gallery.load().entries();
        assertFalse(es.isEmpty());
        for (Gallery.Entry e : es) assertTrue(list.out.contains("gallery:" + e.id() + " "), e.id());
        String id = "gallery:" + es.get(0).id();
        assertEquals(0, cmd("check", id).code);
        assertTrue(cmd("check", id).out.startsWith(id + ": ok"));
        assertTrue(cmd("run", id, "--format", "tap").code <= 1);
        assertEquals(0, cmd("bisect", id, "--format", "json").code);
        assertEquals(0, cmd("fmt", id).code);
        Result missing = cmd("run", "gallery:no-such-scenario");
        assertEquals(2, missing.code);
        assertTrue(missing.err.contains("no gallery scenario 'no-such-scenario'; 'cowscope gallery' lists them"), missing.err);
        assertEquals(2, cmd("gallery", "extra").code);
    }

    @Test
    void pipesReusesAndPutsReadAsSentences() {
        Result r = cmd("run", "gallery:cve-2020-29374-vmsplice");
        assertFalse(r.out.contains("pipe pipe"), r.out);
        assertTrue(r.out.contains("pipe: pipe holds a reference to pfn "), r.out);
        assertTrue(r.out.contains("HAZARD leak: pipe (filled by child) returns"), r.out);
        assertTrue(r.out.contains("≤ 1 → reuse; page_count is not consulted (it is 2: 1 mapping + 1 pipe)"), r.out);
        Result poke = cmd("run", "gallery:dirty-cow");
        int puts = 0;
        for (String l : poke.out.split("\n")) {
            if (!l.strip().startsWith("put")) continue;
            puts++;
            assertTrue(l.contains("the forced write is done: put_page drops the FOLL_GET reference GUP took on pfn "), l);
        }
        assertTrue(puts > 0, poke.out);
    }

    @Test
    void anEventWithoutTextNamesItsPage() {
        Event put = new Event(EventType.PUT, null, "parent", "buf", 0, 7, "put_page", null, null, Map.of());
        assertEquals("put: pfn 7 of parent.buf[0]  [put_page]", RunCommand.event(put));
        Event cited = new Event(EventType.REUSE, null, "p", "b", 0, 3, "wp_page_reuse", Rule.PAGE_COUNT_REUSE, "page_count 1 → reuse", Map.of());
        assertEquals("reuse: page_count 1 → reuse  [wp_page_reuse]  — " + Rule.PAGE_COUNT_REUSE.cite(), RunCommand.event(cited));
    }

    static int count(Pattern p, String s) {
        Matcher m = p.matcher(s);
        int n = 0;
        while (m.find()) n++;
        return n;
    }
}
