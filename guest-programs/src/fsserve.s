# fsserve: the file-system server for programs the host boots separately (docs/disks.md,
# "Separately booted programs"). Booted first, it forks the buffer-cache server (libos/bcserv.s)
# for the disk's root block, names it "fs" in the name service its library OS keeps
# (libos/ns.s) before that service takes any request, and serves names until every other
# program the host booted has exited. Those find the server by ns_lookup("fs"), get the root
# block themselves (blk_root: they are host-booted too) and mount the file system through it,
# so they share its files as forks of one program do (fsclient.s). Afterwards it mounts the file
# system too, reads /peers (what the clients left), commits once, checks it and stops the server.
#   exo run --runtime runtime-shared.list --disk f.img --disk-create 16M \
#       guest-programs/src/fsserve.s guest-programs/src/fsclient.s guest-programs/src/fsclient.s
# (as the test suite boots it: the lines below). Alone it serves nobody and finds no /peers.
# Without a disk it says so and exits with status 2 (its clients then find the name service
# gone); booted after another program, whose name service it cannot bind names in, it says so,
# starts nothing, and exits with 3.
# disk: 16M
# runtime: runtime-shared.list
# with: fsclient.s fsclient.s
# expect: [fsserve.s] fsserve 257: server 260 is "fs" in the name service; the file system on root block 42
# expect: [fsclient.s] A 258: "fs" is 260 (name service 257); /peers written: 13 bytes, no sync
# expect: [fsclient.s#2] B 259: "fs" is 260 (name service 257), "writer" is 258; /peers holds 13 bytes: "written by A."
# expect: [fsclient.s#2] B 259: /peers appended to 28 bytes, no sync
# expect: [fsclient.s] A 258: /peers holds 28 bytes: "written by A. appended by B."
# expect: [fsserve.s] fsserve 257: the other programs have exited; /peers holds 28 bytes: "written by A. appended by B."
# expect: [fsserve.s] fsserve 257: commit 0; fs_check 0; server exited with status 0
        .include "libos/libos.inc"
        .include "libos/fs.inc"
        .extern printf, puts, fork, wait, exit_hook, bcs_serve, bcs_stop, ns_first, ns_set, ns_serve
        .extern fs_mount_shared, fs_open, fs_read, fs_close, fs_sync, fs_check

        .text
        .globl  main
main:
        enter   32
        sw      s1, 0(sp)
        sw      s2, 4(sp)
        sw      s3, 8(sp)
        li      s2, 0                   # s2 = the server, once forked
        sys_env_self
        mv      s1, a0                  # s1 = our id: the server's owner
        call    ns_first                # the name service must be ours, before anything is
        bne     a0, s1, notfirst        # forked that would outlive us
        sys_blk_root                    # the root block: ours to hand out, as every
        li      t0, E_NODEV             # host-booted program's
        beq     a0, t0, nodisk
        bltz    a0, fail
        la      t0, root
        sw      a0, 0(t0)
        sw      a1, 4(t0)
        sw      a2, 8(t0)
        call    fork
        bnez    a0, 1f
        mv      a0, s1                  # the child serves; it never returns
        call    bcs_serve
1:      bltz    a0, fail
        mv      s2, a0                  # s2 = the server
        la      a0, n_fs                # named before the name service opens: nobody can
        mv      a1, s2                  # take the name first
        call    ns_set
        bltz    a0, fail
        la      a0, m_server
        mv      a1, s1
        mv      a2, s2
        lwg     a3, root
        call    printf
        call    ns_serve                # returns when the others have all exited
        bltz    a0, fail

        mv      a0, s2                  # the file system as they left it
        la      a1, root
        call    fs_mount_shared
        bltz    a0, fail
        la      a0, p_peers
        li      a1, FS_O_RDONLY
        call    fs_open
        bltz    a0, 2f
        mv      s3, a0
        la      a1, buf
        li      a2, 127
        call    fs_read
        bltz    a0, fail
        la      t0, buf
        add     t0, t0, a0
        sb      zero, 0(t0)
        mv      a2, a0
        mv      a0, s3
        sw      a2, 12(sp)
        call    fs_close
        la      a0, m_peers
        mv      a1, s1
        lw      a2, 12(sp)
        la      a3, buf
        call    printf
        j       3f
2:      la      a0, m_nopeers
        mv      a1, s1
        call    printf
3:      call    fs_sync                 # one commit, whatever the clients left uncommitted
        mv      s3, a0
        swg     zero, exit_hook, t0     # (and none again at exit)
        call    fs_check
        sw      a0, 12(sp)
        mv      a0, s2                  # stop the server and wait for it
        li      a1, 0
        call    bcs_stop
        mv      a0, s2
        call    wait
        mv      a4, a0
        la      a0, m_done
        mv      a1, s1
        mv      a2, s3
        lw      a3, 12(sp)
        call    printf
        li      a0, 0
        j       9f
notfirst:
        mv      a2, a0
        la      a0, m_notfirst
        mv      a1, s1
        call    printf
        li      a0, 3
        j       9f
nodisk: la      a0, m_nodisk
        call    puts
        li      a0, 2
        j       9f
fail:   mv      a1, a0
        la      a0, m_fail
        call    printf
        beqz    s2, 1f                  # a server left running would keep the run going
        mv      a0, s2
        li      a1, 1
        call    bcs_stop
1:      li      a0, 1
9:      lw      s1, 0(sp)
        lw      s2, 4(sp)
        lw      s3, 8(sp)
        leave   32

        .rodata
n_fs:       .asciz "fs"
p_peers:    .asciz "/peers"
m_server:   .asciz "fsserve %d: server %d is \"fs\" in the name service; the file system on root block %d\n"
m_peers:    .asciz "fsserve %d: the other programs have exited; /peers holds %d bytes: \"%s\"\n"
m_nopeers:  .asciz "fsserve %d: the other programs have exited; /peers: none\n"
m_done:     .asciz "fsserve %d: commit %d; fs_check %d; server exited with status %d\n"
m_notfirst: .asciz "fsserve %d: environment %d was booted first and keeps the name service: boot fsserve.s first\n"
m_fail:     .asciz "fsserve: error %d\n"
m_nodisk:   .asciz "fsserve: no disk; run with --disk IMAGE (and --disk-create 16M the first time)"

        .bss
        .align  2
root:       .space 12                   # the root block and its read-write capability
buf:        .space 128
