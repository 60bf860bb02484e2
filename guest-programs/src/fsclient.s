# fsclient: a program the host boots beside fsserve.s that finds the file-system server by name
# and shares a file with another such program (docs/disks.md, "Separately booted programs").
# It asks the name service (libos/ns.s, kept by the first program booted) for "fs", takes the
# disk's root block itself (blk_root: it is host-booted) and mounts the file system through the
# server. The first client to register the name "writer" is the writer, A: it creates /peers
# and writes 13 bytes; the other, B, waits until it sees them (fs_stat, through the shared file
# system: no sync between them), reads them and appends 15; A waits until it sees those and
# reads all 28. Each commits at exit (the exit hook's fs_sync).
#   exo run --runtime runtime-shared.list --disk f.img --disk-create 16M \
#       guest-programs/src/fsserve.s guest-programs/src/fsclient.s guest-programs/src/fsclient.s
# Booted first (as here, alone), the name service is its own and names nothing: it says there
# is no server and exits with status 3, as it does when the first program exits before it
# answers, or takes no request in NS_TRIES tries.
# runtime: runtime-shared.list
# status: 3
# expect: fsclient 257: no file-system server: nothing is named "fs" (this program was booted first, so the name service is its own)
        .include "libos/libos.inc"
        .include "libos/fs.inc"
        .extern printf, exit, ns_first, ns_lookup, ns_register
        .extern fs_mount_shared, fs_open, fs_read, fs_write, fs_close, fs_stat
.equ POLL, 2000                 # yields a client waits for the other's bytes, at most

        .text
        .globl  main
main:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        sw      s4, 12(sp)
        sys_env_self
        mv      s1, a0                  # s1 = our id, s2 = the name service's, s3 = the server
        call    ns_first
        mv      s2, a0
        la      a0, n_fs
        call    ns_lookup
        bltz    a0, noserver
        mv      s3, a0
        sys_blk_root
        bltz    a0, fail
        la      t0, root
        sw      a0, 0(t0)
        sw      a1, 4(t0)
        sw      a2, 8(t0)
        mv      a0, s3
        la      a1, root
        call    fs_mount_shared
        bltz    a0, fail
        la      a0, n_writer            # the first to take the name writes first
        call    ns_register
        beqz    a0, writer
        li      t0, E_BUSY
        bne     a0, t0, fail

        li      a0, 13                  # B: A's bytes, seen with no sync
        call    wait_size
        bltz    a0, fail
        call    read_peers
        bltz    a0, fail
        mv      s4, a0
        la      a0, n_writer
        call    ns_lookup
        mv      a4, a0
        la      a0, m_b_sees
        mv      a1, s1
        mv      a2, s3
        mv      a3, s2
        mv      a5, s4
        la      a6, buf
        call    printf
        la      a0, p_peers             # appended
        li      a1, FS_O_WRONLY | FS_O_APPEND
        call    fs_open
        bltz    a0, fail
        mv      s4, a0
        la      a1, s_append
        li      a2, 15
        call    fs_write
        bltz    a0, fail
        mv      a0, s4
        call    fs_close
        la      a0, m_b_wrote
        mv      a1, s1
        call    printf
        j       done

writer: la      a0, p_peers             # A: the file, new
        li      a1, FS_O_RDWR | FS_O_CREAT | FS_O_TRUNC
        call    fs_open
        bltz    a0, fail
        mv      s4, a0
        la      a1, s_first
        li      a2, 13
        call    fs_write
        bltz    a0, fail
        mv      a0, s4
        call    fs_close
        la      a0, m_a_wrote
        mv      a1, s1
        mv      a2, s3
        mv      a3, s2
        call    printf
        li      a0, 28                  # B's bytes, seen with no sync
        call    wait_size
        bltz    a0, fail
        call    read_peers
        bltz    a0, fail
        mv      a2, a0
        la      a0, m_a_sees
        mv      a1, s1
        la      a3, buf
        call    printf
done:   li      a0, 0
        j       9f

noserver:                               # why the name "fs" leads nowhere
        mv      s4, a0
        li      t0, E_NOTFOUND
        bne     a0, t0, 1f
        la      a0, m_unnamed
        mv      a1, s1
        bne     s1, s2, 2f
        la      a0, m_first
2:      call    printf
        j       8f
1:      li      t0, E_BADENV
        bne     a0, t0, 1f
        la      a0, m_gone
        j       3f
1:      li      t0, E_NOENTRY
        bne     a0, t0, 1f
        la      a0, m_silent
        j       3f
1:      la      a0, m_other
3:      mv      a1, s1
        mv      a2, s2
        mv      a3, s4
        call    printf
8:      li      a0, 3
        j       9f
fail:   mv      a2, a0
        la      a0, m_fail
        mv      a1, s1
        call    printf
        li      a0, 1
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        lw      s4, 12(sp)
        leave   32

# wait_size(bytes) -> 0, or -1 after POLL yields: until /peers holds bytes.
wait_size:
        enter   16
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        mv      s1, a0
        li      s2, POLL
1:      la      a0, p_peers
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

# read_peers() -> bytes: /peers into buf (at most 127 bytes), NUL-terminated.
read_peers:
        enter   16
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        la      a0, p_peers
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

        .rodata
n_fs:       .asciz "fs"
n_writer:   .asciz "writer"
p_peers:    .asciz "/peers"
s_first:    .asciz "written by A."
s_append:   .asciz " appended by B."
m_a_wrote:  .asciz "A %d: \"fs\" is %d (name service %d); /peers written: 13 bytes, no sync\n"
m_a_sees:   .asciz "A %d: /peers holds %d bytes: \"%s\"\n"
m_b_sees:   .asciz "B %d: \"fs\" is %d (name service %d), \"writer\" is %d; /peers holds %d bytes: \"%s\"\n"
m_b_wrote:  .asciz "B %d: /peers appended to 28 bytes, no sync\n"
m_first:    .asciz "fsclient %d: no file-system server: nothing is named \"fs\" (this program was booted first, so the name service is its own)\n"
m_unnamed:  .asciz "fsclient %d: no file-system server: nothing is named \"fs\" in the name service\n"
m_gone:     .asciz "fsclient %d: no file-system server: the name service (environment %d, booted first) has exited (%d)\n"
m_silent:   .asciz "fsclient %d: no file-system server: environment %d, booted first, takes no requests for names (%d)\n"
m_other:    .asciz "fsclient %d: no file-system server: the name service (environment %d) answered %d\n"
m_fail:     .asciz "fsclient %d: error %d\n"

        .bss
        .align  2
root:       .space 12
statbuf:    .space STAT_BYTES
buf:        .space 128
