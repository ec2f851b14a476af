package io.cowscope.engine;

import static io.cowscope.engine.Machine.*;

/** fs/splice.c and fs/pipe.c: {@code vmsplice} into a pipe (FOLL_GET references in the buffer) and reading it. */
final class Splice {
    private Splice() {
    }

    static String vmsplice(Machine M, Proc p, Vma m, int[] r, String pipeName) {
        if (pipeName == null) throw new OpError("vmsplice needs a pipe");
        if (M.handles.containsKey(pipeName)) throw new OpError(pipeName + " is a handle, not a pipe");
        Pipe pipe = M.pipes.get(pipeName);
        int d = M.log.enter("vmsplice_to_pipe", "FOLL_GET, read-only");
        int n = 0;
        boolean failed = false;
        for (int k = 0; k <= r[1] - r[0]; k++) {
            M.log.page(k);
            int pfn = Gup.getUserPage(M, p, p, m, r[0] + k, FOLL_GET);
            if (pfn < 0) {
                failed = true;
                break;
            }
            if (pipe == null) {
                pipe = new Pipe(pipeName);
                M.pipes.put(pipeName, pipe);
            }
            pipe.pfns.add(pfn);
            pipe.fillers.add(p);
            n++;
            M.log.event(EventType.PIPE, "splice", p.name, m.name, r[0] + k, pfn, "add_to_pipe", null,
                    M.log.detail ? label(pipeName) + " holds a reference to pfn " + pfn + " (no copy)" : null, null);
        }
        M.log.detailOn();
        if (pipe == null) M.pipes.put(pipeName, pipe = new Pipe(pipeName));
        M.log.depth = d;
        // iov_iter_get_pages failing on the first page: vmsplice returns -EFAULT; after some pages, the bytes spliced
        if (failed && n == 0) return M.log.fail("EFAULT");
        return p.name + " spliced " + n + " page(s) into " + pipeName;
    }

    static String readPipe(Machine M, Proc p, String name) {
        Pipe pipe = M.pipes.get(name);
        if (pipe == null) throw new OpError("unknown pipe '" + name + "'");
        int d = M.log.enter("pipe_read", name);
        for (int k = 0; k < pipe.pfns.size(); k++) {
            M.log.page(k);
            int pfn = pipe.pfns.get(k);
            int ver = M.content(pfn);
            M.log.read(M.ct.text(ver));
            Proc filler = pipe.fillers.get(k);
            Hazards.checkLeak(M, filler, ver, pfn, label(name) + " (filled by " + filler.name + ")");
            M.log.event(EventType.PIPE, "read", p.name, null, -1, pfn, "pipe_read", null, M.log.detail ? "buffer " + k + " → \"" + M.ct.text(ver) + "\", reference released" : null, null);
            PageAlloc.folioPut(M, pfn, 1);
        }
        M.log.detailOn();
        int n = pipe.pfns.size();
        if (n == 0) M.log.read("");
        pipe.pfns.clear();
        pipe.fillers.clear();
        M.log.depth = d;
        return p.name + " read " + n + " buffer(s) from " + name;
    }

    /** "pipe p" for a pipe named p; a name that already says pipe ("pipe", "leak_pipe") stands alone */
    static String label(String name) {
        return name.toLowerCase(java.util.Locale.ROOT).contains("pipe") ? name : "pipe " + name;
    }
}
