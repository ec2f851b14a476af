package io.cowscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.cowscope.engine.KernelVersion;
import io.cowscope.scenario.Practice;

/** cowscope practice: reproducible by seed, and every emitted problem passes cowscope run at its kernel. */
class PracticeCommandTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {}

    Result cmd(String name, String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        int code = ScenarioCommands.run(name, args, new ByteArrayInputStream(new byte[0]),
                new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
        return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    private static List<String> files(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.sorted().map(p -> {
                try {
                    return p.getFileName() + "\n" + Files.readString(p);
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }).toList();
        }
    }

    @Test
    void theSameSeedGivesTheSameFiles() throws IOException {
        Path a = dir.resolve("a"), b = dir.resolve("b"), c = dir.resolve("c");
        assertEquals(0, cmd("practice", "--seed", "42", "--count", "6", "--kernel", "5.7", "--emit", a.toString()).code);
        assertEquals(0, cmd("practice", "--seed=42", "--count=6", "--kernel=5.7", "--emit=" + b).code);
        assertEquals(0, cmd("practice", "--seed", "43", "--count", "6", "--kernel", "5.7", "--emit", c.toString()).code);
        assertEquals(6, files(a).size());
        assertEquals(files(a), files(b));
        assertNotEquals(files(a), files(c));
        assertEquals(cmd("practice", "--seed", "42", "--count", "6").out, cmd("practice", "--seed", "42", "--count", "6").out);
    }

    @Test
    void emittedProblemsPassRunAtTheirKernel() throws IOException {
        Set<String> kinds = new TreeSet<>();
        for (String k : List.of("4.8", "5.7", "5.9", "6.18")) {
            Path d = dir.resolve("k" + k);
            Result r = cmd("practice", "--seed", "7", "--count", "12", "--kernel", k, "--emit", d.toString());
            assertEquals(0, r.code, r.err);
            List<String> args = new ArrayList<>();
            try (Stream<Path> s = Files.list(d)) {
                s.sorted().forEach(p -> args.add(p.toString()));
            }
            for (String f : args) {
                Result run = cmd("run", f);
                assertEquals(0, run.code, f + "\n" + run.out + run.err);
                String text = Files.readString(Path.of(f));
                assertTrue(text.contains("\nkernel " + k + "\n"), text);
                assertTrue(text.contains("\nask "), text);
                assertTrue(text.contains("\nexpect "), text);
            }
            for (Practice.Problem p : Practice.generate(7, 12, KernelVersion.parse(k).orElseThrow())) kinds.add(p.question().replaceAll("^.*\\] ", ""));
        }
        // the generator asks every kind of question the issue names
        assertTrue(kinds.containsAll(List.of("page refcount", "pagemap exclusive", "fault", "decision")), kinds.toString());
    }

    @Test
    void printsProblemsWithoutAnswersUnlessAsked() {
        Result r = cmd("practice", "--seed", "1", "--count", "2");
        assertEquals(0, r.code);
        assertTrue(r.out.contains("Problem 1 (seed 1, kernel 6.18)"), r.out);
        assertTrue(r.out.contains("?? "), r.out);
        assertTrue(!r.out.contains("=> "), r.out);
        assertTrue(cmd("practice", "--seed", "1", "--count", "2", "--answers").out.contains("=> "));
    }

    @Test
    void usageErrors() {
        assertEquals(2, cmd("practice").code);
        assertEquals(2, cmd("practice", "--seed", "x").code);
        assertEquals(2, cmd("practice", "--seed", "1", "--count", "0").code);
        assertEquals(2, cmd("practice", "--seed", "1", "--kernel", "5.20").code);
        assertTrue(cmd("practice", "--seed", "1", "--kernel", "5.20").err.contains("unsupported kernel version '5.20'"));
        assertEquals(2, cmd("practice", "--seed", "1", "extra").code);
    }
}
