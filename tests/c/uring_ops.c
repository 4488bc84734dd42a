/* io_uring operations for tests/tests/io_uring.rs, through liburing as real users make
 * them. `uring_ops MODE FILE`:
 *   reads   FILE: three reads of 4096, 2048 and 1024 bytes at offsets 0, 8192 and 16384
 *   badfd   FILE: a read of a descriptor that is not open (-EBADF)
 *   timeout FILE: a 20 ms timeout that expires (-ETIME)
 *   sqpoll  FILE: two reads of 512 bytes at offsets 4096 and 12288 on an SQPOLL ring,
 *                 submitted by its kernel thread (no io_uring_enter submits them)
 *   flood   FILE: 9000 timeouts of 200 ms in flight at once, more than the tracer's
 *                 pending map holds (8192)
 *   paced   FILE: a read of 4096 bytes at offset 0 every 20 ms until FILE.stop exists
 *                 (at most 30 s), for a tracer to attach to
 * It prints `pid N` first, then each completion's result as `user_data res`; the exit
 * status is 0 when each result is the one expected. */
#include <errno.h>
#include <time.h>
#include <fcntl.h>
#include <liburing.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char buf[4][4096];

static int reap(struct io_uring *ring, int n, const long long *want) {
    int ok = 1;
    for (int i = 0; i < n; i++) {
        struct io_uring_cqe *cqe;
        int rc = io_uring_wait_cqe(ring, &cqe);
        if (rc < 0) {
            fprintf(stderr, "wait_cqe: %s\n", strerror(-rc));
            return 0;
        }
        printf("%llu %d\n", (unsigned long long)cqe->user_data, cqe->res);
        if (cqe->res != want[cqe->user_data])
            ok = 0;
        io_uring_cqe_seen(ring, cqe);
    }
    return ok;
}

static void read_at(struct io_uring *ring, int fd, int slot, unsigned len, unsigned long long off) {
    struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
    io_uring_prep_read(sqe, fd, buf[slot], len, off);
    sqe->user_data = slot;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: uring_ops reads|badfd|timeout|sqpoll FILE\n");
        return 2;
    }
    const char *mode = argv[1];
    printf("pid %d\n", getpid());
    int fd = open(argv[2], O_RDONLY);
    if (fd < 0) {
        perror("open");
        return 2;
    }
    struct io_uring ring;
    struct io_uring_params params;
    memset(&params, 0, sizeof params);
    if (!strcmp(mode, "sqpoll")) {
        params.flags = IORING_SETUP_SQPOLL;
        params.sq_thread_idle = 1000;
    }
    unsigned entries = !strcmp(mode, "flood") ? 16384 : 8;
    int rc = io_uring_queue_init_params(entries, &ring, &params);
    if (rc < 0) {
        fprintf(stderr, "queue_init: %s\n", strerror(-rc));
        return 2;
    }
    int ok;
    if (!strcmp(mode, "reads")) {
        read_at(&ring, fd, 0, 4096, 0);
        read_at(&ring, fd, 1, 2048, 8192);
        read_at(&ring, fd, 2, 1024, 16384);
        io_uring_submit(&ring);
        long long want[] = {4096, 2048, 1024};
        ok = reap(&ring, 3, want);
    } else if (!strcmp(mode, "badfd")) {
        read_at(&ring, 1000, 0, 4096, 0);
        io_uring_submit(&ring);
        long long want[] = {-EBADF};
        ok = reap(&ring, 1, want);
    } else if (!strcmp(mode, "timeout")) {
        struct __kernel_timespec ts = {.tv_sec = 0, .tv_nsec = 20 * 1000 * 1000};
        struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
        io_uring_prep_timeout(sqe, &ts, 0, 0);
        sqe->user_data = 0;
        io_uring_submit(&ring);
        long long want[] = {-ETIME};
        ok = reap(&ring, 1, want);
    } else if (!strcmp(mode, "sqpoll")) {
        read_at(&ring, fd, 0, 512, 4096);
        read_at(&ring, fd, 1, 512, 12288);
        io_uring_submit(&ring);
        long long want[] = {512, 512};
        ok = reap(&ring, 2, want);
    } else if (!strcmp(mode, "flood")) {
        enum { N = 9000 };
        static struct __kernel_timespec ts = {.tv_sec = 0, .tv_nsec = 200 * 1000 * 1000};
        for (int i = 0; i < N; i++) {
            struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
            io_uring_prep_timeout(sqe, &ts, 0, 0);
            sqe->user_data = i;
        }
        rc = io_uring_submit(&ring);
        ok = rc == N;
        for (int i = 0; i < N; i++) {
            struct io_uring_cqe *cqe;
            if (io_uring_wait_cqe(&ring, &cqe) < 0) {
                ok = 0;
                break;
            }
            ok &= cqe->res == -ETIME;
            io_uring_cqe_seen(&ring, cqe);
        }
        printf("%d timeouts\n", ok ? N : -1);
    } else if (!strcmp(mode, "paced")) {
        char stop[4096];
        snprintf(stop, sizeof stop, "%s.stop", argv[2]);
        fflush(stdout);
        long long want[] = {4096};
        ok = 1;
        for (int i = 0; i < 1500 && access(stop, F_OK) != 0; i++) {
            read_at(&ring, fd, 0, 4096, 0);
            io_uring_submit(&ring);
            ok &= reap(&ring, 1, want);
            fflush(stdout);
            struct timespec pause = {.tv_sec = 0, .tv_nsec = 20 * 1000 * 1000};
            nanosleep(&pause, NULL);
        }
    } else {
        fprintf(stderr, "unknown mode %s\n", mode);
        return 2;
    }
    io_uring_queue_exit(&ring);
    close(fd);
    return ok ? 0 : 1;
}
