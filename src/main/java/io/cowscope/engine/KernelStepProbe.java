package io.cowscope.engine;

import io.cowscope.engine.op.Op;
import java.util.function.IntConsumer;

/**
 * Looks inside one operation, kernel step by kernel step: {@link #apply} runs {@link Machine#apply}
 * and calls {@code beforeKernelStep} with the index of each kernel step just before the step is
 * recorded, while the machine holds the state the operation has reached there. So the state
 * "at kernel step i" is the machine as it is when kernel step i+1 begins (or, for the last kernel
 * step, after the operation): at {@code wp_page_copy} the copy exists and the PTE points at it.
 * Only recorded kernel steps are announced ({@link Step#kernelSteps()}; bulk operations record the
 * first pages only). The callback must only observe the machine.
 */
public final class KernelStepProbe {
    private static final ThreadLocal<IntConsumer> CURRENT = new ThreadLocal<>();

    private KernelStepProbe() {
    }

    /** {@link Machine#apply} with {@code beforeKernelStep} called before each recorded kernel step */
    public static Step apply(Machine machine, Op op, IntConsumer beforeKernelStep) {
        IntConsumer outer = CURRENT.get();
        CURRENT.set(beforeKernelStep);
        try {
            return machine.apply(op);
        } finally {
            if (outer == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(outer);
            }
        }
    }

    /** the probe of the apply running on this thread (read by each new {@link StepLog}), or null */
    static IntConsumer current() {
        return CURRENT.get();
    }
}
