package io.cowscope.cli;

import java.util.ArrayList;
import java.util.List;

/** Word wrapping for the text reports: lines break at spaces, never inside a word. */
final class Wrap {
    private Wrap() {
    }

    /** {@code text} in lines of at most {@code width} characters (a single longer word gets a line of its own). */
    static List<String> lines(String text, int width) {
        List<String> out = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String w : text.strip().split("\\s+")) {
            if (w.isEmpty()) continue;
            if (line.length() > 0 && line.length() + 1 + w.length() > width) {
                out.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) line.append(' ');
            line.append(w);
        }
        if (line.length() > 0 || out.isEmpty()) out.add(line.toString());
        return out;
    }

    /** The wrapped lines, each preceded by {@code indent}, joined with newlines (no trailing newline). */
    static String indented(String text, int width, String indent) {
        StringBuilder sb = new StringBuilder();
        for (String l : lines(text, width)) sb.append(sb.length() == 0 ? "" : "\n").append(indent).append(l);
        return sb.toString();
    }
}
