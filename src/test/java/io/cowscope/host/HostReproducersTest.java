package io.cowscope.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.cowscope.scenario.Execution;
import io.cowscope.scenario.RunResult;
import io.cowscope.scenario.ScenarioLanguage;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The reproducers that `cowscope host --random` found on the real 6.18 kernel and that rules now explain
 * (src/test/resources/host): their expectations are the kernel's observations, and the model must meet them.
 */
class HostReproducersTest {
    @Test
    void theModelMeetsWhatTheKernelShowed() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("src/test/resources/host"))) {
            files = s.filter(p -> p.toString().endsWith(".cow")).sorted().toList();
        }
        assertFalse(files.isEmpty());
        for (Path f : files) {
            ScenarioLanguage.Checked c = ScenarioLanguage.check(Files.readString(f, StandardCharsets.UTF_8));
            assertTrue(c.ok(), f + ": " + c.diagnostics());
            RunResult r = Execution.run(c.scenario(), null);
            assertNull(r.error(), f + ": " + r.error());
            assertTrue(r.passed() > 0, f.toString());
            assertEquals(0, r.failed(), f + ": " + r.expectations().stream().filter(e -> e.outcome() == RunResult.Outcome.FAIL).toList());
        }
    }
}
