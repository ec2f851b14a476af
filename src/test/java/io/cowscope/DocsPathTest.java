package io.cowscope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.cowscope.cli.ScenarioCommands;
import io.cowscope.system.Launcher;

/**
 * The repository explains itself: the README, docs/*.md and every command's help name no file
 * outside the repository (no absolute machine paths, no spec beside the repository), and every
 * relative Markdown link points to a file inside it.
 */
class DocsPathTest {
    /** absolute paths of one machine (home, work and temp folders), a Windows drive, or the spec kept beside the repository */
    static final Pattern OUTSIDE = Pattern.compile(
            "(?<![\\w.~-])/(?:work|home|tmp|root|Users|farm|mnt|srv)/\\S*"
            + "|\\b[A-Za-z]:\\\\\\S+"
            + "|(?<![\\w./-])shared/\\S*"
            + "|kernel-model(?:\\.md)?"
            + "|scenario-language\\.ebnf"
            + "|beside the repository");
    static final Pattern MD_LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    static Map<String, String> texts() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("README.md", Files.readString(Path.of("README.md"), StandardCharsets.UTF_8));
        try (Stream<Path> s = Files.list(Path.of("docs"))) {
            for (Path p : s.filter(p -> p.toString().endsWith(".md")).sorted().toList())
                out.put(p.toString(), Files.readString(p, StandardCharsets.UTF_8));
        }
        for (String c : ScenarioCommands.NAMES) out.put("cowscope " + c + " --help", run(c, "--help"));
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        Launcher.standard().dispatch(new String[]{"--help"}, new PrintStream(o, true, StandardCharsets.UTF_8), System.err);
        out.put("cowscope --help", o.toString(StandardCharsets.UTF_8));
        return out;
    }

    static String run(String name, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ScenarioCommands.run(name, args, new PrintStream(o, true, StandardCharsets.UTF_8), System.err);
        return o.toString(StandardCharsets.UTF_8);
    }

    @Test
    void docsAndHelpNameNoPathOutsideTheRepository() throws IOException {
        List<String> found = new ArrayList<>();
        Map<String, String> texts = texts();
        for (Map.Entry<String, String> t : texts.entrySet()) {
            String[] lines = t.getValue().split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                Matcher m = OUTSIDE.matcher(lines[i]);
                while (m.find()) found.add(t.getKey() + ":" + (i + 1) + ": " + m.group());
            }
        }
        assertTrue(texts.size() > 8, texts.keySet().toString());
        assertEquals(List.of(), found, "name files inside the repository instead (docs/rules.md, docs/engine.md, …)");
    }

    @Test
    void relativeLinksStayInsideTheRepositoryAndExist() throws IOException {
        Path root = Path.of("").toAbsolutePath().normalize();
        List<String> bad = new ArrayList<>();
        for (Map.Entry<String, String> t : texts().entrySet()) {
            if (!t.getKey().endsWith(".md")) continue;
            Path base = root.resolve(t.getKey()).getParent();
            Matcher m = MD_LINK.matcher(t.getValue());
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*") || target.startsWith("#")) continue; // URLs, anchors
                String file = target.replaceAll("#.*$", "");
                Path p = base.resolve(file).normalize();
                if (!p.startsWith(root)) bad.add(t.getKey() + ": " + target + " leaves the repository");
                else if (!Files.exists(p)) bad.add(t.getKey() + ": " + target + " does not exist");
            }
        }
        assertEquals(List.of(), bad);
    }

    @Test
    void thePatternCatchesWhatTheIssueFound() {
        for (String s : List.of("`shared/` (beside the repository)", "`/work/shared/spec/kernel-model.md`",
                "(kernel-model.md section 2)", "gcc -o /tmp/kcb x.c", "C:\\Users\\me\\cow"))
            assertTrue(OUTSIDE.matcher(s).find(), s);
        for (String s : List.of("docs/rules.md", "src/main/resources/scenarios/dirty-cow.cow", "/usr/bin/chromium",
                "/etc/rabbitmq/conf.d/90-cowscope.conf", "target/cp.txt", "frontend/src/share/present.ts"))
            assertTrue(!OUTSIDE.matcher(s).find(), s);
    }
}
