package io.cowscope.engine.op;

/** Operations without a process prefix. */
public sealed interface GlobalOp extends Op {

    /** a device writes through the handle into the pinned (or got) pages */
    record DmaWrite(String handle, String text) implements GlobalOp {}

    /** a device reads the pinned pages */
    record DmaRead(String handle) implements GlobalOp {}

    /** the O_DIRECT read finishes: the device writes the text, then the handle is released */
    record Complete(String handle, String text) implements GlobalOp {}

    /** N full KSM scans */
    record Ksmd(int scans) implements GlobalOp {}

    /** drain every CPU's LRU-add batch (cpu null) or one CPU's */
    record LruDrain(Integer cpu) implements GlobalOp {}

    /** write back and free every swap-cache page that no PTE maps */
    record Reclaim() implements GlobalOp {}
}
