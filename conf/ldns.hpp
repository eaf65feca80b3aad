#pragma once
// The one place that includes ldns. <ldns/ldns.h> #defines `true` and `false` unless
// <stdbool.h> came first, and those macros break fmt and spdlog.
#include <stdbool.h>
#include <ldns/ldns.h>
