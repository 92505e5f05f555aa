#ifndef POC_RELAY_CFUZZERDRIVER_H
#define POC_RELAY_CFUZZERDRIVER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (compiler-rt, `-sanitize=fuzzer`). Only the libFuzzer
/// build of ProtocolFuzzer calls it; other builds never reference it.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
