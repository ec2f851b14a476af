package io.cowscope.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * One runner for every golden file: a file's expected diagnostics are its comment lines
 * {@code # error [line N:C] CODE: message} (CODE optional); a file without them must be valid, and then
 * print → parse gives the same scenario and printing is idempotent. Gallery scenarios must be valid and
 * round-trip too.
 */
class GoldenTest {
    private static final Pattern ERROR = Pattern.compile("^# error \\[line (\\d+)(?::(\\d+))?\\](?: (COW\\d+))?: (.*)$");

    @TestFactory
    Stream<DynamicTest> goldenFiles() {
        return Fixtures.golden().stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> golden(p)));
    }

    @TestFactory
    Stream<DynamicTest> galleryRoundTrips() {
        return Fixtures.gallery().stream().map(e -> DynamicTest.dynamicTest(e.id(), () -> {
            ScenarioLanguage.Checked c = ScenarioLanguage.check(e.text());
            assertTrue(c.ok(), () -> e.id() + ": " + c.diagnostics());
            roundTrip(c.scenario());
        }));
    }

    @Test
    void thereAreGoldenFilesOfEveryKind() {
        List<String> names = Fixtures.golden().stream().map(p -> p.getFileName().toString()).toList();
        assertTrue(names.stream().anyMatch(n -> n.startsWith("bad-lexical")));
        assertTrue(names.stream().anyMatch(n -> n.startsWith("bad-syntax")));
        assertTrue(names.stream().anyMatch(n -> n.startsWith("bad-semantic")));
        assertTrue(names.stream().anyMatch(n -> n.startsWith("limit-")));
        assertTrue(names.stream().anyMatch(n -> n.startsWith("valid-")));
    }

    private static void golden(Path p) {
        byte[] bytes = Fixtures.bytes(p);
        List<String> expected = new ArrayList<>();
        boolean withColumns = true;
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            Matcher m = ERROR.matcher(line.strip());
            if (!m.matches()) continue;
            if (m.group(2) == null) withColumns = false;
            expected.add(key(Integer.parseInt(m.group(1)), m.group(2) == null ? 0 : Integer.parseInt(m.group(2)), m.group(3), m.group(4)));
        }
        ScenarioLanguage.Checked c = ScenarioLanguage.check(bytes);
        if (expected.isEmpty()) {
            assertTrue(c.ok(), () -> "expected a valid scenario, got " + c.diagnostics());
            roundTrip(c.scenario());
            return;
        }
        assertFalse(c.ok());
        List<String> actual = new ArrayList<>();
        for (Diagnostic d : c.diagnostics()) {
            String code = null;
            for (String e : expected) if (e.contains(" " + d.code() + ": ")) code = d.code();
            actual.add(key(d.line(), withColumns ? d.column() : 0, code, d.message()));
        }
        assertEquals(String.join("\n", expected), String.join("\n", actual), p.getFileName().toString());
    }

    private static String key(int line, int col, String code, String message) {
        return line + ":" + col + " " + (code == null ? "" : code) + ": " + message;
    }

    static void roundTrip(Scenario s) {
        String printed = Printer.print(s);
        ScenarioLanguage.Checked again = ScenarioLanguage.check(printed);
        assertTrue(again.ok(), () -> "printed form does not check: " + again.diagnostics() + "\n" + printed);
        assertEquals(s, again.scenario(), "parse(print(x)) != x");
        assertEquals(printed, Printer.print(again.scenario()), "printing is not idempotent");
        String bare = Printer.print(s, false);
        assertEquals(s, ScenarioLanguage.check(bare).scenario(), "without comments");
    }
}
