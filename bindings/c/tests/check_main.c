/* The runner: every registered test, or those whose names contain argv[1]. */
#include "check.h"

check_test check_tests[CHECK_MAX_TESTS];
int check_test_count;

int main(int argc, char** argv) {
    const char* filter = argc > 1 ? argv[1] : NULL;
    int passed = 0, failed = 0;
    for (int i = 0; i < check_test_count; i++) {
        if (filter && !strstr(check_tests[i].name, filter)) continue;
        int test_failed = 0;
        check_tests[i].run(&test_failed);
        printf("%s %s\n", test_failed ? "FAIL" : "ok  ", check_tests[i].name);
        fflush(stdout);
        if (test_failed) failed++; else passed++;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 && passed > 0 ? 0 : 1;
}
