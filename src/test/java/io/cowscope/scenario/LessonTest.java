package io.cowscope.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;

import io.cowscope.engine.KernelVersion;

/** .lesson files: the shipped lesson checks and teaches something, and errors name line:column and a code. */
class LessonTest {
    private static final Gallery GALLERY = Gallery.load();

    private static List<String> errors(String text) {
        Lesson.Checked c = Lesson.check("t", text, GALLERY);
        assertFalse(c.ok());
        return c.diagnostics().stream().map(d -> d.line() + ":" + d.column() + " " + d.code() + " " + d.message()).toList();
    }

    @Test
    void theShippedLessonChecksAndTellsTheStory() {
        Lessons ls = Lessons.load(GALLERY);
        assertEquals(List.of(), ls.problems(), () -> ls.problems().toString());
        Lesson l = ls.find("cow-history").orElseThrow();
        List<String> ids = l.parts().stream().map(Lesson.Part::scenario).toList();
        assertEquals(List.of("dirty-cow", "cve-2020-29374-vmsplice", "rdma-pin-fork", "mprotect-both-broken-pieces",
                "soft-dirty-pinned", "ro-pin-shared-page"), ids);
        assertEquals(List.of("4.8", "4.9"), l.parts().get(0).kernels());
        assertEquals(List.of("5.7", "5.9"), l.parts().get(1).kernels());
        assertFalse(l.intro().isEmpty());
    }

    @Test
    void everyPartAsksAQuestionWhoseAnswerDependsOnTheKernel() {
        // the point of the lesson: for each part, some question has different answers at its kernels
        Lesson l = Lessons.load(GALLERY).find("cow-history").orElseThrow();
        for (Lesson.Part p : l.parts()) {
            Scenario s = ScenarioLanguage.check(p.text()).scenario();
            Set<String> distinct = new TreeSet<>();
            int asks = -1;
            for (String k : p.kernels()) {
                Execution ex = new Execution(s, KernelVersion.parse(k).orElseThrow());
                RunResult r = ex.runToEnd();
                assertTrue(r.ok(), p.scenario() + " at " + k + ": " + r.expectations());
                List<Answers.Answer> as = ex.answers();
                if (asks >= 0) assertEquals(asks, as.size());
                asks = as.size();
                assertEquals(p.asks(), as.size(), p.scenario());
                distinct.add(as.stream().map(a -> a.correct().toString()).toList().toString());
            }
            assertTrue(distinct.size() > 1, p.scenario() + ": the same answers at " + p.kernels() + ": " + distinct);
        }
    }

    @Test
    void errorsNameLineColumnAndCode() {
        List<String> e = errors("""
                lesson "t"
                part "one"
                scenario "dirty-cwo"
                part "two"
                scenario "dirty-cow"
                kernels 4.8, 5.7.3
                ask at 13 "x" decision
                ask at 12 "x" decison
                ask at 12 parent.buf[0] page refcount
                ask 12 fault
                intro 3
                lessen "x"
                """);
        assertEquals(List.of(
                "2:1 COW218 part \"one\" has no scenario: add scenario \"gallery-id\"",
                "3:10 COW200 unknown gallery scenario 'dirty-cwo'; did you mean 'dirty-cow'?",
                "6:14 COW006 '5.7.3' is a stable release; versions are mainline MAJOR.MINOR, e.g. '5.7'",
                "7:8 COW217 line 13 of 'dirty-cow' is not an operation (expect file passwd[0] == \"root:x:0:0\"); the next operation is line 20: on gup_retry: attacker: madvise f dontneed",
                "10:5 COW100 expected 'before \"STATEMENT\"' or 'at LINE' after 'ask' (the scenario operation the question comes before), found '12'",
                "11:7 COW100 expected a string in double quotes after 'intro', found '3'",
                "12:1 COW102 unknown lesson statement 'lessen'; did you mean 'lesson'?"), e);
    }

    @Test
    void anAsksOwnErrorsAreReportedAtTheLessonsLineAndColumn() {
        List<String> e = errors("""
                lesson "t"
                part "one"
                scenario "dirty-cow"
                ask at 12 "x" decison
                """);
        assertEquals(List.of("4:15 COW105 unknown question 'decison'; did you mean 'decision'?"), e);
        List<String> f = errors("lesson \"t\"\npart \"one\"\nscenario \"dirty-cow\"\nask at 12 attacker.nope[0] content\n");
        assertEquals(List.of("4:20 COW200 process 'attacker' has no mapping 'nope'"), f);
    }

    @Test
    void anAskBeforeAnOperationsTextIsTheAskAtItsLine() {
        String byLine = "lesson \"t\"\npart \"one\"\nscenario \"dirty-cow\"\nask at 12 \"x\" decision\nask at 22 \"y\" hazard\n";
        String byText = "lesson \"t\"\npart \"one\"\nscenario \"dirty-cow\"\n"
                + "ask before 1 \"attacker:  poke attacker f \\\"root::0:0\\\"\" \"x\" decision\n"
                + "ask before 2 \"attacker: poke attacker f \\\"root::0:0\\\"\" \"y\" hazard\n";
        Lesson.Checked a = Lesson.check("t", byLine, GALLERY), b = Lesson.check("t", byText, GALLERY);
        assertTrue(a.ok(), a.diagnostics().toString());
        assertTrue(b.ok(), b.diagnostics().toString());
        assertEquals(a.lesson().parts().get(0).text(), b.lesson().parts().get(0).text());
        // a unique part of the text is enough
        Lesson.Checked c = Lesson.check("t", "lesson \"t\"\npart \"one\"\nscenario \"dirty-cow\"\nask before \"madvise f dontneed\" \"z\" fault\n", GALLERY);
        assertTrue(c.ok(), c.diagnostics().toString());
        assertTrue(c.lesson().parts().get(0).text().contains("ask \"z\" fault\non gup_retry: attacker: madvise f dontneed"));
    }

    @Test
    void anAskBeforeTextThatIsNotOneOperationNamesTheLines() {
        List<String> e = errors("""
                lesson "t"
                part "one"
                scenario "dirty-cow"
                ask before "attacker: poke attacker f \\"root::0:0\\"" "x" decision
                ask before "attacker: fly" "x" decision
                ask before 3 "attacker: poke attacker f \\"root::0:0\\"" "x" decision
                ask before 12 decision
                """);
        assertEquals(List.of(
                "4:12 COW217 \"attacker: poke attacker f \"root::0:0\"\" matches the operations on lines 12, 22 of 'dirty-cow': quote more of the one you mean, or say which (ask before 2 \"…\")",
                "5:12 COW217 no operation of 'dirty-cow' reads \"attacker: fly\"",
                "6:14 COW217 'dirty-cow' has 2 operations reading \"attacker: poke attacker f \"root::0:0\"\", not 3",
                "7:15 COW100 expected the scenario's operation in double quotes after 'ask before', found 'decision'"), e);
    }

    /** Lines added to a gallery scenario move every line number; asks by the operation's text still find theirs. */
    @Test
    void theShippedLessonSurvivesLinesAddedToItsScenarios(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        for (Gallery.Entry g : GALLERY.entries()) {
            java.nio.file.Files.writeString(dir.resolve(g.id() + ".cow"), "# a note added above\n# and another\n" + g.text());
        }
        Gallery moved = Gallery.load(dir);
        Lesson shipped = Lessons.load(GALLERY).find("cow-history").orElseThrow();
        String text = new String(LessonTest.class.getResourceAsStream("/lessons/cow-history.lesson").readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        Lesson.Checked again = Lesson.check("cow-history", text, moved);
        assertTrue(again.ok(), again.diagnostics().toString());
        for (int i = 0; i < shipped.parts().size(); i++) {
            assertEquals("# a note added above\n# and another\n" + shipped.parts().get(i).text(), again.lesson().parts().get(i).text());
        }
    }

    @Test
    void aLessonNeedsATitleAndAPart() {
        assertNotEquals(List.of(), errors("intro \"x\"\n"));
        assertTrue(errors("lesson \"t\"\n").get(0).contains("COW218"));
    }
}
