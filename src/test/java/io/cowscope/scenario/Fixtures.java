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
        for (Gallery.Entry e : gallery()) out.add(ScenarioLanguage.bytes(e.text()));
        return out;
    }

    /**
     * The gallery on the classpath (scenarios/), plus the directory named by -Dgallery.dir when given
     * (e.g. -Dgallery.dir=/work/wt-gallery/src/main/resources/scenarios before the branches meet).
     */
    static List<Gallery.Entry> gallery() {
        List<Gallery.Entry> out = new ArrayList<>(Gallery.load().entries());
        String dir = System.getProperty("gallery.dir");
        if (dir != null && !dir.isBlank()) {
            for (Gallery.Entry e : Gallery.load(Path.of(dir)).entries()) {
                if (out.stream().noneMatch(x -> x.id().equals(e.id()))) out.add(e);
            }
        }
        return out;
    }
}
