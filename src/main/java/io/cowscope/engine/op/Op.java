package io.cowscope.engine.op;

/**
 * One statement of a scenario that changes the simulated machine, as a typed value. The scenario
 * language (package scenario) produces these; the engine applies them. Expectations, say and the
 * header are not operations (they never change state).
 */
public sealed interface Op permits ProcessOp, GlobalOp, Hook, Spawn {
}
