package io.cowscope.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.cowscope.engine.KernelVersion;

/**
 * Seeded practice problems (OSTEP-style): small random fork/write/pin/pipe scenarios at one kernel, each
 * ending in a question ("after this step, what is the refcount of parent.buf[0]?", "does the child's
 * write fault?", "is pagemap bit 56 set?", "copy or reuse?"). The answer is the engine's: a problem's
 * {@link Problem#text()} asks before the step and, after it, expects what the engine answered, so
 * {@code cowscope run} passes it at its kernel. The same seed, count and kernel give the same problems
 * on every machine (java.util.Random is specified; problem i uses seed * 1000003 + i).
 */
public final class Practice {

    /** One problem: its number (1-based), question, the engine's answer, and the .cow text (ask + expectations). */
    public record Problem(int number, long seed, String kernel, String question, String prompt, List<String> options,
                          String form, List<String> correct, String shown, Answers.Explanation explanation, String text) {
        public String fileName() {
            return String.format("practice-%d-%02d.cow", seed, number);
        }
    }

    public static final int MAX_COUNT = 100;

    private Practice() {
    }

    public static List<Problem> generate(long seed, int count, KernelVersion kernel) {
        if (count < 1 || count > MAX_COUNT) throw new IllegalArgumentException("count must be 1.." + MAX_COUNT + ", not " + count);
        List<Problem> out = new ArrayList<>();
        for (int i = 1; i <= count; i++) out.add(problem(seed, i, kernel));
        return out;
    }

    /** Problem {@code number} of a seed: drafts until one has a well-posed answer (a page to count, a step that runs). */
    public static Problem problem(long seed, int number, KernelVersion kernel) {
        Random r = new Random(seed * 1_000_003L + number);
        for (int attempt = 0; attempt < 64; attempt++) {
            Problem p = draft(r, seed, number, kernel);
            if (p != null) return p;
        }
        throw new IllegalStateException("no well-posed problem for seed " + seed + " #" + number);
    }

    private static final String[] TEXTS = {"A", "B", "C", "D"};

    private static Problem draft(Random r, long seed, int number, KernelVersion kernel) {
        int pages = 1 + r.nextInt(2);
        List<String> body = new ArrayList<>();
        body.add("process parent");
        body.add("parent: buf = mmap " + pages);
        body.add("parent: write buf \"A\"");
        if (r.nextBoolean()) body.add("lru_drain");
        int setup = r.nextInt(4);
        if (setup == 1) body.add("parent: rdma_register buf[0] as mr");
        if (setup == 2) body.add("parent: pin buf[0] as h");
        body.add("parent: fork child");
        boolean childMapped = true, childAlive = true, piped = false;
        int actions = 1 + r.nextInt(3);
        String last = null;
        for (int k = 0; k < actions; k++) {
            String a = action(r, pages, childMapped, childAlive, piped);
            if (a.contains("vmsplice")) piped = true;
            if (a.endsWith("munmap buf")) childMapped = false;
            if (a.endsWith("exit")) childAlive = false;
            if (k < actions - 1) body.add(a);
            else last = a;
        }
        // the question, about the last action
        int page = r.nextInt(pages);
        boolean write = last.contains(": write ");
        String who = childMapped && childAlive && r.nextBoolean() ? "child" : "parent";
        String ask, kind;
        int q = r.nextInt(write ? 5 : 3);
        if (q == 0) {
            ask = "ask " + who + ".buf[" + page + "] page refcount";
            kind = "refcount";
        } else if (q == 1) {
            ask = "ask " + who + ".buf[" + page + "] page mapcount";
            kind = "mapcount";
        } else if (q == 2) {
            ask = "ask " + who + ".buf[" + page + "] pagemap exclusive";
            kind = "pagemap";
        } else if (q == 3) {
            ask = "ask fault";
            kind = "fault";
        } else {
            ask = "ask decision";
            kind = "decision";
        }
        String header = "# practice problem " + number + " of seed " + seed + " (cowscope practice --seed " + seed + ")\n"
                + "title \"Practice " + seed + "-" + number + "\"\nkernel " + kernel + "\n\n";
        StringBuilder sb = new StringBuilder(header);
        for (String b : body) sb.append(b).append('\n');
        sb.append(ask).append('\n').append(last).append('\n');
        ScenarioLanguage.Checked c = ScenarioLanguage.check(sb.toString());
        if (!c.ok()) return null;
        Execution ex = new Execution(c.scenario(), kernel);
        RunResult res = ex.runToEnd();
        if (res.error() != null || ex.answers().size() != 1) return null;
        Answers.Answer a = ex.answers().get(0);
        if (a.correct().size() != 1 || a.shown().startsWith("0: no page")) return null;
        if (kind.equals("decision") && a.correct().get(0).equals("none")) return null;
        String answer = a.correct().get(0);
        String expect;
        String subject = ask.indexOf(' ', 4) < 0 ? "" : ask.substring(4, ask.indexOf(' ', 4));
        switch (kind) {
            case "refcount": case "mapcount":
                expect = "expect " + subject + " page " + kind + " == " + answer;
                break;
            case "pagemap":
                expect = "expect " + subject + " pagemap " + (answer.equals("yes") ? "" : "!") + "exclusive";
                break;
            case "fault":
                expect = "expect last " + (answer.equals("yes") ? "" : "!") + "fault";
                break;
            default: {
                io.cowscope.engine.Event e = Answers.decisionEvent(ex.result().steps().get(ex.result().steps().size() - 1).step());
                expect = "expect last " + e.type().word;
            }
        }
        sb.append("# the engine's answer at ").append(kernel).append(": ").append(a.shown().replace('\n', ' ')).append('\n');
        sb.append(expect).append('\n');
        String text = sb.toString();
        return new Problem(number, seed, kernel.toString(), a.question(), a.prompt(), a.options(), a.form(), a.correct(), a.shown(),
                a.explanation(), text);
    }

    private static String action(Random r, int pages, boolean childMapped, boolean childAlive, boolean piped) {
        int page = r.nextInt(pages);
        String t = TEXTS[1 + r.nextInt(TEXTS.length - 1)];
        while (true) {
            switch (r.nextInt(8)) {
                case 0: case 1:
                    if (childMapped && childAlive) return "child: write buf[" + page + "] \"" + t + "\"";
                    break;
                case 2: case 3:
                    return "parent: write buf[" + page + "] \"" + t + "\"";
                case 4:
                    if (childMapped && childAlive && !piped) return "child: vmsplice buf[" + page + "] into p";
                    break;
                case 5:
                    if (childMapped && childAlive) return "child: munmap buf";
                    break;
                case 6:
                    if (childAlive) return "child: exit";
                    break;
                default:
                    return "parent: read buf[" + page + "]";
            }
        }
    }
}
