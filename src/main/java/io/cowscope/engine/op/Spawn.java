package io.cowscope.engine.op;

/** {@code process NAME}: a process that exists from the start (not forked). */
public record Spawn(String name) implements Op {
}
