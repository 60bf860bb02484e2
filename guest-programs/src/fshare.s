# fshare: two environments share a file through the library file system over the buffer-cache
# server (libos/bcserv.s, libos/bcache_shared.s; docs/libos.md, "Sharing a file system") and
# see each other's writes with no fsync or sync between them. The program forks the server,
# then two clients, A and B, that each mount the file system on the disk's root block through
# it (the first mount formats a fresh image). A creates /shared, writes it, overwrites its start
# and appends; B, which waits for the file to reach that size (asking fs_stat, so the waiting
# itself goes through the shared file system), reads the new bytes and size, overwrites and
# appends through a file opened O_APPEND; A sees that. Then both create eight files each in the
# root directory at once (two writers allocating blocks and inodes and updating one directory),
# and exit without committing. The parent mounts the file system too, finds all of it, commits
# it once (fs_sync: the only commit of the run) and checks it; then a client's requests for
# blocks it has no capability for and an unlock of a lock it does not hold are refused, a client
# that exits holding the lock leaves it refused to everyone (E_BADENV, not a wait for ever), and
# the server is stopped. A later run on the image (files.s cat /shared) reads what the clients wrote.
#   exo run --runtime runtime-shared.list --disk f.img --disk-create 16M guest-programs/src/fshare.s
# Without a disk it says so and exits with status 2.
# disk: 16M
# runtime: runtime-shared.list
# expect: fshare: server 258 keeps the blocks of the file system on root block 42
# expect: A 259: mounted ext; /shared written and overwritten, then appended to 28 bytes, no sync
# expect: B 260: mounted ext; /shared holds 28 bytes: "WRITTEN by A. appended by A."
# expect: B 260: /shared overwritten, then appended to 43 bytes through O_APPEND, no sync
# expect: A 259: /shared holds 43 bytes: "CHANGED by A. appended by A. appended by B."
# expect: clients exited: 0 0
# expect: parent: 17 files in /, the clients' 16 of 5000 bytes each; /shared holds 43 bytes: "CHANGED by A. appended by A. appended by B."
# expect: parent: server's cache: cycles per cached 4 KiB fs_seek + fs_read {n}, fs_seek + fs_write {n}
# expect: parent: one commit: 0; fs_check: 0
# expect: refused: a block without its capability -4, the lock without the root's -4, an unlock by a non-holder -10
# expect: refused: the lock, its holder having exited holding it -5
# expect: server exited with status 0
        .include "libos/libos.inc"
        .include "libos/fs.inc"
        .extern printf, puts, fork, wait, exit, exit_hook, memset, strcmp
        .extern bcs_serve, bcs_stop, bcs_request, bcs_lock, bcs_unlock, fs_mount_shared, fs_kind
        .extern fs_open, fs_close, fs_read, fs_write, fs_seek, fs_stat, fs_readdir, fs_sync, fs_check
.equ POLL, 2000              # yields a client waits for the other's writes, at most
.equ FILES, 8                   # files each client creates in the concurrent phase
.equ FILE_BYTES, 5000
.equ BCS_READ, 4                # bcserv.s's requests
.equ BCS_LOCK, 10

        .text
        .globl  main
main:
        enter   48
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sw      s5, 16(sp)
        sys_blk_root                    # only a host-booted environment may ask: the clients
        li      t0, E_NODEV             # get the root from us, as they get the server's id
        beq     a0, t0, nodisk
        bltz    a0, fail
        la      t0, root
        sw      a0, 0(t0)
        sw      a1, 4(t0)
        sw      a2, 8(t0)
        sys_env_self
        mv      s5, a0                  # s5 = our id: the server's owner
        call    fork
        bnez    a0, 1f
        mv      a0, s5                  # the child serves
        call    bcs_serve
1:      bltz    a0, fail
        swg     a0, server, t0
        mv      a1, a0
        la      a0, m_server
        lwg     a2, root
        call    printf

        call    fork                    # client A
        bltz    a0, fail
        beqz    a0, client_a
        mv      s1, a0
        call    fork                    # client B
        bltz    a0, fail
        beqz    a0, client_b
        mv      s2, a0
        mv      a0, s1
        call    wait
        mv      s3, a0
        mv      a0, s2
        call    wait
        mv      a2, a0
        mv      a1, s3
        la      a0, m_clients
        call    printf

        lwg     a0, server              # the parent mounts it too, and sees all of it
        la      a1, root
        call    fs_mount_shared
        bltz    a0, fail
        call    count_files
        mv      s3, a0
        la      a0, p_shared            # s3 = files in /, s4 = those of FILE_BYTES
        call    read_whole
        bltz    a0, fail
        mv      a4, a0
        la      a0, m_parent
        mv      a1, s3
        mv      a2, s4
        li      a3, FILE_BYTES
        la      a5, buf
        call    printf
        la      a0, p_a0                # the cost of a cached block through the server
        li      a1, FS_O_RDWR
        call    fs_open
        bltz    a0, fail
        la      a1, filler
        call    rw_cost
        bltz    a0, fail
        mv      a2, a1
        mv      a1, a0
        la      a0, m_cost
        call    printf
        call    fs_sync                 # the one commit: every client's changes
        mv      s3, a0
        swg     zero, exit_hook, t0     # (and none again at exit)
        call    fs_check
        mv      a2, a0
        mv      a1, s3
        la      a0, m_commit
        call    printf

        lwg     a0, server              # the guards: a block named with a forged capability,
        li      a1, BCS_READ
        la      t0, root
        lw      a2, 0(t0)
        lw      a3, 4(t0)
        xori    a3, a3, 1
        lw      a4, 8(t0)
        li      a5, 0
        call    bcs_request
        mv      s3, a0
        lwg     a0, server              # the lock named without the root's capability,
        li      a1, BCS_LOCK
        la      t0, root
        lw      a2, 0(t0)
        lw      a3, 4(t0)
        lw      a4, 8(t0)
        xori    a4, a4, 1
        li      a5, 0
        call    bcs_request
        mv      s4, a0
        lwg     a0, server              # an unlock of a lock nobody holds
        la      t0, root
        lw      a1, 0(t0)
        lw      a2, 4(t0)
        lw      a3, 8(t0)
        li      a4, 0
        call    bcs_unlock
        mv      a3, a0
        la      a0, m_refused
        mv      a1, s3
        mv      a2, s4
        call    printf

        call    fork                    # a client that exits holding the lock: the next
        bltz    a0, fail                # caller is told (E_BADENV), not kept waiting
        beqz    a0, holder
        call    wait
        lwg     a0, server
        la      t0, root
        lw      a1, 0(t0)
        lw      a2, 4(t0)
        lw      a3, 8(t0)
        call    bcs_lock
        mv      a1, a0
        la      a0, m_orphan
        call    printf

        lwg     a0, server              # stop the server and wait for it
        li      a1, 0
        call    bcs_stop
        lwg     a0, server
        call    wait
        mv      a1, a0
        la      a0, m_exited
        call    printf
        li      a0, 0
        j       9f
nodisk: la      a0, m_nodisk
        call    puts
        li      a0, 2
        j       9f
fail:   mv      a1, a0
        la      a0, m_fail
        call    printf
        li      a0, 1
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        lw      s5, 16(sp)
        leave   48

# client_a: creates /shared, writes, overwrites its start, appends; waits for B's writes and
# reads them; creates its files; exits without a commit.
client_a:
        call    mount
        la      a0, p_shared            # the file, new
        li      a1, FS_O_RDWR | FS_O_CREAT | FS_O_TRUNC
        call    fs_open
        bltz    a0, cfail
        mv      s1, a0
        mv      a0, s1
        la      a1, s_first
        li      a2, 13
        call    fs_write
        bltz    a0, cfail
        mv      a0, s1                  # overwritten
        li      a1, 0
        li      a2, FS_SEEK_SET
        call    fs_seek
        mv      a0, s1
        la      a1, s_upper
        li      a2, 7
        call    fs_write
        bltz    a0, cfail
        call    fs_kind                 # (said before the append, which B waits for)
        mv      a2, a0
        sys_env_self
        mv      a1, a0
        la      a0, m_a_wrote
        call    printf
        mv      a0, s1                  # appended
        li      a1, 0
        li      a2, FS_SEEK_END
        call    fs_seek
        mv      a0, s1
        la      a1, s_append_a
        li      a2, 15
        call    fs_write
        bltz    a0, cfail
        mv      a0, s1
        call    fs_close
        li      a0, 43                  # B's turn: wait for its bytes
        call    wait_size
        bltz    a0, cfail
        la      a0, p_shared
        call    read_whole
        bltz    a0, cfail
        mv      a2, a0
        sys_env_self
        mv      a1, a0
        la      a0, m_sees
        la      a3, buf
        call    printf
        li      a0, 'a'
        call    make_files
        bltz    a0, cfail
        j       cexit

# client_b: waits for A's file, reads it, overwrites its start and appends (O_APPEND), creates
# its files; exits without a commit.
client_b:
        call    mount
        li      a0, 28
        call    wait_size
        bltz    a0, cfail
        la      a0, p_shared
        call    read_whole
        bltz    a0, cfail
        mv      a3, a0
        call    fs_kind
        mv      a2, a0
        sys_env_self
        mv      a1, a0
        la      a0, m_b_sees
        la      a4, buf
        call    printf
        la      a0, p_shared            # overwritten
        li      a1, FS_O_RDWR
        call    fs_open
        bltz    a0, cfail
        mv      s1, a0
        la      a1, s_changed
        li      a2, 7
        call    fs_write
        bltz    a0, cfail
        mv      a0, s1
        call    fs_close
        sys_env_self                    # (said before the append, which A waits for)
        mv      a1, a0
        la      a0, m_b_wrote
        call    printf
        la      a0, p_shared            # appended
        li      a1, FS_O_WRONLY | FS_O_APPEND
        call    fs_open
        bltz    a0, cfail
        mv      s1, a0
        la      a1, s_append_b
        li      a2, 15
        call    fs_write
        bltz    a0, cfail
        mv      a0, s1
        call    fs_close
        li      a0, 'b'
        call    make_files
        bltz    a0, cfail
        j       cexit

# mount: a client's mount through the server (the first one formats a fresh image).
mount:
        enter   16
        lwg     a0, server
        la      a1, root
        call    fs_mount_shared
        bltz    a0, cfail
        leave   16

# holder: takes the file system's lock and exits without letting go.
holder: lwg     a0, server
        la      t0, root
        lw      a1, 0(t0)
        lw      a2, 4(t0)
        lw      a3, 8(t0)
        call    bcs_lock
        bltz    a0, cfail
        j       cexit

cexit:  swg     zero, exit_hook, t0     # no commit at exit: the parent's one carries ours
        li      a0, 0
        call    exit
cfail:  mv      a2, a0
        sys_env_self
        mv      a1, a0
        la      a0, m_cfail
        call    printf
        swg     zero, exit_hook, t0
        li      a0, 1
        call    exit

# wait_size(bytes) -> 0, or -1 after POLL yields: until /shared holds bytes (the other
# client's writes, seen through the shared pages).
wait_size:
        enter   16
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        mv      s1, a0
        li      s2, POLL
1:      la      a0, p_shared
        la      a1, statbuf
        call    fs_stat
        bltz    a0, 2f
        lwg     t0, statbuf + STAT_SIZE
        li      a0, 0
        beq     t0, s1, 9f
2:      addi    s2, s2, -1
        li      a0, -1
        beqz    s2, 9f
        li      a0, 0
        sys_yield
        j       1b
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        leave   16

# read_whole(path) -> bytes: the file into buf (at most 127 bytes), NUL-terminated.
read_whole:
        enter   16
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        li      a1, FS_O_RDONLY
        call    fs_open
        bltz    a0, 9f
        mv      s1, a0
        la      a1, buf
        li      a2, 127
        call    fs_read
        mv      s2, a0
        mv      a0, s1
        call    fs_close
        mv      a0, s2
        bltz    a0, 9f
        la      t0, buf
        add     t0, t0, a0
        sb      zero, 0(t0)
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        leave   16

# make_files(letter) -> 0 or an error: /<letter>0 .. /<letter>7, FILE_BYTES each, giving the
# CPU away after each so the two clients' creations interleave.
make_files:
        enter   16
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        la      t0, name
        li      t1, '/'
        sb      t1, 0(t0)
        sb      a0, 1(t0)
        sb      zero, 3(t0)
        li      s1, 0
1:      li      a0, 0
        li      t0, FILES
        bge     s1, t0, 9f
        la      t0, name
        addi    t1, s1, '0'
        sb      t1, 2(t0)
        la      a0, name
        li      a1, FS_O_WRONLY | FS_O_CREAT | FS_O_TRUNC
        call    fs_open
        bltz    a0, 9f
        mv      s2, a0
        la      a1, filler
        li      a2, FILE_BYTES
        call    fs_write
        bltz    a0, 9f
        mv      a0, s2
        call    fs_close
        li      a0, 0
        sys_yield
        addi    s1, s1, 1
        j       1b
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        leave   16

# count_files() -> a0 = entries in /, s4 = those that are files of FILE_BYTES bytes.
count_files:
        enter   16
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        li      s2, 0
        li      s4, 0
        la      a0, p_root
        li      a1, FS_O_RDONLY
        call    fs_open
        bltz    a0, 9f
        mv      s1, a0
1:      mv      a0, s1
        la      a1, dirent
        call    fs_readdir
        blez    a0, 2f
        addi    s2, s2, 1
        lwg     t0, dirent + DIRENT_SIZE
        li      t1, FILE_BYTES
        bne     t0, t1, 1b
        addi    s4, s4, 1
        j       1b
2:      mv      a0, s1
        call    fs_close
        mv      a0, s2
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        leave   16

        .include "fsrw.inc"

        .rodata
p_a0:       .asciz "/a0"
m_cost:     .asciz "parent: server's cache: cycles per cached 4 KiB fs_seek + fs_read %d, fs_seek + fs_write %d\n"
p_shared:   .asciz "/shared"
p_root:     .asciz "/"
s_first:    .asciz "written by A."
s_upper:    .asciz "WRITTEN"
s_changed:  .asciz "CHANGED"
s_append_a: .asciz " appended by A."
s_append_b: .asciz " appended by B."
m_server:   .asciz "fshare: server %d keeps the blocks of the file system on root block %d\n"
m_a_wrote:  .asciz "A %d: mounted %s; /shared written and overwritten, then appended to 28 bytes, no sync\n"
m_b_sees:   .asciz "B %d: mounted %s; /shared holds %d bytes: \"%s\"\n"
m_b_wrote:  .asciz "B %d: /shared overwritten, then appended to 43 bytes through O_APPEND, no sync\n"
m_sees:     .asciz "A %d: /shared holds %d bytes: \"%s\"\n"
m_clients:  .asciz "clients exited: %d %d\n"
m_parent:   .asciz "parent: %d files in /, the clients' %d of %d bytes each; /shared holds %d bytes: \"%s\"\n"
m_commit:   .asciz "parent: one commit: %d; fs_check: %d\n"
m_refused:  .asciz "refused: a block without its capability %d, the lock without the root's %d, an unlock by a non-holder %d\n"
m_exited:   .asciz "server exited with status %d\n"
m_orphan:   .asciz "refused: the lock, its holder having exited holding it %d\n"
m_cfail:    .asciz "fshare: client %d: error %d\n"
m_fail:     .asciz "fshare: error %d\n"
m_nodisk:   .asciz "fshare: no disk; run with --disk IMAGE (and --disk-create 16M the first time)"

        .bss
        .align  2
server:     .space 4
root:       .space 12                   # the root block and its read-write capability
statbuf:    .space STAT_BYTES
dirent:     .space DIRENT_BYTES
name:       .space 4
buf:        .space 128
filler:     .space FILE_BYTES
