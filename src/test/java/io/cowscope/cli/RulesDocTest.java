package io.cowscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cowscope.engine.KernelVersion;
import io.cowscope.engine.Rule;

/** docs/rules.md is exactly {@code cowscope rules --format md}; every format lists every rule; eras follow the table. */
class RulesDocTest {

    static String run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code = ScenarioCommands.run("rules", args, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        assertEquals(0, code, e.toString(StandardCharsets.UTF_8));
        return o.toString(StandardCharsets.UTF_8);
    }

    @Test
    void docsRulesMdIsTheRulesCommandsMarkdown() throws IOException {
        Path doc = Path.of("docs/rules.md");
        String expected = run("--format", "md");
        String actual = Files.exists(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : "(missing)";
        assertEquals(expected, actual, "docs/rules.md differs from the engine's rule table (Rule.java). Regenerate it from the "
                + "repository root:\n    mvn -B -ntp -q package -DskipTests -Dfrontend.skip=true\n    " + RulesCommand.REGENERATE
                + "\nand commit docs/rules.md with the rule change.");
    }

    @Test
    void everyFormatListsEveryRuleWithItsRangeAndCommits() {
        String text = run(), md = run("--format", "md"), json = run("--format", "json");
        for (Rule r : Rule.values()) {
            assertTrue(text.contains(r.name() + " ") && text.contains(r.range()), r.name());
            assertTrue(md.contains("| `" + r.name() + "` | " + r.range().replace("|", "\\|") + " |"), r.name());
            assertTrue(json.contains("\"id\": \"" + r.name() + "\""), r.name());
            if (!r.commits.equals("-")) assertTrue(md.contains(r.commits), r.name());
            // descriptions are wrapped in text, never cut
            assertTrue(text.replaceAll("\\s+", " ").contains(r.description.replaceAll("\\s+", " ")), r.name());
        }
        assertTrue(text.startsWith(Rule.values().length + " rules"), text);
    }

    @Test
    void erasStartWhereTheirRulesComeIntoForce() {
        Map<String, Rule> opens = Map.of("E1", Rule.GUP_FORCE_COW_BREAK, "E2", Rule.PAGE_COUNT_REUSE,
                "E3", Rule.ANON_EXCLUSIVE, "E4", Rule.LARGE_FOLIO_REUSE);
        List<KernelVersion> all = KernelVersion.all();
        for (int i = 1; i < all.size(); i++) {
            String a = Eras.of(all.get(i - 1)), b = Eras.of(all.get(i));
            if (!a.equals(b)) assertEquals(opens.get(b).from, all.get(i), b);
        }
        assertEquals("E0", Eras.of(KernelVersion.OLDEST));
        for (Eras.Era e : Eras.ALL) assertTrue(e.meaning().length() > 10);
    }

    @Test
    void usageErrors() {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        assertEquals(2, ScenarioCommands.run("rules", new String[]{"--format", "xml"}, new PrintStream(o), new PrintStream(e)));
        assertEquals(2, ScenarioCommands.run("rules", new String[]{"x.cow"}, new PrintStream(o), new PrintStream(e)));
    }
}
