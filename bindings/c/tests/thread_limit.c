/* thread_limit: rnn_set_thread_count when the system cannot start the threads (issue 13).
 * run_tests.sh runs it under `ulimit -v` (virtual memory too small for 1023 thread stacks), so
 * the request fails for real: it must return RNN_E_OUT_OF_MEMORY, keep the previous count, let
 * the threads it started exit, and leave later calls working. Before, ~60 threads stayed blocked
 * for good and every later rnn_set_thread_count failed. Prints what it saw; exits 1 on failure. */
#include <dirent.h>
#include <stdio.h>
#include <unistd.h>

#include "rnn.h"

/* Threads of this process, from /proc/self/task. */
static int threads(void) {
    int count = 0;
    DIR* tasks = opendir("/proc/self/task");
    if (!tasks) return -1;
    for (struct dirent* entry; (entry = readdir(tasks)) != NULL;) count += entry->d_name[0] != '.';
    closedir(tasks);
    return count;
}

int main(void) {
    int32_t count = 0;
    if (rnn_get_thread_count(&count) != RNN_OK || rnn_set_thread_count(2) != RNN_OK) return 1;
    usleep(100 * 1000);
    int baseline = threads();
    rnn_status status = rnn_set_thread_count(1024);
    printf("rnn_set_thread_count(1024): %s: %s\n", rnn_status_string(status), rnn_last_error());
    rnn_get_thread_count(&count);
    int left = threads();
    for (int waited = 0; waited < 50 && left > baseline; waited++) {   /* the started workers exit within moments */
        usleep(100 * 1000);
        left = threads();
    }
    printf("threads: %d before, %d after; thread count %d\n", baseline, left, count);
    rnn_status later = rnn_set_thread_count(4);
    printf("rnn_set_thread_count(4) afterwards: %s\n", rnn_status_string(later));
    int ok = status == RNN_E_OUT_OF_MEMORY && count == 2 && left == baseline && later == RNN_OK;
    puts(ok ? "thread_limit: ok" : "thread_limit: FAILED");
    return ok ? 0 : 1;
}
