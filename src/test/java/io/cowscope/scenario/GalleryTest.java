package io.cowscope.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import io.cowscope.engine.KernelVersion;

/**
 * Every gallery scenario under every supported kernel (what {@code cowscope run FILE --kernels all}
 * does): every expectation must pass and no run may stop on a run-time error. Failures name the line,
 * the kernel, the expected and the actual value. Before the gallery branch is merged, point it at the
 * files with {@code -Dgallery.dir=/path/to/scenarios}.
 */
class GalleryTest {

    @TestFactory
    Stream<DynamicTest> everyGalleryScenarioPassesUnderEveryKernel() {
        return Fixtures.gallery().stream().map(e -> DynamicTest.dynamicTest(e.id(), () -> {
            ScenarioLanguage.Checked c = e.check();
            assertTrue(c.ok(), () -> e.id() + ": " + c.diagnostics());
            List<String> failures = new ArrayList<>();
            for (KernelVersion v : KernelVersion.all()) {
                RunResult r = Execution.run(c.scenario(), v);
                if (r.error() != null) failures.add(v + " line " + r.error().line() + ": run-time error: " + r.error().message());
                for (RunResult.ExpectResult x : r.expectations()) {
                    if (x.outcome() == RunResult.Outcome.FAIL) {
                        RunResult.CheckResult f = x.firstFailure();
                        failures.add(v + " line " + x.line() + ": " + x.source() + ": expected " + f.expected() + ", got " + f.actual()
                                + (f.where() == null ? "" : " at " + f.where()));
                    }
                }
            }
            assertEquals(List.of(), failures, e.id());
        }));
    }

    @Test
    void entriesHaveIdTitleTagsAndText() {
        Gallery.Entry e = Gallery.entry("demo", "# tags: fork, cve\n# Something\ntitle \"A demo\"\ndescription \"d1\"\nprocess p\n");
        assertEquals("demo", e.id());
        assertEquals("A demo", e.title());
        assertEquals("d1", e.description());
        assertEquals(List.of("fork", "cve"), e.tags());
        Gallery.Entry d = Gallery.entry("x", "# CVE-2020-29374 via a pipe\nprocess p\np: b = mmap 1\np: fork c\nc: vmsplice b into q\n");
        assertEquals("x", d.title());
        assertEquals("CVE-2020-29374 via a pipe", d.description());
        assertTrue(d.tags().containsAll(List.of("cve", "fork", "pipe")), d.tags().toString());
        for (Gallery.Entry g : Fixtures.gallery()) {
            assertFalse(g.id().isBlank());
            assertFalse(g.title().isBlank());
        }
    }
}
