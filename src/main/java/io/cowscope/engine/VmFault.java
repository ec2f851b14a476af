package io.cowscope.engine;

import static io.cowscope.engine.Machine.*;

/** The fault context ({@code struct vm_fault}): one object travels down the fault path. */
final class VmFault {
    final Proc proc;
    final Vma m;
    final int idx;
    int flags;
    boolean gup; // a faultin_page from GUP (FOLL_FORCE may write without VM_WRITE)
    int cpu; // the CPU the fault runs on: the faulting process's, or the GUP caller's (remote GUP, /proc/PID/mem)

    VmFault(Proc proc, Vma m, int idx, int flags) {
        this.proc = proc;
        this.m = m;
        this.idx = idx;
        this.flags = flags;
        this.cpu = proc.cpu;
    }

    boolean write() {
        return (flags & FAULT_FLAG_WRITE) != 0;
    }

    boolean unshare() {
        return (flags & FAULT_FLAG_UNSHARE) != 0;
    }

    String at() {
        return proc.name + "." + m.name + "[" + idx + "]";
    }
}
