package io.cowscope.engine;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The engine stays laid out like mm/ (issue 10): no source file over 800 lines, so a behaviour lives in the
 * file named after the kernel file that holds it instead of growing one class again.
 */
class EngineLayoutTest {
    static final int MAX_LINES = 800;

    @Test
    void noEngineFileIsOver800Lines() throws IOException {
        Path dir = Path.of("src/main/java/io/cowscope/engine");
        assertTrue(Files.isDirectory(dir), "run from the project root");
        List<String> big;
        try (Stream<Path> files = Files.walk(dir)) {
            big = files.filter(p -> p.toString().endsWith(".java")).filter(p -> lines(p) > MAX_LINES)
                    .map(p -> dir.relativize(p) + ": " + lines(p) + " lines").sorted().toList();
        }
        assertEquals(List.of(), big, "split the behaviour into the mm/ file it belongs to (see the file map in Machine's essay)");
    }

    @Test
    void theMmFilesExist() {
        for (String f : List.of("Machine", "Memory", "Filemap", "Gup", "HugeMemory", "LruBatches", "SwapState", "Vmscan", "Madvise",
                "Mprotect", "Mmap", "Rmap", "PageAlloc", "Ksm", "Userfaultfd", "Splice", "Fork", "TaskMmu", "Hazards", "PageArray",
                "PageTable", "Vma", "SwapInfo"))
            assertTrue(Files.exists(Path.of("src/main/java/io/cowscope/engine/" + f + ".java")), f);
    }

    private static long lines(Path p) {
        try (Stream<String> l = Files.lines(p)) {
            return l.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
