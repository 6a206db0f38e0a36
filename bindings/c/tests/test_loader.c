/* The run-time flavour loader: picks the flavour this CPU runs best, loads it without linking
 * librnnnative, and reports the paths it tried when it cannot. Built without -lrnnnative. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rnn_loader.h"

TEST(loader_picks_and_loads_the_best_flavour) {
    const char* best = rnn_loader_best_flavour();
    const char* expected = getenv("RNN_EXPECT_FLAVOUR");
    CHECK(best != NULL);
    static rnn_api api;
    char error[1024];
    CHECK(rnn_loader_open(NULL, &api, error, sizeof error) == 0);
    printf("  best flavour %s, loaded %s (%s)\n", best, api.flavour, api.path);
    if (expected) CHECK(strcmp(api.flavour, expected) == 0);
    if (!getenv("RNN_NATIVE_FLAVOUR")) CHECK(strcmp(api.flavour, best) == 0);
    CHECK(strstr(api.path, api.flavour) != NULL);
    CHECK(strcmp(api.rnn_version_string(), RNN_VERSION_STRING) == 0);
    rnn_kernel path;
    const char* name;
    CHECK(api.rnn_kernel_path(&path, &name) == RNN_OK);
    const char* kernel = getenv("RNN_EXPECT_KERNEL");
    printf("  kernel path %s (expected: %s)\n", name, kernel ? kernel : "any");
    if (kernel) CHECK(strcmp(name, kernel) == 0);

    rnn_model_config mc;
    CHECK(api.rnn_model_config_init_sized(&mc, sizeof mc) == RNN_OK);
    mc.vocab_size = 5;
    mc.embedding_size = 3;
    mc.hidden_size = 4;
    rnn_model* model;
    CHECK(api.rnn_model_create(&mc, &model) == RNN_OK);
    api.rnn_model_destroy(model);
}

TEST(loader_reports_the_paths_it_tried) {
    static rnn_api api;
    char error[1024];
    CHECK(rnn_loader_open("/nonexistent/root", &api, error, sizeof error) == -1);
    printf("  %s\n", error);
    CHECK(strstr(error, "/nonexistent/root/") != NULL && strstr(error, "missing") != NULL);
}
