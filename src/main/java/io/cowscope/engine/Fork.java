package io.cowscope.engine;

import static io.cowscope.engine.Machine.*;

/** kernel/fork.c: {@code kernel_clone} / {@code dup_mmap}; the PTE copy itself is mm/memory.c's
 * {@code copy_page_range} ({@link Memory}), §3.4. */
final class Fork {
    private Fork() {
    }

    static String fork(Machine M, Proc p, String childName) {
        if (childName == null || M.procByName.containsKey(childName)) throw new OpError("process " + childName + " already exists");
        Proc c = new Proc(childName, M.nextPid++);
        c.parent = p;
        c.cpu = p.cpu;
        c.ksmMm = p.ksmMm; // ksm_fork: the child's mm joins ksmd's list too
        c.forkStep = M.stepIndex;
        M.procs.add(c);
        M.procByName.put(childName, c);
        int d = M.log.enter("kernel_clone", null);
        M.log.event(EventType.FORK, null, p.name, null, -1, -1, "kernel_clone", null,
                p.name + " forks " + childName + " (pid " + c.pid + ") on cpu" + c.cpu + "; fork does not drain the LRU batch", null);
        int d2 = M.log.enter("dup_mmap", null);
        for (Vma m : p.maps.values()) Memory.copyPageRange(M, p, m, c);
        M.log.depth = d2;
        M.log.detailOn();
        M.log.depth = d;
        return p.name + " forked " + childName;
    }
}
