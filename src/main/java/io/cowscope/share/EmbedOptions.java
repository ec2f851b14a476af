package io.cowscope.share;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The query options of an {@code /embed/…} page, checked here and handed to the front end as
 * data attributes: {@code step} (start step), {@code loop=FROM-TO} (play that range over and
 * over), {@code theme=light|dark|auto}, {@code controls=0|1}.
 */
record EmbedOptions(Integer step, String loop, String theme, String controls) {
    private static final Pattern LOOP = Pattern.compile("(\\d{1,7})-(\\d{1,7})");

    /** Checks raw query values (null when absent); throws naming the first bad option. */
    static EmbedOptions of(String step, String loop, String theme, String controls) {
        Integer start = null;
        if (step != null) {
            if (!step.matches("\\d{1,7}")) throw ShareException.invalid("step", "step must be a step number");
            start = Integer.valueOf(step);
        }
        if (loop != null) {
            Matcher m = LOOP.matcher(loop);
            if (!m.matches() || Integer.parseInt(m.group(1)) > Integer.parseInt(m.group(2))) {
                throw ShareException.invalid("loop", "loop must be FROM-TO with FROM <= TO, e.g. 2-5");
            }
        }
        if (theme != null && !theme.matches("light|dark|auto")) {
            throw ShareException.invalid("theme", "theme must be light, dark or auto");
        }
        if (controls != null && !controls.matches("[01]")) {
            throw ShareException.invalid("controls", "controls must be 0 or 1");
        }
        return new EmbedOptions(start, loop, theme == null ? "auto" : theme, controls == null ? "1" : controls);
    }
}
