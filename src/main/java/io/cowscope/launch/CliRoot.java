package io.cowscope.launch;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * A build step (run by the pom after Spring Boot's repackage): copies the command line's classes —
 * the plain-Java packages {@code engine}, {@code scenario}, {@code cli}, {@code host}, {@code launch} and the
 * launcher and version classes of {@code system}, the gallery's scenarios, the lessons, the native probe's source — from {@code BOOT-INF/classes/} to the jar's root,
 * with the build info, and makes {@link CliMain} the jar's {@code Main-Class}. Spring Boot's loader
 * is kept and still starts the server ({@code Start-Class} is unchanged). The copied classes never
 * refer to Spring (ArchitectureTest), so the server's class loader finds them through its parent.
 *
 * <p>Then, with {@code --cds ARCHIVE}, runs the command line once on a small scenario with
 * {@code -XX:ArchiveClassesAtExit} to write a class-data-sharing archive for it.
 */
public final class CliRoot {
    /** what the command line loads from the jar's root (prefixes under BOOT-INF/classes/) */
    public static final List<String> ROOT = List.of("io/cowscope/engine/", "io/cowscope/scenario/", "io/cowscope/cli/",
            "io/cowscope/host/", "io/cowscope/launch/", "io/cowscope/system/Launcher", "io/cowscope/system/AppVersion",
            "META-INF/build-info.properties", "scenarios/", "lessons/", "native/");

    private CliRoot() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        rewrite(jar);
        if (args.length >= 3 && args[1].equals("--cds")) archive(jar, Path.of(args[2]));
    }

    static void rewrite(Path jar) throws IOException {
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + jar.toUri()), Map.of())) {
            Path classes = zip.getPath("/BOOT-INF/classes/");
            List<Path> copy = new ArrayList<>();
            try (Stream<Path> all = Files.walk(classes)) {
                all.filter(Files::isRegularFile).forEach(p -> {
                    String rel = classes.relativize(p).toString();
                    if (ROOT.stream().anyMatch(rel::startsWith)) copy.add(p);
                });
            }
            for (Path p : copy) {
                Path to = zip.getPath("/" + classes.relativize(p));
                if (to.getParent() != null) Files.createDirectories(to.getParent());
                Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
            }
            Path mf = zip.getPath("/META-INF/MANIFEST.MF");
            Manifest m;
            try (InputStream in = Files.newInputStream(mf)) {
                m = new Manifest(in);
            }
            m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, CliMain.class.getName());
            try (var out = Files.newOutputStream(mf)) {
                m.write(out);
            }
            System.out.println("[cli-root] " + copy.size() + " classes at the root of " + jar.getFileName() + "; Main-Class "
                    + CliMain.class.getName());
        }
    }

    /** one run of a small scenario that writes the class-data-sharing archive of the command line */
    static void archive(Path jar, Path jsa) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("cowscope-cds");
        Path cow = dir.resolve("cds.cow");
        Files.writeString(cow, String.join("\n", "title \"class-data sharing\"", "process p", "p: buf = mmap 8",
                "p: write buf \"A\"", "p: fork c", "c: write buf[1] \"B\"", "expect last cow", "c: read buf",
                "expect c.buf[0] == \"A\"", "c: exit", "p: write buf[0..1] \"C\"", "expect p.buf[1] == \"C\"", ""));
        Files.deleteIfExists(jsa);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-XX:ArchiveClassesAtExit=" + jsa, "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
                "-jar", jar.toString(), "run", cow.toString(), "--format", "text")
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile()).start();
        int rc = p.waitFor();
        Files.deleteIfExists(cow);
        Files.deleteIfExists(dir.resolve("out.txt"));
        Files.deleteIfExists(dir);
        System.out.println("[cli-root] class-data-sharing archive " + jsa + (Files.exists(jsa) ? "" : " NOT written") + " (exit " + rc + ")");
    }
}
