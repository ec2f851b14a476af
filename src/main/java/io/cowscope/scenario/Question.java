package io.cowscope.scenario;

import java.util.List;

/**
 * What an {@code ask} statement asks about the next step. The answer is never written in the
 * scenario: {@link Answers} computes it with the engine at the kernel being run. Each question has an
 * answer {@link Form}: a fixed set of choices (decision, fault, hazard, yes/no questions), a number
 * (page counts) or a text (content, last).
 */
public sealed interface Question {

    /** How an answer is given. */
    enum Form { CHOICE, NUMBER, TEXT }

    /** The words the language uses after {@code ask} (for suggestions). */
    List<String> WORDS = List.of("decision", "fault", "hazard", "last");

    /** Fixed choices of {@code decision}. */
    List<String> DECISIONS = List.of("copy", "reuse", "none");
    List<String> YES_NO = List.of("yes", "no");
    List<String> HAZARDS = List.of("none", "leak", "coherency_lost", "file_corrupted", "spurious_cow");

    Form form();

    /** The fixed choices of a CHOICE question, else empty (the scenario may list choices of its own). */
    default List<String> fixedChoices() {
        return List.of();
    }

    /** The sentence the UI shows when the ask has no prompt of its own. */
    String defaultPrompt();

    /** {@code decision}: copy or reuse? The first COW decision the next step makes (none: it makes none). */
    record Decision() implements Question {
        public Form form() { return Form.CHOICE; }
        public List<String> fixedChoices() { return DECISIONS; }
        public String defaultPrompt() { return "Copy or reuse? What does the kernel decide in this step?"; }
    }

    /** {@code fault}: does the next step take a page fault? */
    record Fault() implements Question {
        public Form form() { return Form.CHOICE; }
        public List<String> fixedChoices() { return YES_NO; }
        public String defaultPrompt() { return "Does this step fault?"; }
    }

    /** {@code hazard}: which hazard does the next step raise, if any? */
    record Hazard() implements Question {
        public Form form() { return Form.CHOICE; }
        public List<String> fixedChoices() { return HAZARDS; }
        public String defaultPrompt() { return "Which hazard does this step raise?"; }
    }

    /** {@code last}: what does the next step read? */
    record Last() implements Question {
        public Form form() { return Form.TEXT; }
        public String defaultPrompt() { return "What does this step read?"; }
    }

    /** {@code PROC.VAR[i] page refcount|mapcount|pincount}: the count after the step. */
    record Count(Subject.Page page, Check.PageCount count) implements Question {
        public Form form() { return Form.NUMBER; }
        public String defaultPrompt() { return "After this step, what is the " + count.word() + " of " + show(page) + "?"; }
    }

    /** {@code PROC.VAR[i] content}: what a read would return after the step. */
    record Content(Subject.Page page) implements Question {
        public Form form() { return Form.TEXT; }
        public String defaultPrompt() { return "After this step, what does " + show(page) + " hold?"; }
    }

    /** {@code PROC.VAR[i] pte FLAG}: is the PTE flag set after the step? */
    record Pte(Subject.Page page, Check.PteFlag flag) implements Question {
        public Form form() { return Form.CHOICE; }
        public List<String> fixedChoices() { return YES_NO; }
        public String defaultPrompt() { return "After this step, is the PTE of " + show(page) + " " + flag.word() + "?"; }
    }

    /** {@code PROC.VAR[i] page FLAG}: does the page have the flag after the step? */
    record PageFlag(Subject.Page page, Check.PageFlag flag) implements Question {
        public Form form() { return Form.CHOICE; }
        public List<String> fixedChoices() { return YES_NO; }
        public String defaultPrompt() { return "After this step, is the page of " + show(page) + " " + flag.word() + "?"; }
    }

    /** {@code PROC.VAR[i] pagemap BIT}: is the /proc/PID/pagemap bit set after the step? */
    record Pagemap(Subject.Page page, Check.PagemapBit bit) implements Question {
        public Form form() { return Form.CHOICE; }
        public List<String> fixedChoices() { return YES_NO; }
        public String defaultPrompt() {
            return "After this step, is pagemap bit " + bitNumber(bit) + " (" + bit.word() + ") of " + show(page) + " set?";
        }
    }

    /** {@code PROC.VAR[i] shares PROC2.VAR2[j]}: the same physical page after the step? */
    record Shares(Subject.Page page, Subject.Page other) implements Question {
        public Form form() { return Form.CHOICE; }
        public List<String> fixedChoices() { return YES_NO; }
        public String defaultPrompt() { return "After this step, do " + show(page) + " and " + show(other) + " share a page?"; }
    }

    /** The page a question is about, or null. */
    default Subject.Page page() {
        return null;
    }

    static String show(Subject.Page p) {
        return p.proc() + "." + p.var() + (p.index() == null ? "" : "[" + p.index() + "]");
    }

    static int bitNumber(Check.PagemapBit b) {
        switch (b) {
            case PRESENT: return 63;
            case SWAPPED: return 62;
            case FILE: return 61;
            case UFFD_WP: return 57;
            case EXCLUSIVE: return 56;
            default: return 55;
        }
    }
}
