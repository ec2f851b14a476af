package io.cowscope.engine;

/** One kernel function on the path of an operation; depth gives the nesting (0 = entry point). */
public record KernelStep(int depth, String function, String note) {
    @Override
    public String toString() {
        return "  ".repeat(depth) + function + (note == null ? "" : " · " + note);
    }
}
