package io.cowscope.scenario;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The golden files (src/test/resources/golden) and the gallery (classpath scenarios/, via the loader). */
final class Fixtures {
    private Fixtures() {
    }

    static List<Path> golden() {
        URL url = Fixtures.class.getResource("/golden");
        if (url == null) return List.of();
        try (Stream<Path> s = Files.list(Path.of(url.toURI()))) {
            return s.filter(p -> p.toString().endsWith(".cow")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] bytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every input text we have: golden files and gallery scenarios (seeds for the fuzzer). */
    static List<byte[]> seeds() {
        List<byte[]> out = new ArrayList<>();
        for (Path p : golden()) out.add(bytes(p));
        for (Gallery.Entry e : Gallery.load().entries()) out.add(ScenarioLanguage.bytes(e.text()));
        return out;
    }
}
