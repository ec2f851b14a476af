package io.cowscope.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.cowscope.scenario.Diagnostic;
import io.cowscope.scenario.Gallery;
import io.cowscope.scenario.Limits;
import io.cowscope.scenario.ScenarioLanguage;

/** A scenario file read for a command: name as given, bytes (capped), and its text for error display. */
record SourceFile(String name, byte[] bytes, long size) {
    static final long COUNT_LIMIT = 64L * 1024 * 1024;

    /** A FILE argument naming a scenario of the gallery: {@code gallery:dirty-cow}. */
    static final String GALLERY = "gallery:";

    /**
     * Reads FILE, stdin ("-") or a gallery scenario ("gallery:ID"); reads at most a little more than
     * the size limit (the check reports the size).
     */
    static SourceFile read(String arg, InputStream stdin) throws IOException {
        int cap = Limits.DEFAULT.maxBytes() + 1;
        if (arg.equals("-")) return readCapped("<stdin>", stdin, cap);
        if (arg.startsWith(GALLERY)) {
            String id = arg.substring(GALLERY.length());
            Gallery.Entry e = Gallery.load().find(id).orElseThrow(() -> new IOException("no gallery scenario '" + id
                    + "'; 'cowscope gallery' lists them"));
            byte[] b = e.text().getBytes(StandardCharsets.UTF_8);
            return new SourceFile(arg, b, b.length);
        }
        Path p = Path.of(arg);
        if (Files.isDirectory(p)) throw new IOException("is a directory");
        try (InputStream in = Files.newInputStream(p)) {
            return readCapped(arg, in, cap);
        }
    }

    private static SourceFile readCapped(String name, InputStream in, int cap) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            if (out.size() < cap) out.write(buf, 0, Math.min(n, cap - out.size()));
            total += n; // beyond the cap: count, do not keep (the message names the size) …
            if (total > COUNT_LIMIT) {
                total = Long.MAX_VALUE; // … up to a point: /dev/zero never ends
                break;
            }
        }
        return new SourceFile(name, out.toByteArray(), total);
    }

    /** Checks the file: the size limit first, then the text. */
    ScenarioLanguage.Checked check(Limits limits) {
        if (size > limits.maxBytes()) return ScenarioLanguage.tooLarge(size, limits);
        return ScenarioLanguage.check(bytes, limits);
    }

    String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** FILE:LINE:COL: message [CODE], then the line and a caret under the column. */
    String render(Diagnostic d) {
        StringBuilder sb = new StringBuilder();
        sb.append(name).append(':').append(d.line()).append(':').append(d.column()).append(": ").append(d.message())
                .append(" [").append(d.code()).append("]\n");
        String line = lineAt(d.line());
        if (line != null) {
            String shown = printable(line);
            sb.append("    ").append(shown).append('\n').append("    ");
            int col = Math.min(d.column() - 1, line.length());
            for (int i = 0; i < col; i++) sb.append(line.charAt(i) == '\t' ? '\t' : ' ');
            int len = Math.max(1, Math.min(d.length(), Math.max(1, line.length() - col)));
            sb.append("^".repeat(Math.min(len, 200))).append('\n');
        }
        return sb.toString();
    }

    private String lineAt(int n) {
        if (n < 1 || size > Limits.DEFAULT.maxBytes()) return null;
        String[] lines = text().split("\n", -1);
        if (n > lines.length) return null;
        String l = lines[n - 1];
        return l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
    }

    /** Control characters shown as '?' so a caret line never breaks a terminal. */
    private static String printable(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c != '\t' && (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) ? '?' : c);
        }
        return sb.toString();
    }
}
