package io.cowscope.host;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.cowscope.engine.KernelVersion;
import io.cowscope.scenario.Scenario;

import static org.junit.jupiter.api.Assertions.*;

/** Expectations judged against given kernel observations, and the model/kernel comparison (no native run). */
class HostRunTest {

    static final String SCENARIO = String.join("\n",
            "process p",                                     // 0
            "p: a = mmap 1",                                 // 1
            "p: write a \"A\"",                              // 2
            "p: fork c",                                     // 3
            "expect c.a[0] shares p.a[0], == \"A\"",         // 4  pass
            "expect c.a[0] pte write",                       // 5  unobservable
            "c: write a \"B\"",                              // 6
            "expect last cow",                               // 7  pass: the frame changed
            "expect p.a[0] == \"B\"",                        // 8  fail
            "expect p.a[0] pagemap exclusive, page anon",    // 9  pass
            "expect[<5.0] p.a[0] == \"Z\"",                  // 10 not in range
            "expect p.a[0] page refcount == 1",              // 11 unobservable
            "");

    static final String OUTPUT = String.join("\n",
            "hello kernel=6.18.1 root=1 pfn=1 kpage=1 swap=on softdirty=0 thp=madvise cpus=2",
            "step 0 ok flt=? maj=?", "proc 0 alive 10", "end 0",
            "step 1 ok flt=0 maj=0", "proc 0 alive 10", "page 0 0 0 pm=0 kc=- kf=- vma=w c=?", "end 1",
            "step 2 ok flt=1 maj=0", "proc 0 alive 10", "page 0 0 0 pm=8100000000000100 kc=1 kf=5808 vma=w c=A", "end 2",
            "step 3 ok flt=? maj=?", "proc 0 alive 10", "proc 1 alive 11",
            "page 0 0 0 pm=8000000000000100 kc=2 kf=5828 vma=w c=A",
            "page 1 0 0 pm=8000000000000100 kc=2 kf=5828 vma=w c=A", "end 3",
            "step 6 ok flt=1 maj=0", "proc 0 alive 10", "proc 1 alive 11",
            "page 0 0 0 pm=8100000000000100 kc=1 kf=5828 vma=w c=A",
            "page 1 0 0 pm=8100000000000200 kc=1 kf=5808 vma=w c=B", "end 6",
            "bye", "");

    static HostRun run() {
        Scenario s = ProbeScriptTest.parse(SCENARIO);
        return HostRun.of(s, ProbeScript.of(s, HostLimits.DEFAULT), Observations.parse(OUTPUT), KernelVersion.LATEST);
    }

    @Test
    void expectationsAreJudgedOnTheKernel() {
        List<HostRun.Expectation> e = run().expectations();
        assertEquals(7, e.size());
        assertEquals(HostRun.Verdict.PASS, e.get(0).verdict(), e.get(0).detail());
        assertEquals(HostRun.Verdict.UNOBSERVABLE, e.get(1).verdict());
        assertTrue(e.get(1).detail().contains("write bit"), e.get(1).detail());
        assertEquals(HostRun.Verdict.PASS, e.get(2).verdict(), e.get(2).detail());
        assertEquals(HostRun.Verdict.FAIL, e.get(3).verdict());
        assertTrue(e.get(3).detail().contains("expected == \"B\"") && e.get(3).detail().contains("\"A\""), e.get(3).detail());
        assertEquals(HostRun.Verdict.PASS, e.get(4).verdict(), e.get(4).detail());
        assertEquals(HostRun.Verdict.SKIPPED_RANGE, e.get(5).verdict());
        assertEquals(HostRun.Verdict.UNOBSERVABLE, e.get(6).verdict());
        assertTrue(e.get(6).detail().contains("refcount"), e.get(6).detail());
        // the model's own outcomes ride along
        assertEquals(io.cowscope.scenario.RunResult.Outcome.PASS, e.get(0).model());
        assertEquals(io.cowscope.scenario.RunResult.Outcome.FAIL, e.get(3).model());
        Map<HostRun.Verdict, Integer> t = run().tally();
        assertEquals(3, t.get(HostRun.Verdict.PASS));
        assertEquals(1, t.get(HostRun.Verdict.FAIL));
    }

    @Test
    void differencesAreListedPerStep() {
        HostRun r = run();
        HostRun.StepReport fork = r.steps().get(3);
        assertEquals(4, fork.line());
        assertTrue(fork.differences().contains(new HostRun.Difference("p.a[0] page lru", "no", "yes")), fork.differences().toString());
        assertTrue(fork.differences().stream().noneMatch(d -> d.field().endsWith("frame")), "both show c.a[0] on p.a[0]'s frame");
        assertTrue(r.steps().get(2).differences().isEmpty(), "after the first write model and kernel agree: " + r.steps().get(2).differences());
        assertTrue(r.kernelFields().get(4).containsKey("p.a[0] frame changed"));
        assertEquals("yes", r.kernelFields().get(4).get("c.a[0] frame changed"));
        assertEquals("yes", r.modelFields().get(4).get("c.a[0] frame changed"));
        assertTrue(r.differences().stream().anyMatch(d -> d.startsWith("line 4: p.a[0] page lru: model no, kernel yes")), r.differences().toString());
    }

    @Test
    void theHostReleaseMapsToTheNearestProfile() {
        assertEquals(new KernelVersion(6, 18), HostRun.profileOf("6.18.44-fc-v1272"));
        assertEquals(new KernelVersion(5, 4), HostRun.profileOf("5.4.0-150-generic"));
        assertEquals(KernelVersion.LATEST, HostRun.profileOf("7.2.0"));
        assertEquals(KernelVersion.OLDEST, HostRun.profileOf("4.4.0"));
        assertEquals(new KernelVersion(4, 20), HostRun.profileOf("4.99.1"));
    }
}
