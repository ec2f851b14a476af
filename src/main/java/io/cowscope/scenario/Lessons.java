package io.cowscope.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The shipped lessons: the {@code .lesson} files listed in classpath {@code lessons/index.txt}, each
 * checked against the gallery. A lesson with errors is left out of {@link #lessons()} and kept in
 * {@link #problems()} (the build's LessonTest fails on any).
 */
public final class Lessons {

    /** A shipped lesson file that does not check: its id and diagnostics. */
    public record Problem(String id, List<Diagnostic> diagnostics) {}

    private final List<Lesson> lessons;
    private final List<Problem> problems;

    private Lessons(List<Lesson> lessons, List<Problem> problems) {
        this.lessons = List.copyOf(lessons);
        this.problems = List.copyOf(problems);
    }

    public List<Lesson> lessons() {
        return lessons;
    }

    public List<Problem> problems() {
        return problems;
    }

    public Optional<Lesson> find(String id) {
        return lessons.stream().filter(l -> l.id().equals(id)).findFirst();
    }

    public static Lessons load(Gallery gallery) {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        if (cl == null) cl = Lessons.class.getClassLoader();
        List<Lesson> out = new ArrayList<>();
        List<Problem> bad = new ArrayList<>();
        for (String name : names(cl)) {
            try (InputStream in = cl.getResourceAsStream("lessons/" + name)) {
                if (in == null) continue;
                String id = name.substring(0, name.length() - ".lesson".length());
                Lesson.Checked c = Lesson.check(id, new String(in.readAllBytes(), StandardCharsets.UTF_8), gallery);
                if (c.ok()) out.add(c.lesson());
                else bad.add(new Problem(id, c.diagnostics()));
            } catch (IOException e) {
                bad.add(new Problem(name, List.of()));
            }
        }
        return new Lessons(out, bad);
    }

    private static List<String> names(ClassLoader cl) {
        List<String> out = new ArrayList<>();
        try (InputStream idx = cl.getResourceAsStream("lessons/index.txt")) {
            if (idx == null) return out;
            for (String l : new String(idx.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String s = l.strip();
                if (s.isEmpty() || s.startsWith("#")) continue;
                out.add(s.endsWith(".lesson") ? s : s + ".lesson");
            }
        } catch (IOException e) {
            // no lessons
        }
        return out;
    }
}
