package io.cowscope.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cowscope.engine.Event;
import io.cowscope.engine.EventType;
import io.cowscope.engine.Hazard;
import io.cowscope.engine.KernelVersion;
import io.cowscope.engine.Observer;
import io.cowscope.engine.PageView;
import io.cowscope.engine.Pagemap;
import io.cowscope.engine.PteView;
import io.cowscope.engine.ReadValue;
import io.cowscope.engine.Rule;
import io.cowscope.engine.Step;

/**
 * The engine's answers to questions ({@code ask} statements, and the automatic "copy or reuse?" of
 * predict mode). An answer is never written in a scenario: it is read from the step the engine just
 * ran (its events, hazards, value) and from the machine's {@link Observer} after that step, at the
 * kernel being run. Each answer carries its explanation: the deciding event's rule, commit, kernel
 * function, sentence and values.
 */
public final class Answers {

    private Answers() {
    }

    /** Why the answer is what it is: the rule that decided (null for plain state questions), in words and values. */
    public record Explanation(String rule, String cite, String commit, String function, String text, Map<String, Object> values) {
        public Explanation {
            values = values == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }
    }

    /**
     * One question and its answer at one kernel. {@code step} is the 1-based operation step the question
     * is about (the Execution's count of operations); {@code line}/{@code column} are the ask's (the step's
     * for an automatic question); {@code correct} lists the accepted answers (a viewer's answer is right
     * when it is one of them), {@code shown} is the answer as a sentence.
     */
    public record Answer(int index, int line, int column, String ask, String prompt, String question, String form,
                         List<String> options, boolean auto, int step, int stepLine, String stepSource, String kernel,
                         List<String> correct, String shown, Explanation explanation) {

        public boolean isCorrect(String given) {
            if (given == null) return false;
            String g = given.strip();
            return correct.contains(g);
        }
    }

    /** The decision events of predict mode: copy, reuse or unshare decided by a rule. */
    public static Event decisionEvent(Step step) {
        for (Event e : step.events()) {
            if (e.type() == EventType.COW || e.type() == EventType.REUSE || e.type() == EventType.UNSHARE
                    || e.type() == EventType.FORK_COPY) {
                return e;
            }
        }
        return null;
    }

    /** True when the step made a copy-or-reuse decision under a versioned rule: predict mode asks before it. */
    public static boolean hasRuledDecision(Step step) {
        for (Event e : step.events()) {
            if ((e.type() == EventType.COW || e.type() == EventType.REUSE || e.type() == EventType.FORK_COPY
                    || (e.type() == EventType.UNSHARE)) && e.rule() != null) {
                return true;
            }
        }
        return false;
    }

    static String decisionWord(Event e) {
        if (e == null) return "none";
        if (e.type() == EventType.REUSE) return "reuse";
        if (e.type() == EventType.UNSHARE && "mark".equals(e.kind())) return "reuse";
        return "copy";
    }

    /**
     * Answers {@code ask} (at statement {@code at}, null for an automatic question) about {@code step},
     * which the engine has just applied; {@code obs} sees the state after it.
     */
    public static Answer answer(int index, Statement at, Statement.Ask ask, boolean auto, int stepNumber, Statement stepStmt,
                                Step step, Observer obs, KernelVersion kernel) {
        Question q = ask.question();
        List<String> correct = new ArrayList<>();
        String shown;
        Explanation why = null;
        Event decision = decisionEvent(step);
        try {
            if (q instanceof Question.Decision) {
                String w = decisionWord(decision);
                correct.add(w);
                shown = decision == null ? "none: this step makes no copy-or-reuse decision"
                        : w + " (" + decision.type().word + (decision.kind() == null ? "" : " " + decision.kind()) + " in " + decision.function()
                        + (decision.proc() == null ? "" : " at " + decision.proc() + "." + decision.var() + "[" + decision.page() + "]") + ")";
                why = explain(decision);
            } else if (q instanceof Question.Fault) {
                boolean f = step.count(EventType.FAULT) > 0;
                correct.add(f ? "yes" : "no");
                Event fe = first(step, EventType.FAULT);
                shown = f ? "yes: " + step.count(EventType.FAULT) + " fault" + (step.count(EventType.FAULT) == 1 ? "" : "s")
                        + (fe != null && fe.kind() != null ? " (" + fe.kind() + ")" : "") : "no: the step takes no page fault";
                why = explain(decision != null ? decision : fe);
            } else if (q instanceof Question.Hazard) {
                for (Hazard h : step.hazards()) {
                    if (h.type() == io.cowscope.engine.HazardType.SIGSEGV) continue;
                    if (!correct.contains(h.type().word)) correct.add(h.type().word);
                }
                if (correct.isEmpty()) correct.add("none");
                shown = correct.get(0).equals("none") ? "none: this step raises no hazard" : String.join(", ", correct) + ": "
                        + step.hazards().stream().filter(h -> h.type() != io.cowscope.engine.HazardType.SIGSEGV).map(Hazard::text).findFirst().orElse("");
                why = explain(decision);
            } else if (q instanceof Question.Last) {
                ReadValue v = step.value();
                String t = v == null ? null : v.text();
                if (t == null) {
                    shown = "nothing: this step reads nothing";
                } else {
                    correct.add(t);
                    shown = Printer.quote(t);
                }
                why = explain(decision);
            } else {
                Subject.Page pg = q.page();
                int idx = pg.index() == null ? 0 : pg.index();
                String where = pg.proc() + "." + pg.var() + "[" + idx + "]";
                if (q instanceof Question.Count c) {
                    PageView p = obs.page(pg.proc(), pg.var(), idx);
                    long n = p == null ? 0 : c.count() == Check.PageCount.REFCOUNT ? p.refcount()
                            : c.count() == Check.PageCount.MAPCOUNT ? p.mapcount() : p.pincount();
                    correct.add(Long.toString(n));
                    Map<String, Object> vals = new LinkedHashMap<>();
                    if (p != null) {
                        vals.put("pfn", p.pfn());
                        vals.put("refcount", p.refcount());
                        vals.put("mapcount", p.mapcount());
                        vals.put("pincount", p.pincount());
                        List<String> src = new ArrayList<>();
                        for (io.cowscope.engine.RefSource r : p.sources()) src.add(String.valueOf(r));
                        vals.put("sources", src);
                    }
                    shown = p == null ? "0: no page is mapped at " + where : n + " (" + c.count().word() + " of pfn " + p.pfn() + ")";
                    why = withValues(explain(decision), vals, p == null ? null
                            : "pfn " + p.pfn() + ": refcount " + p.refcount() + ", mapcount " + p.mapcount() + ", pincount " + p.pincount());
                } else if (q instanceof Question.Content) {
                    String t = obs.content(pg.proc(), pg.var(), idx);
                    if (t == null) {
                        shown = "nothing: no readable mapping covers " + where + " (a read would SIGSEGV)";
                    } else {
                        correct.add(t);
                        shown = Printer.quote(t);
                    }
                    why = explain(decision);
                } else if (q instanceof Question.Pte x) {
                    PteView v = obs.pte(pg.proc(), pg.var(), idx);
                    boolean b = v != null && Expectations.pteFlag(v, x.flag());
                    correct.add(b ? "yes" : "no");
                    shown = (b ? "yes" : "no") + ": the PTE of " + where + " is " + Expectations.describePte(v);
                    why = explain(decision);
                } else if (q instanceof Question.PageFlag x) {
                    PageView p = obs.page(pg.proc(), pg.var(), idx);
                    boolean b = p != null && Expectations.pageFlag(p, x.flag());
                    correct.add(b ? "yes" : "no");
                    shown = (b ? "yes" : "no") + (p == null ? ": no page is mapped at " + where : ": pfn " + p.pfn() + (b ? " is " : " is not ") + x.flag().word());
                    Explanation e = explain(decision);
                    if (x.flag() == Check.PageFlag.ANON_EXCLUSIVE && (e == null || e.rule() == null)) e = ruleOnly(Rule.ANON_EXCLUSIVE, kernel);
                    why = e;
                } else if (q instanceof Question.Pagemap x) {
                    Pagemap m = obs.pagemap(pg.proc(), pg.var(), idx);
                    boolean b = m != null && Expectations.pagemapBit(m, x.bit());
                    correct.add(b ? "yes" : "no");
                    shown = (b ? "yes" : "no") + ": bit " + Question.bitNumber(x.bit()) + " of " + (m == null ? "an empty entry" : m.hex());
                    Map<String, Object> vals = new LinkedHashMap<>();
                    if (m != null) vals.put("pagemap", m.hex());
                    String text = null;
                    if (x.bit() == Check.PagemapBit.EXCLUSIVE) {
                        PageView p = obs.page(pg.proc(), pg.var(), idx);
                        if (p != null) {
                            vals.put("mapcount", p.mapcount());
                            text = "bit 56 (exclusively mapped) is reported when mapcount == 1: mapcount is " + p.mapcount();
                        }
                    }
                    why = withValues(explain(decision), vals, text);
                } else {
                    Question.Shares s = (Question.Shares) q;
                    Subject.Page o = s.other();
                    int oi = o.index() == null ? idx : o.index();
                    boolean b = obs.shares(pg.proc(), pg.var(), idx, o.proc(), o.var(), oi);
                    correct.add(b ? "yes" : "no");
                    shown = (b ? "yes: the same physical page" : "no: different pages (or one is not mapped)");
                    why = explain(decision);
                }
            }
        } catch (IllegalArgumentException e) {
            shown = "no answer: " + e.getMessage();
        }
        int line = at == null ? stepStmt.line() : at.line();
        int column = at == null ? stepStmt.column() : at.column();
        return new Answer(index, line, column, at == null ? Printer.ask(ask) : at.source(), ask.promptText(), Printer.question(q),
                q.form().name().toLowerCase(java.util.Locale.ROOT), ask.options(), auto, stepNumber, stepStmt.line(),
                stepStmt.source(), kernel.toString(), List.copyOf(correct), shown, why);
    }

    private static Event first(Step step, EventType t) {
        for (Event e : step.events()) if (e.type() == t) return e;
        return null;
    }

    static Explanation explain(Event e) {
        if (e == null) return null;
        Rule r = e.rule();
        return new Explanation(r == null ? null : r.name(), r == null ? null : r.cite(), r == null ? null : r.commit(),
                e.function(), e.text() != null ? e.text() : r != null ? r.description : null, e.values());
    }

    private static Explanation ruleOnly(Rule r, KernelVersion k) {
        String text = (r.inForce(k) ? "in force at " : "not in force at ") + k + ": " + r.description;
        return new Explanation(r.name(), r.cite(), r.commit(), null, text, Map.of());
    }

    private static Explanation withValues(Explanation e, Map<String, Object> values, String text) {
        if (values.isEmpty() && text == null) return e;
        Map<String, Object> all = new LinkedHashMap<>();
        if (e != null) all.putAll(e.values());
        all.putAll(values);
        if (e == null) return new Explanation(null, null, null, null, text, all);
        return new Explanation(e.rule(), e.cite(), e.commit(), e.function(), text != null ? text + "; " + e.text() : e.text(), all);
    }
}
