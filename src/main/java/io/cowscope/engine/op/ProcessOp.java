package io.cowscope.engine.op;

/** {@code PROC: OPERATION}. */
public record ProcessOp(String proc, ProcOp op) implements Op {
}
