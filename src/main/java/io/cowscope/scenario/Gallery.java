package io.cowscope.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The shipped scenarios: the {@code .cow} files under classpath {@code scenarios/}. When
 * {@code scenarios/index.txt} exists it lists the file names in order (one per line, '#' comments);
 * otherwise the folder is listed (directory or jar) and sorted by name. For {@code GET /api/scenarios}.
 *
 * <pre>
 * Gallery g = Gallery.load();
 * for (Gallery.Entry e : g.entries()) … e.id(), e.title(), e.description(), e.tags(), e.text()
 * g.find("dirty-cow").map(Gallery.Entry::text)
 * </pre>
 */
public final class Gallery {

    /**
     * @param id the file name without .cow
     * @param title the header's title, else the id
     * @param description the header's descriptions joined, else the first comment line
     * @param tags from a "# tags: a, b" comment line, else derived from the operations used
     */
    public record Entry(String id, String title, String description, List<String> tags, String text) {
        public ScenarioLanguage.Checked check() {
            return ScenarioLanguage.check(text);
        }
    }

    private final List<Entry> entries;

    private Gallery(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public List<Entry> entries() {
        return entries;
    }

    public Optional<Entry> find(String id) {
        return entries.stream().filter(e -> e.id.equals(id)).findFirst();
    }

    /** Loads from the context class loader (or this class's); an empty gallery when there is none. */
    public static Gallery load() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return load(cl != null ? cl : Gallery.class.getClassLoader());
    }

    public static Gallery load(ClassLoader cl) {
        List<String> names = names(cl);
        List<Entry> out = new ArrayList<>();
        for (String n : names) {
            try (InputStream in = cl.getResourceAsStream("scenarios/" + n)) {
                if (in == null) continue;
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                out.add(entry(n.substring(0, n.length() - 4), text));
            } catch (IOException e) {
                // an unreadable resource is left out rather than breaking the gallery
            }
        }
        return new Gallery(out);
    }

    /** Loads the .cow files of a directory (index.txt order when present), e.g. while editing the gallery. */
    public static Gallery load(Path dir) {
        List<Entry> out = new ArrayList<>();
        try {
            List<String> names;
            Path idx = dir.resolve("index.txt");
            if (Files.isRegularFile(idx)) {
                names = new ArrayList<>();
                for (String l : Files.readAllLines(idx, StandardCharsets.UTF_8)) {
                    String s = l.strip();
                    if (!s.isEmpty() && !s.startsWith("#")) names.add(s.endsWith(".cow") ? s : s + ".cow");
                }
            } else {
                names = list(dir);
            }
            for (String n : names) {
                Path p = dir.resolve(n);
                if (Files.isRegularFile(p)) out.add(entry(n.substring(0, n.length() - 4), Files.readString(p, StandardCharsets.UTF_8)));
            }
        } catch (IOException | RuntimeException e) {
            // an unreadable directory is an empty gallery
        }
        return new Gallery(out);
    }

    private static List<String> names(ClassLoader cl) {
        try (InputStream idx = cl.getResourceAsStream("scenarios/index.txt")) {
            if (idx != null) {
                List<String> out = new ArrayList<>();
                for (String l : new String(idx.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    String s = l.strip();
                    if (s.isEmpty() || s.startsWith("#")) continue;
                    out.add(s.endsWith(".cow") ? s : s + ".cow");
                }
                return out;
            }
        } catch (IOException e) {
            // fall back to listing
        }
        try {
            URL url = cl.getResource("scenarios");
            if (url == null) return List.of();
            URI uri = url.toURI();
            if (uri.getScheme().equals("jar")) {
                FileSystem fs;
                try {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                } catch (FileSystemAlreadyExistsException e) {
                    fs = FileSystems.getFileSystem(uri);
                }
                return list(fs.provider().getPath(uri));
            }
            return list(Path.of(uri));
        } catch (Exception e) {
            return List.of();
        }
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString().replace("/", "")).filter(n -> n.endsWith(".cow")).sorted().toList();
        }
    }

    static Entry entry(String id, String text) {
        String title = id, description = "", firstComment = null;
        List<String> tags = null;
        for (String raw : text.split("\n")) {
            String l = raw.strip();
            if (!l.startsWith("#")) continue;
            String c = l.substring(1).strip();
            if (c.toLowerCase(Locale.ROOT).startsWith("tags:")) {
                tags = new ArrayList<>();
                for (String t : c.substring(5).split(",")) if (!t.isBlank()) tags.add(t.strip());
            } else if (firstComment == null && !c.isEmpty()) {
                firstComment = c;
            }
        }
        Scenario s = ScenarioLanguage.parseOnly(text);
        if (s != null) {
            Header h = s.header();
            if (h.title() != null) title = h.title();
            description = h.description();
        }
        if (description.isEmpty() && firstComment != null) description = firstComment;
        if (tags == null) tags = derivedTags(text, s);
        return new Entry(id, title, description, List.copyOf(tags), text);
    }

    /** Tags from what the scenario does, when the file does not say. */
    static List<String> derivedTags(String text, Scenario s) {
        Set<String> t = new LinkedHashSet<>();
        if (text.contains("CVE-")) t.add("cve");
        String body = s == null ? text : Printer.print(s, false);
        if (body.contains(": fork ")) t.add("fork");
        if (body.contains(" pin ") || body.contains(" get ") || body.contains("_register ") || body.contains("odirect_read")) t.add("gup");
        if (body.contains("vmsplice")) t.add("pipe");
        if (body.contains("ksmd") || body.contains("mergeable")) t.add("ksm");
        if (body.contains("uffd_")) t.add("userfaultfd");
        if (body.contains("hugepage") || body.contains("thp always")) t.add("thp");
        if (body.contains("hugetlb")) t.add("hugetlb");
        if (body.contains("pageout") || body.contains("reclaim") || body.contains("swapped")) t.add("swap");
        if (body.contains("clear_refs") || body.contains("soft_dirty")) t.add("soft-dirty");
        if (body.contains("on gup_retry")) t.add("race");
        if (body.contains("poke ")) t.add("proc-mem");
        if (body.contains(" file ")) t.add("file");
        if (body.contains("mprotect")) t.add("mprotect");
        return new ArrayList<>(t);
    }
}
