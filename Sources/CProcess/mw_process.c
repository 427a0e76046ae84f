#define _GNU_SOURCE
#include "mw_process.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

// Between fork and execve only async-signal-safe calls: the parent is multithreaded.
static void fail_child(int pipe_fd, int step_errno) {
    int value = step_errno;
    ssize_t ignored = write(pipe_fd, &value, sizeof value);
    (void)ignored;
    _exit(127);
}

pid_t mw_spawn(const char *path, char *const argv[], char *const envp[],
               int stdin_fd, int stdout_fd, int stderr_fd, long long rlimit_as, int *error_out) {
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) { *error_out = errno; return -1; }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        *error_out = errno;
        close(report[0]);
        close(report[1]);
        return -1;
    }
    if (pid == 0) {
        if (setpgid(0, 0) != 0) fail_child(report[1], errno);
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail_child(report[1], errno);
        // The parent may have died before prctl: then we were re-parented and must not run.
        if (getppid() != parent) _exit(127);
        sigset_t none;
        sigemptyset(&none);
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        for (int s = 1; s < NSIG; s++) {
            if (s == SIGKILL || s == SIGSTOP) continue;
            sigaction(s, &dfl, NULL);
        }
        sigprocmask(SIG_SETMASK, &none, NULL);
        if (rlimit_as > 0) {
            struct rlimit limit = { (rlim_t)rlimit_as, (rlim_t)rlimit_as };
            if (setrlimit(RLIMIT_AS, &limit) != 0) fail_child(report[1], errno);
        }
        // dup2 onto 0/1/2; a source already at its target loses CLOEXEC so it survives execve.
        int fds[3] = { stdin_fd, stdout_fd, stderr_fd };
        for (int i = 0; i < 3; i++) {
            if (fds[i] == i) {
                int flags = fcntl(i, F_GETFD);
                if (flags >= 0) fcntl(i, F_SETFD, flags & ~FD_CLOEXEC);
            } else if (dup2(fds[i], i) < 0) {
                fail_child(report[1], errno);
            }
        }
        // Every other descriptor closes at exec (the report pipe included, which tells the parent "exec ok").
        if (syscall(SYS_close_range, 3, ~0U, 4 /* CLOSE_RANGE_CLOEXEC */) != 0) {
            for (int fd = 3; fd < 65536; fd++) if (fd != report[1]) close(fd);
        }
        execve(path, argv, envp);
        fail_child(report[1], errno);
    }
    close(report[1]);
    int child_errno = 0;
    ssize_t n;
    do { n = read(report[0], &child_errno, sizeof child_errno); } while (n < 0 && errno == EINTR);
    close(report[0]);
    if (n == (ssize_t)sizeof child_errno) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        *error_out = child_errno;
        return -1;
    }
    return pid;
}

const char *mw_sanitizer(void) {
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
    return "address";
#elif __has_feature(thread_sanitizer)
    return "thread";
#endif
#endif
    return NULL;
}

int mw_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int mw_mkstemp_cloexec(char *template_path) { return mkostemp(template_path, O_CLOEXEC); }

int mw_rename_exchange(const char *from, const char *to) {
    return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, 2 /* RENAME_EXCHANGE */);
}

int mw_wifexited(int status) { return WIFEXITED(status); }
int mw_wexitstatus(int status) { return WEXITSTATUS(status); }
int mw_wifsignaled(int status) { return WIFSIGNALED(status); }
int mw_wtermsig(int status) { return WTERMSIG(status); }
int mw_wcoredump(int status) { return WCOREDUMP(status); }
