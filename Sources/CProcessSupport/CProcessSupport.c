#define _GNU_SOURCE
#include "CProcessSupport.h"
#include <fcntl.h>
#include <unistd.h>

int cprocess_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

int cprocess_pipe_cloexec(int descriptors[2]) {
#if defined(__APPLE__)
    if (pipe(descriptors) != 0) return -1;
    fcntl(descriptors[0], F_SETFD, FD_CLOEXEC);
    fcntl(descriptors[1], F_SETFD, FD_CLOEXEC);
    return 0;
#else
    return pipe2(descriptors, O_CLOEXEC);
#endif
}
