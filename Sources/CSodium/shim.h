#ifndef POC_RELAY_CSODIUM_SHIM_H
#define POC_RELAY_CSODIUM_SHIM_H
#include <sodium.h>
#endif
