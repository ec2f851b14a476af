package io.cowscope.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cowscope.engine.KernelVersion;

/** The ask extension: syntax tree, JSON, compatibility, and the engine's answers at different kernels. */
class AskTest {

    private static final String CVE = """
            title "cve"
            kernel 5.7
            process parent
            parent: buf = mmap 1
            parent: write buf "secret-1"
            parent: fork child
            child: vmsplice buf into p
            child: munmap buf
            ask "Copy or reuse?" decision
            parent: write buf "secret-2"
            ask "What does the child read?" last choices "secret-1", "secret-2"
            child: read p
            """;

    private static List<Answers.Answer> answers(String text, String kernel, boolean predict) {
        ScenarioLanguage.Checked c = ScenarioLanguage.check(text);
        assertTrue(c.ok(), () -> c.diagnostics().toString());
        Execution ex = new Execution(c.scenario(), KernelVersion.parse(kernel).orElseThrow()).predict(predict);
        ex.runToEnd();
        return ex.answers();
    }

    @Test
    void askIsANodeWithAQuestionAndNoAnswer() {
        Scenario s = ScenarioLanguageTest.ok(CVE);
        Statement.Ask a = (Statement.Ask) s.statements().get(6).node();
        assertEquals(new Question.Decision(), a.question());
        assertEquals("Copy or reuse?", a.prompt());
        assertEquals(List.of("copy", "reuse", "none"), a.options());
        Statement.Ask b = (Statement.Ask) s.statements().get(8).node();
        assertEquals(List.of("secret-1", "secret-2"), b.options());
        assertEquals(9, s.statements().get(6).line());
    }

    @Test
    void jsonTreeNamesTheKindAndChoices() {
        Scenario s = ScenarioLanguageTest.ok(CVE);
        Map<String, Object> st = JsonTree.statement(s.statements().get(6));
        assertEquals("ask", st.get("kind"));
        assertEquals("Copy or reuse?", st.get("prompt"));
        assertEquals(List.of("copy", "reuse", "none"), st.get("choices"));
        assertEquals("choice", st.get("form"));
        assertEquals("Decision", ((Map<?, ?>) st.get("question")).get("type"));
        String json = Json.write(JsonTree.of(ScenarioLanguageTest.ok("process p\np: b = mmap 1\nask p.b page refcount choices 1, 2\np: write b \"x\"\n")));
        assertTrue(json.contains("\"count\":\"refcount\"") || json.contains("\"count\": \"refcount\""), json);
    }

    @Test
    void theSameQuestionHasDifferentAnswersOnDifferentKernels() {
        Answers.Answer old = answers(CVE, "5.7", false).get(0);
        Answers.Answer now = answers(CVE, "6.18", false).get(0);
        assertEquals(List.of("reuse"), old.correct());
        assertEquals(List.of("copy"), now.correct());
        assertEquals("MAPCOUNT_REUSE", old.explanation().rule());
        assertNotNull(now.explanation().commit());
        assertNotEquals(old.explanation().rule(), now.explanation().rule());
        assertEquals(List.of("secret-2"), answers(CVE, "5.7", false).get(1).correct());
        assertEquals(List.of("secret-1"), answers(CVE, "6.18", false).get(1).correct());
        assertTrue(old.isCorrect("reuse"));
        assertFalse(old.isCorrect("copy"));
    }

    @Test
    void answersAreTheStatesExpectationsSee() {
        // the answer to a count question must agree with an expectation on the same state
        String text = """
                process a
                a: x = mmap 1
                a: write x "1"
                ask a.x[0] page refcount
                a: fork b
                ask b.x[0] pagemap exclusive
                b: write x "2"
                """;
        for (String k : List.of("4.8", "5.7", "5.19", "6.18")) {
            List<Answers.Answer> as = answers(text, k, false);
            long rc = Long.parseLong(as.get(0).correct().get(0));
            String check = text.replace("ask a.x[0] page refcount\na: fork b\n", "a: fork b\nexpect a.x[0] page refcount == " + rc + "\n");
            RunResult r = Execution.run(ScenarioLanguageTest.ok(check), KernelVersion.parse(k).orElseThrow());
            assertTrue(r.ok(), k + ": " + r.expectations());
            assertEquals(3, as.get(0).step()); // mmap 1, write 2, fork 3 (the declaration is step 0)
        }
    }

    @Test
    void predictModeAsksAtEveryRuledDecision() {
        String text = CVE.replace("ask \"Copy or reuse?\" decision\n", "");
        List<Answers.Answer> old = answers(text, "5.7", true);
        List<Answers.Answer> now = answers(text, "6.18", true);
        Answers.Answer a = old.stream().filter(Answers.Answer::auto).findFirst().orElseThrow();
        Answers.Answer b = now.stream().filter(Answers.Answer::auto).findFirst().orElseThrow();
        assertEquals(a.step(), b.step());
        assertEquals("parent: write buf \"secret-2\"", a.stepSource());
        assertEquals(List.of("reuse"), a.correct());
        assertEquals(List.of("copy"), b.correct());
        assertTrue(answers(text, "5.7", false).stream().noneMatch(Answers.Answer::auto));
    }

    @Test
    void askNeedsAStepAndNamesLineAndColumn() {
        List<Diagnostic> ds = ScenarioLanguageTest.errors("process p\np: b = mmap 1\n  ask p.b page refcount\n");
        assertEquals("COW216", ds.get(0).code());
        assertEquals(3, ds.get(0).line());
        assertEquals(3, ds.get(0).column());
    }
}
