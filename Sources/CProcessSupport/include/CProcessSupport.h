#ifndef C_PROCESS_SUPPORT_H
#define C_PROCESS_SUPPORT_H

#include <spawn.h>

/// Adds a change of working directory to `path` to the spawn actions (posix_spawn_file_actions_addchdir_np,
/// which Swift's Glibc module does not declare). Returns 0 or an errno value.
int cprocess_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// Creates a pipe whose both ends are close-on-exec from the start (pipe2 with O_CLOEXEC on Linux), so no
/// child started meanwhile by another thread inherits them. Returns 0, or -1 with errno set.
int cprocess_pipe_cloexec(int descriptors[2]);

#endif
