// Linked only into the comfybridge executables, never into the libraries: it changes a process-wide
// setting, which is the host program's call to make.
//
// glibc gives each thread that allocates concurrently an arena of its own (up to eight per core), and
// memory freed in one arena is not reused by another, so a long render's peak memory creeps up with its
// panel count. One arena keeps it flat. The limit must be set before any second thread allocates (glibc
// fixes its arena limit when it creates the second arena), hence a constructor, which runs before main.
// A MALLOC_ARENA_MAX in the environment wins.

#include "CAllocatorTuning.h"
#include <stdlib.h>
#if defined(__linux__)
#include <malloc.h>
#endif

static int applied_limit = 0;

__attribute__((constructor)) static void comfy_allocator_setup(void) {
#if defined(M_ARENA_MAX)
    if (getenv("MALLOC_ARENA_MAX") == NULL && mallopt(M_ARENA_MAX, 1) == 1) {
        applied_limit = 1;
    }
#endif
}

int comfy_allocator_arena_limit(void) {
    return applied_limit;
}
