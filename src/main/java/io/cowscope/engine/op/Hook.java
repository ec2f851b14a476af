package io.cowscope.engine.op;

/**
 * {@code on POINT: PROC: OPERATION}: arms a one-shot hook. The operation runs once, the first time
 * any kernel path reaches the point after this statement.
 */
public record Hook(HookPoint point, String proc, ProcOp op) implements Op {
    public enum HookPoint {
        /** inside __get_user_pages, after faultin_page returned and before follow_page runs again */
        GUP_RETRY("gup_retry");

        public final String word;

        HookPoint(String word) {
            this.word = word;
        }
    }
}
