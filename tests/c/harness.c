#include "check.h"

int se_test_failures = 0;
int se_test_checks = 0;

int se_test_summary(const char *name) {
    printf("%s: %d passed, %d failed\n", name, se_test_checks - se_test_failures, se_test_failures);
    return se_test_failures == 0 ? 0 : 1;
}
