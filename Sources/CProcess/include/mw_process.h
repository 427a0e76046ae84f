#ifndef MW_PROCESS_H
#define MW_PROCESS_H

#include <sys/types.h>

/// Starts `path` with `argv`/`envp` in a new process group, its stdin/stdout/stderr on the given
/// descriptors, every other descriptor closed, signal dispositions and mask reset, the address-space limit
/// `rlimit_as` (bytes; 0: unchanged), and SIGKILL as its parent-death signal (it dies when the calling
/// *thread* exits, so call this from a thread that lives as long as the child should).
/// Returns the pid, or -1 with `*error_out` set to the errno of the step that failed (fork, or, reported
/// back through a close-on-exec pipe, the child's setup or execve).
pid_t mw_spawn(const char *path, char *const argv[], char *const envp[],
               int stdin_fd, int stdout_fd, int stderr_fd, long long rlimit_as, int *error_out);

/// pipe2(O_CLOEXEC) and mkostemp(O_CLOEXEC), which Glibc's Swift overlay does not show (GNU extensions).
int mw_pipe_cloexec(int fds[2]);
int mw_mkstemp_cloexec(char *template_path);

/// The sanitizer this build was made with ("address" or "thread"), or NULL. Either reserves terabytes of
/// address space for its shadow memory as a process starts, so a sanitized binary cannot start under any
/// useful RLIMIT_AS (scripts/sanitize.sh builds the tests and the `mediaworker` their attempts run this way).
const char *mw_sanitizer(void);

/// Atomically swaps two paths (renameat2 RENAME_EXCHANGE). 0, or -1 with errno.
int mw_rename_exchange(const char *from, const char *to);

/// Whether `status` (from waitpid) says the process exited / was killed; its code / signal.
int mw_wifexited(int status);
int mw_wexitstatus(int status);
int mw_wifsignaled(int status);
int mw_wtermsig(int status);
int mw_wcoredump(int status);

#endif
