#ifndef C_ALLOCATOR_TUNING_H
#define C_ALLOCATOR_TUNING_H

/// The malloc arena limit this process started with: what the load-time setting in CAllocatorTuning.c
/// applied (1), or 0 when it left the C library's default (MALLOC_ARENA_MAX set, or no such setting).
int comfy_allocator_arena_limit(void);

#endif
