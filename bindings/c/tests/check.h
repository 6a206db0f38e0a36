/* check.h - a tiny test framework: TEST(name) { ... CHECK(...) ... } and a runner that prints one
 * line per failure and a last line "N passed, N failed". A failed CHECK ends its test. */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>
#include <string.h>

typedef struct check_test { const char* name; void (*run)(int* failed); } check_test;

#define CHECK_MAX_TESTS 256
extern check_test check_tests[CHECK_MAX_TESTS];
extern int check_test_count;

#define TEST(id)                                                                           \
    static void test_##id(int* check_failed_);                                             \
    __attribute__((constructor)) static void register_##id(void) {                         \
        check_tests[check_test_count].name = #id;                                          \
        check_tests[check_test_count++].run = test_##id;                                   \
    }                                                                                      \
    static void test_##id(int* check_failed_)

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            printf("  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);              \
            *check_failed_ = 1;                                                            \
            return;                                                                        \
        }                                                                                  \
    } while (0)

/* A call that must return `expected`; prints the status and rnn_last_error() otherwise. */
#define CHECK_STATUS(expected, call)                                                       \
    do {                                                                                   \
        rnn_status check_s_ = (call);                                                      \
        if (check_s_ != (expected)) {                                                      \
            printf("  %s:%d: %s returned %d (%s), expected %d; last error: %s\n", __FILE__,  \
                   __LINE__, #call, (int)check_s_, rnn_status_string(check_s_),            \
                   (int)(expected), rnn_last_error());                                     \
            *check_failed_ = 1;                                                            \
            return;                                                                        \
        }                                                                                  \
    } while (0)

#define CHECK_OK(call) CHECK_STATUS(RNN_OK, call)

/* The last error must mention `text` (e.g. the argument's name). */
#define CHECK_ERROR_MENTIONS(text)                                                         \
    do {                                                                                   \
        if (strstr(rnn_last_error(), (text)) == NULL) {                                    \
            printf("  %s:%d: last error \"%s\" does not mention \"%s\"\n", __FILE__,       \
                   __LINE__, rnn_last_error(), (text));                                    \
            *check_failed_ = 1;                                                            \
            return;                                                                        \
        }                                                                                  \
    } while (0)

#endif
